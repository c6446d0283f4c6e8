/**
 * The widget's reads served from memory (docs/design.md §14): key → authenticated key, project →
 * project, allowed origins and offers. A decorator over any backend's repositories, so every write
 * that changes what is cached passes through here and invalidates it after it commits, whichever
 * route or service made it. Writes to a project's settings, origins, offers or keys drop that
 * project's entries (and its keys') on every instance through the {@link CacheBus}.
 *
 * `apiKeys.touch` does not write here: the latest use of each key is kept in memory and written in
 * one batch every `usageFlushMs` and on close, so no request writes on a read path; listings show
 * the pending value at once.
 */
import type { CancelReason } from "@windback/protocol";
import type { Clock } from "../../lib/clock.js";
import type {
  ApiKeyRecord,
  AuthenticatedKey,
  OfferRecord,
  ProjectRecord,
  Repositories,
} from "../types.js";
import type { CacheBus, Invalidation } from "./cache-bus.js";

export interface ReadCacheOptions {
  bus: CacheBus;
  clock: Clock;
  /**
   * How long an entry is trusted without hearing from the bus: a safety net for a message lost
   * between instances, not the way changes are seen (invalidations are).
   */
  ttlMs?: number;
  /** Entries kept per map; the oldest go first beyond it (a flood of distinct keys cannot grow memory). */
  maxEntries?: number;
  /** How often collected `last_used_at` values are written. */
  usageFlushMs?: number;
  /** A failed flush is retried at the next one; this hears why. */
  onFlushError?: (error: unknown) => void;
}

export interface ReadCache {
  repos: Repositories;
  /** Starts the periodic `last_used_at` flush. */
  start(): void;
  /** Writes the collected `last_used_at` values now (one concurrent batch). */
  flushUsage(): Promise<void>;
  /** Stops the timer, flushes, and stops listening to the bus. */
  close(): Promise<void>;
  /** For tests and diagnostics. */
  stats(): { keys: number; projects: number; pendingUsage: number; hits: number; misses: number };
}

const DEFAULT_CACHE_TTL_MS = 10_000;
const DEFAULT_USAGE_FLUSH_MS = 10_000;
const DEFAULT_MAX_ENTRIES = 10_000;

interface Timed<T> {
  value: T;
  /** Clock time after which the entry is reloaded. */
  until: number;
}

interface ProjectEntry {
  project?: Timed<Readonly<ProjectRecord> | null>;
  origins?: Timed<readonly string[]>;
  offers: Map<CancelReason, Timed<Readonly<OfferRecord> | null>>;
}

/** Cached values are shared by every request: frozen, so no caller can change another's view. */
function freezeKey(found: AuthenticatedKey): AuthenticatedKey {
  Object.freeze(found.key);
  return Object.freeze(found);
}
function freezeProject(project: ProjectRecord | null): ProjectRecord | null {
  if (project) {
    Object.freeze(project.allowedOrigins);
    Object.freeze(project);
  }
  return project;
}

/** Drops the oldest entries beyond `max` (Map keeps insertion order). */
function bound<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}

export function createReadCache(inner: Repositories, options: ReadCacheOptions): ReadCache {
  const { bus, clock } = options;
  const ttl = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
  const max = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const flushEvery = options.usageFlushMs ?? DEFAULT_USAGE_FLUSH_MS;

  const keys = new Map<string, Timed<AuthenticatedKey>>();
  const projects = new Map<string, ProjectEntry>();
  /** Key id → the latest use not yet written (ISO timestamps sort as text). */
  const pendingUse = new Map<string, string>();
  let hits = 0;
  let misses = 0;
  /**
   * Bumped by every invalidation. A load that started before one must not store what it read:
   * it may predate the write (PostgreSQL reads are asynchronous; SQLite's are not, but the rule
   * costs nothing).
   */
  let epoch = 0;

  const unsubscribe = bus.subscribe((message: Invalidation) => {
    epoch += 1;
    if (message.type === "all") {
      keys.clear();
      projects.clear();
      return;
    }
    projects.delete(message.projectId);
    for (const [hash, entry] of keys) {
      if (entry.value.key.projectId === message.projectId) keys.delete(hash);
    }
  });

  const changed = (projectId: string) => bus.publish({ type: "project", projectId });
  /** Runs a write, then invalidates the project whether it committed or failed half-way. */
  async function writing<T>(projectId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      changed(projectId);
    }
  }

  function entryOf(projectId: string): ProjectEntry {
    let entry = projects.get(projectId);
    if (!entry) {
      entry = { offers: new Map() };
      projects.set(projectId, entry);
      bound(projects, max);
    }
    return entry;
  }

  /** A fresh cached value, or a load whose result is kept if no invalidation came meanwhile. */
  async function through<T>(
    current: Timed<T> | undefined,
    load: () => Promise<T>,
    store: (timed: Timed<T>) => void,
  ): Promise<T> {
    const now = clock.now();
    if (current && current.until > now) {
      hits += 1;
      return current.value;
    }
    misses += 1;
    const started = epoch;
    const value = await load();
    if (started === epoch) store({ value, until: now + ttl });
    return value;
  }

  const withPendingUse = (key: ApiKeyRecord): ApiKeyRecord => {
    const used = pendingUse.get(key.id);
    return used !== undefined && (key.lastUsedAt === null || key.lastUsedAt < used)
      ? { ...key, lastUsedAt: used }
      : key;
  };

  const repos: Repositories = {
    ...inner,
    projects: {
      ...inner.projects,
      findById: (id) =>
        through(
          projects.get(id)?.project,
          async () => freezeProject(await inner.projects.findById(id)),
          (timed) => {
            entryOf(id).project = timed;
          },
        ),
      getAllowedOrigins: (id) =>
        through(
          projects.get(id)?.origins,
          async () => Object.freeze(await inner.projects.getAllowedOrigins(id)),
          (timed) => {
            entryOf(id).origins = timed;
          },
        ) as Promise<string[]>,
      update: (id, changes, now) => writing(id, () => inner.projects.update(id, changes, now)),
      delete: (id) => writing(id, () => inner.projects.delete(id)),
      setAllowedOrigins: (id, origins, now) =>
        writing(id, () => inner.projects.setAllowedOrigins(id, origins, now)),
    },
    apiKeys: {
      ...inner.apiKeys,
      async findUsableByHash(keyHash, now) {
        const cached = keys.get(keyHash);
        if (cached && cached.until > clock.now()) {
          hits += 1;
          const { expiresAt } = cached.value.key;
          // A rotated key's deadline is kept with it: refused at its expiry, not at a reload.
          return expiresAt === null || expiresAt > now ? cached.value : null;
        }
        misses += 1;
        const started = epoch;
        const found = await inner.apiKeys.findUsableByHash(keyHash, now);
        // Unknown keys are not remembered: guessing must not fill memory.
        if (found && started === epoch) {
          keys.set(keyHash, { value: freezeKey(found), until: clock.now() + ttl });
          bound(keys, max);
        }
        return found;
      },
      create: (projectId, key, now) =>
        writing(projectId, () => inner.apiKeys.create(projectId, key, now)),
      rotate: (projectId, key, now, oldKeysExpireAt) =>
        writing(projectId, () => inner.apiKeys.rotate(projectId, key, now, oldKeysExpireAt)),
      revoke: async (projectId, id, now) => {
        const revoked = await writing(projectId, () => inner.apiKeys.revoke(projectId, id, now));
        return revoked && withPendingUse(revoked);
      },
      async listByProject(projectId, page) {
        const listed = await inner.apiKeys.listByProject(projectId, page);
        if (pendingUse.size === 0) return listed;
        return { ...listed, items: listed.items.map(withPendingUse) };
      },
      async touch(id, now) {
        const previous = pendingUse.get(id);
        if (previous === undefined || previous < now) pendingUse.set(id, now);
      },
    },
    offers: {
      ...inner.offers,
      findEnabledByReason: (projectId, reason) =>
        through(
          projects.get(projectId)?.offers.get(reason),
          async () => {
            const offer = await inner.offers.findEnabledByReason(projectId, reason);
            return offer && Object.freeze(offer);
          },
          (timed) => {
            entryOf(projectId).offers.set(reason, timed);
          },
        ),
      upsert: (projectId, id, input, now) =>
        writing(projectId, () => inner.offers.upsert(projectId, id, input, now)),
      delete: (projectId, reason) =>
        writing(projectId, () => inner.offers.delete(projectId, reason)),
    },
  };

  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  async function flushOnce(): Promise<void> {
    if (pendingUse.size === 0) return;
    const batch = [...pendingUse];
    pendingUse.clear();
    // Concurrent, so a group-committing store writes them in one transaction.
    const results = await Promise.allSettled(
      batch.map(([id, at]) => inner.apiKeys.touch(id, at, at)),
    );
    let failure: unknown;
    results.forEach((result, i) => {
      if (result.status === "fulfilled") return;
      failure = result.reason;
      const [id, at] = batch[i] as [string, string];
      const newer = pendingUse.get(id);
      if (newer === undefined || newer < at) pendingUse.set(id, at);
    });
    if (failure !== undefined) options.onFlushError?.(failure);
  }

  const flushUsage = () => {
    // One flush at a time: a slow one must not overlap the next tick's.
    flushing = flushing.then(flushOnce);
    return flushing;
  };

  return {
    repos,
    start() {
      if (timer) return;
      timer = setInterval(() => void flushUsage(), flushEvery);
      timer.unref();
    },
    flushUsage,
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flushUsage();
      unsubscribe();
    },
    stats: () => ({
      keys: keys.size,
      projects: projects.size,
      pendingUsage: pendingUse.size,
      hits,
      misses,
    }),
  };
}
