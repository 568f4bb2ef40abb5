const warned = new Set<string>();

// Written plainly so bundlers replace process.env.NODE_ENV; without a bundler
// there is no process, and the ReferenceError means development.
function inProduction(): boolean {
  try {
    return process.env.NODE_ENV === 'production';
  } catch {
    return false;
  }
}

/** A development warning, prefixed `[veil]`, shown once per key. Silent in production builds. */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key) || inProduction()) return;
  warned.add(key);
  console.warn(`[veil] ${message}`);
}
