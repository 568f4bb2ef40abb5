// One worker of the ingest pool (batch-processor.ts): a batch engine with its
// own scrubber cache, fed one message at a time by its shard's Piscina.
import { workerData } from 'piscina';
import { BatchEngine } from './batch-engine';
import type { WorkerData, WorkerTask } from './batch-processor';

const engine = new BatchEngine((workerData as WorkerData).engine);

export default async function handle(task: WorkerTask): Promise<unknown> {
  switch (task.op) {
    case 'decode':
      return engine.decode(task.json);
    case 'park':
      return engine.park(task.events);
    case 'scrub':
      return engine.scrub(task.request);
    case 'finish':
      return engine.finish(task.request);
    case 'forget':
      return engine.forget(task.siteId, task.sessionId);
    case 'forgetSite':
      return engine.forgetSite(task.siteId);
    case 'clear':
      return engine.clear();
    case 'stats':
      return engine.stats();
  }
}
