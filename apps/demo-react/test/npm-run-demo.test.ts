// `npm run demo -- react` (scripts/demo.mjs), stopped the way a user stops
// it: a plain `kill` of its process must stop the preview server it started,
// so that the next `npm run demo` finds the port free.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DEMO_URL = 'http://127.0.0.1:4174/';

const answers = () =>
  fetch(DEMO_URL).then(
    (res) => res.ok,
    () => false,
  );

it('stops the React preview server when its process is killed', { timeout: 180_000 }, async () => {
  expect(await answers(), `something already answers at ${DEMO_URL}`).toBe(false);
  const demo = spawn(process.execPath, ['scripts/demo.mjs', 'react'], { cwd: root, stdio: 'ignore', env: { ...process.env, PORT: '0' } });
  try {
    await expect.poll(answers, { timeout: 150_000, interval: 250 }).toBe(true);
  } finally {
    demo.kill('SIGTERM');
  }
  await expect.poll(answers, { timeout: 10_000, interval: 250 }).toBe(false);
});
