export const INGEST_WORKER_FILE: string;
export function buildIngestWorker(options?: { sourcemap?: boolean }): Promise<void>;
