// Development warnings: prefixed [veil], each shown once. Bundlers replace
// process.env.NODE_ENV, so production builds drop them (Vue's own convention).
declare const process: { env: { NODE_ENV?: string } };

const shown = new Set<string>();

/** Shows `message` once per `key`, outside production builds. */
export function warnOnce(key: string, message: string): void {
  if (process.env.NODE_ENV !== 'production' && !shown.has(key)) {
    shown.add(key);
    console.warn(`[veil] ${message}`);
  }
}
