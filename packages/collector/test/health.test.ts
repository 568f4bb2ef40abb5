// /healthz and /readyz, for load balancers: on both back ends, outside the login.
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, pgUrl, startTestCollector, type Backend, type TestCollector } from './helpers';

for (const backend of BACKENDS) {
  describe.skipIf(backend === 'postgres' && !pgUrl())(`health checks with ${backend}`, () => {
    let t: TestCollector | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('healthz answers while the process runs; readyz only while the database answers', async () => {
      t = await startTestCollector(backend as Backend);
      const get = (url: string) => t!.collector.app.inject({ method: 'GET', url });
      expect((await get('/healthz')).json()).toEqual({ ok: true });
      const ready = await get('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ ok: true });
      expect(ready.headers['cache-control']).toBe('no-store');

      await t.collector.storage.close();
      const notReady = await get('/readyz');
      expect(notReady.statusCode).toBe(503);
      expect(notReady.headers['retry-after']).toBe('5');
      expect(notReady.json()).toEqual({ ok: false, error: 'storage is unavailable' });
      expect((await get('/healthz')).statusCode).toBe(200);
      await t.restart();
      expect((await t.collector.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    });
  });
}
