// The corpus cases (the shared leak corpus beside the project, when it is
// there, and Veil's own cases in test/leak-corpus, written in the same format)
// run through the leak suite's harness too: every canary searched the same
// ways, and the explanation checked against each recording.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'vitest';
import { coreDir, runScenarios, type Scenario } from './harness';

interface CorpusCase {
  id: string;
  about?: string;
  html: string;
  head?: string;
  path?: string;
  files?: Record<string, string>;
  options?: Scenario['options'];
  before?: Scenario['before'];
  steps?: Scenario['steps'];
  canaries?: string[];
  mustRecord?: Scenario['mustRecord'];
}

const OWN = path.join(coreDir, 'test', 'leak-corpus');
const SHARED = path.resolve(coreDir, '..', '..', '..', 'shared', 'leak-corpus');

async function load(dir: string): Promise<Record<string, Scenario[]>> {
  const groups: Record<string, Scenario[]> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .sort()) {
    const cases = (await import(pathToFileURL(path.join(dir, file)).href)).default as CorpusCase[];
    groups[file.replace(/\.mjs$/, '')] = cases.map((c) => ({
      name: c.about ? `${c.id}: ${c.about}` : c.id,
      html: c.html,
      head: c.head,
      path: c.path,
      files: c.files,
      options: c.options,
      before: c.before,
      steps: c.steps,
      canaries: c.canaries,
      mustRecord: c.mustRecord,
    }));
  }
  return groups;
}

runScenarios('own corpus (test/leak-corpus)', await load(OWN));
// The shared corpus lives outside the repository (CI has it beside the clone); without it there is nothing to port.
if (existsSync(SHARED)) runScenarios('shared corpus (../shared/leak-corpus)', await load(SHARED));
else describe.skip(`shared corpus: not found at ${SHARED}`, () => it('runs the shared cases', () => undefined));
