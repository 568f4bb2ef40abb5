import { createPostgresStorage } from './postgres';
import { createSqliteStorage } from './sqlite';
import type { Storage } from './types';

/** True for a `postgres://` or `postgresql://` connection string. */
export const isPostgresUrl = (database: string) => /^postgres(ql)?:\/\//i.test(database);

/**
 * Opens the storage a `--database` value names: a PostgreSQL connection string,
 * or else a SQLite file path (`sqlite:` prefix optional). Does not migrate.
 *
 * @example
 * const storage = openStorage('postgres://veil@127.0.0.1/veil');
 */
export function openStorage(database: string): Storage {
  if (isPostgresUrl(database)) return createPostgresStorage({ connectionString: database });
  return createSqliteStorage({ filename: database.replace(/^sqlite:/i, '') });
}
