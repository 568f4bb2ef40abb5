const warned = new Set<string>();

function inProduction(): boolean {
  try {
    return typeof process !== 'undefined' && process.env?.NODE_ENV === 'production';
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
