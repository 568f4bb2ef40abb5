const warned = new Set<string>();

/** True in production builds (bundlers replace process.env.NODE_ENV). */
export function inProduction(): boolean {
  try {
    return process.env.NODE_ENV === 'production';
  } catch {
    return false; // no `process` (a browser without a bundler): development
  }
}

/** A development warning, prefixed `[veil]`, shown once per key. Silent in production builds. */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key) || inProduction()) return;
  warned.add(key);
  console.warn(`[veil] ${message}`);
}
