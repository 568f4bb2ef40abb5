// One PostgreSQL server for the whole run; each suite creates its own database on it.
import type { TestProject } from 'vitest/node';
import { postgresAvailable, startPostgres, PG_BIN } from './postgres-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  if (!postgresAvailable()) {
    const message = `PostgreSQL binaries not found in ${PG_BIN} (set VEIL_PG_BIN): the PostgreSQL storage tests cannot run.`;
    if (process.env.CI) throw new Error(message);
    console.warn(`\n${'!'.repeat(78)}\n!! SKIPPING POSTGRESQL TESTS: ${message}\n${'!'.repeat(78)}\n`);
    project.provide('pgUrl', null);
    return;
  }
  const server = await startPostgres();
  project.provide('pgUrl', server.url);
  return () => server.stop();
}
