import { isDevMode } from '@angular/core';

const warned = new Set<string>();

/** A development warning, prefixed `[veil]`, shown once per key and page; silent in production builds. */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key) || !isDevMode()) return;
  warned.add(key);
  console.warn(`[veil] ${message}`);
}
