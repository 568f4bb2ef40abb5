// One batch per session at a time within this instance: a beacon racing a
// fetch for the same session must not interleave inside one scrubber, and a
// deletion must not slip between a batch's scrub and its cache update.
// (Across instances, the database's row lock orders the writes; see storage.)

export class SessionLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` once every earlier call for the same session has settled. */
  async run<R>(siteId: number, sessionId: string, fn: () => Promise<R>): Promise<R> {
    const key = sessionKey(siteId, sessionId);
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** A map key for one session of one site (a session id may contain any printable character, never NUL). */
export const sessionKey = (siteId: number, sessionId: string) => `${siteId}\u0000${sessionId}`;
