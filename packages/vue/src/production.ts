declare const process: { env: { NODE_ENV?: string } };

/**
 * True in production builds, where development tools are skipped. Bundlers
 * replace `process.env.NODE_ENV`; without a bundler there is no `process`:
 * development.
 */
export function inProduction(): boolean {
  try {
    return process.env.NODE_ENV === 'production';
  } catch {
    return false;
  }
}
