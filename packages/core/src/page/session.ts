// A recording session: one visit of one tab, continued across its page loads
// (sessionStorage), ended by stop() or by a long pause, and sampled in or out
// once, when it begins.
import type { RecorderEnvironment } from './types';

/** Where a session lives between page loads of one tab. */
export const SESSION_STORAGE_KEY = 'veil:session';

interface Session {
  id: string;
  /** The next batch's sequence number. */
  seq: number;
  lastActivity: number;
  sampled: boolean;
  /**
   * The session's one random draw, from 0 to 1: it is sampled in at a rate
   * above it. Kept so that a lower rate learnt later (the site's settings)
   * decides the same way on every page of the session.
   */
  draw: number;
}

type SessionStorage = NonNullable<RecorderEnvironment['storage']>;

function newSessionId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function readSession(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    if (typeof s.id !== 'string' || !(s.seq >= 0) || !(s.lastActivity > 0)) return null;
    // stored by a version without the draw: its decision stands
    if (typeof s.draw !== 'number') s.draw = s.sampled ? 0 : 1;
    return s;
  } catch {
    return null;
  }
}

/** sessionStorage when the page may use it; `null` keeps sessions in memory, one page long. */
export function defaultSessionStorage(): SessionStorage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    // storage blocked (sandboxed frame, privacy settings): sessions last one page
    return null;
  }
}

export interface SessionOptions {
  storage: SessionStorage | null;
  now: () => number;
  random: () => number;
  /** Fraction of sessions recorded, decided once per session. */
  sampleRate: number;
  /** Milliseconds without activity after which the next activity begins a new session. */
  sessionTimeout: number;
}

/** The tab's current session, kept in storage as it changes. */
export interface Sessions {
  /** The current session's id, or the last one's after it ended; `null` before the first. */
  readonly lastId: string | null;
  /** Whether a session is open (it may be sampled out). */
  readonly current: boolean;
  /** Continues this tab's session if it is still active, else begins a new one; true when it is sampled in. */
  open(): boolean;
  /** Ends the current session and begins a new one at once; true when it is sampled in. */
  renew(): boolean;
  /** Whether the current session is sampled in at `rate` (the same draw, so the answer holds on every page of it). */
  sampledAt(rate: number): boolean;
  /** Notes the visitor's activity now; true when the pause before it was long enough to end the session. */
  active(): boolean;
  /** The current session's id and the sequence number of its next batch, which is spent now. */
  nextBatch(): { sessionId: string; seq: number } | null;
  /** Writes the session to storage (the page may be leaving). */
  save(): void;
  /** Ends the session: a later open() begins a new one. */
  end(): void;
}

export function createSessions(options: SessionOptions): Sessions {
  const { storage, now } = options;
  let current: Session | null = null;
  let lastId: string | null = null;

  function save() {
    if (!current) return;
    try {
      storage?.setItem(SESSION_STORAGE_KEY, JSON.stringify(current));
    } catch {
      // full or blocked storage: the session just does not outlive this page
    }
  }

  function begin(session: Session): boolean {
    current = session;
    current.lastActivity = now();
    lastId = current.id;
    save();
    return current.sampled;
  }

  const fresh = (): Session => {
    const draw = options.random();
    return { id: newSessionId(), seq: 0, lastActivity: now(), sampled: draw < options.sampleRate, draw };
  };

  return {
    get lastId() {
      return lastId;
    },
    get current() {
      return current !== null;
    },
    open() {
      let stored: Session | null;
      try {
        stored = readSession(storage?.getItem(SESSION_STORAGE_KEY) ?? null);
      } catch {
        stored = null;
      }
      return begin(stored && now() - stored.lastActivity <= options.sessionTimeout ? stored : fresh());
    },
    renew: () => begin(fresh()),
    sampledAt: (rate) => current !== null && current.sampled && current.draw < rate,
    active() {
      if (!current) return false;
      const t = now();
      const expired = t - current.lastActivity > options.sessionTimeout;
      current.lastActivity = t;
      return expired;
    },
    nextBatch() {
      if (!current) return null;
      const batch = { sessionId: current.id, seq: current.seq++ };
      // the sequence number is spent before sending, so a reload can never reuse it
      save();
      return batch;
    },
    save,
    end() {
      current = null;
      try {
        storage?.removeItem(SESSION_STORAGE_KEY);
      } catch {
        // nothing to forget
      }
    },
  };
}
