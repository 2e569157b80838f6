// What the engine tidies in its own state directory, under the lock, with no transaction open:
// backups of transactions that are over (every backup then, since a backup belongs only to the
// open transaction), partial downloads of processes that were killed, and the file cache, which
// is kept across remove and reinstall (no second download) but bounded: past a size cap, entries
// no installed chute references go, least recently written first.
// Invariants: never touches a cache entry an installed chute references; never a live writer's
// temporary file (cleanCacheTemps keeps those).
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import debug from '../log.js';
import { cleanCacheTemps } from '../platform/fetch/index.js';
import type { EngineState } from './state.js';
import type { EngineSettings } from './types.js';

const log = debug('paradrop:engine:housekeeping');

export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024;

/** Removes every transaction backup; call only with the journal closed. */
export async function dropBackups(backupDir: string): Promise<void> {
  const names = await readdir(backupDir).catch(() => [] as string[]);
  for (const n of names) await rm(join(backupDir, n), { recursive: true, force: true });
}

/** After recovery, before a new transaction: what earlier crashes left. */
export async function tidyAfterRecovery(settings: EngineSettings): Promise<void> {
  await dropBackups(settings.backupDir);
  const n = await cleanCacheTemps(settings.cacheDir);
  if (n > 0) log('removed %d partial downloads', n);
}

/** `<algorithm>/<hex>` of every file an installed chute names. */
export function referencedEntries(state: EngineState): Set<string> {
  const out = new Set<string>();
  for (const rec of Object.values(state.chutes)) for (const f of rec.spec.files) out.add(`${f.hash.algorithm}/${f.hash.hex}`);
  return out;
}

/** Deletes unreferenced cache entries, oldest first, until the cache is within `maxBytes`. */
export async function pruneCache(cacheDir: string, referenced: ReadonlySet<string>, maxBytes: number): Promise<string[]> {
  const entries: Array<{ key: string; bytes: number; mtimeMs: number }> = [];
  for (const alg of await readdir(cacheDir).catch(() => [] as string[])) {
    if (alg === 'tmp') continue;
    for (const hex of await readdir(join(cacheDir, alg)).catch(() => [] as string[])) {
      const st = await stat(join(cacheDir, alg, hex)).catch(() => null);
      if (st?.isFile()) entries.push({ key: `${alg}/${hex}`, bytes: st.size, mtimeMs: st.mtimeMs });
    }
  }
  let total = entries.reduce((s, e) => s + e.bytes, 0);
  const removed: string[] = [];
  if (total <= maxBytes) return removed;
  const candidates = entries.filter((e) => !referenced.has(e.key)).sort((a, b) => a.mtimeMs - b.mtimeMs || a.key.localeCompare(b.key));
  for (const e of candidates) {
    if (total <= maxBytes) break;
    await rm(join(cacheDir, e.key), { force: true });
    total -= e.bytes;
    removed.push(e.key);
  }
  log('cache over %d bytes: removed %o', maxBytes, removed);
  return removed;
}
