// Development warnings for every package of Veil: one set of keys, so a
// warning the core gives is not given again by a framework binding.
declare const process: { env: { NODE_ENV?: string } };
declare const console: { warn(message: string): void };

const warned = new Set<string>();

/**
 * True in production builds. Written plainly so that bundlers replace
 * `process.env.NODE_ENV`; without a bundler there is no `process`, and the
 * ReferenceError means development.
 */
export function inProduction(): boolean {
  try {
    return process.env.NODE_ENV === 'production';
  } catch {
    return false;
  }
}

/**
 * A development warning, prefixed `[veil]`, shown once per key. Silent in
 * production builds. The framework bindings use it for their own misuse warnings.
 *
 * @example
 * warnOnce('options-changed', '<VeilProvider options> changed after the first render …');
 */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key) || inProduction()) return;
  warned.add(key);
  console.warn(`[veil] ${message}`);
}
