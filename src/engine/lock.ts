// One operation at a time per gateway, across processes (CLI, daemon): a lock file holding the
// owner's pid, its start time and the operation, made atomically with its content (written to a
// private temporary file, then hard-linked to the lock path, which fails if the lock exists). A
// lock whose owner is gone (the pid is dead, or reused by a process that started at another time)
// is stale and taken over; that is how a `kill -9` mid-operation releases it. Callers queue by
// polling until a deadline.
// Invariants: only the owner removes its lock, except one takeover per stale lock: before
// removing a stale lock, a process must create (O_EXCL, by link) a takeover marker named after
// that stale file's identity (inode, change time, content); exactly one process can, so a process that read
// the same stale owner late never removes a fresh lock made by the winner. Markers are kept long
// enough for any late reader (MARKER_TTL_MS) and then swept. No native addon (no flock).
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import debug from '../log.js';
import { ParadropError } from '../errors.js';
import { isProcessAlive, processStartTicks } from '../platform/proc-info.js';
import { syncDirectory } from '../platform/durable-file.js';

const log = debug('paradrop:engine:lock');

/** A takeover marker outlives any process that could still act on the stale owner it read. */
const MARKER_TTL_MS = 60 * 60_000;

interface LockOwner {
  pid: number;
  start: number | null;
  op: string;
}

interface SeenLock {
  owner: LockOwner | null;
  /** Identity of the file read: inode, change time and a hash of its bytes. */
  key: string;
}

async function readLock(path: string): Promise<SeenLock | null> {
  let text: string;
  let id: string;
  try {
    // Inode and change time: an inode number alone is reused once the stale file is gone.
    const st = await stat(path, { bigint: true });
    id = `${st.ino}-${st.ctimeNs}`;
    text = await readFile(path, 'utf8');
    // The file may have been replaced between stat and read: then read again next round.
    const again = await stat(path, { bigint: true });
    if (`${again.ino}-${again.ctimeNs}` !== id) return null;
  } catch {
    return null;
  }
  const key = `${id}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  try {
    const o = JSON.parse(text) as LockOwner;
    return { owner: typeof o.pid === 'number' ? o : null, key };
  } catch {
    return { owner: null, key };
  }
}

async function isStale(owner: LockOwner | null): Promise<boolean> {
  // An unreadable lock is one paradrop did not write (ours appear whole), or a damaged one.
  if (owner === null) return true;
  if (!isProcessAlive(owner.pid)) return true;
  const start = await processStartTicks(owner.pid);
  return owner.start !== null && start !== null && start !== owner.start;
}

function ioError(what: string, path: string, err: unknown): ParadropError {
  return new ParadropError('IO_ERROR', `cannot ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`, { path, cause: err });
}

/** link(2) `from` to `to`; false when `to` exists. */
async function linkExclusive(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw ioError('create the lock file', to, err);
  }
}

async function writeTemp(path: string, text: string): Promise<void> {
  const fh = await open(path, 'wx', 0o600).catch((err: unknown) => { throw ioError('create', path, err); });
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Removes takeover markers old enough that nobody can still act on what they name. */
async function sweepMarkers(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.takeover.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names.filter((x) => x.startsWith(prefix))) {
    const st = await stat(join(dir, n)).catch(() => null);
    if (st !== null && Date.now() - st.mtimeMs > MARKER_TTL_MS) await unlink(join(dir, n)).catch(() => undefined);
  }
}

export interface HeldLock {
  release(): Promise<void>;
}

export async function acquireLock(path: string, op: string, timeoutMs: number): Promise<HeldLock> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const me: LockOwner = { pid: process.pid, start: await processStartTicks(process.pid), op };
  const tag = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const temp = `${path}.${tag}.tmp`;
  await writeTemp(temp, JSON.stringify(me));
  const deadline = Date.now() + timeoutMs;
  let mine: string;
  try {
    for (;;) {
      if (await linkExclusive(temp, path)) break;
      const seen = await readLock(path);
      if (seen !== null && await isStale(seen.owner)) {
        // Exactly one process wins the marker for this stale file; only it removes the lock.
        const marker = `${path}.takeover.${seen.key}`;
        if (await linkExclusive(temp, marker)) {
          log('taking over stale lock of %o', seen.owner);
          await unlink(path).catch(() => undefined);
          continue;
        }
      }
      if (Date.now() > deadline) {
        const owner = seen?.owner ?? null;
        throw new ParadropError('BUSY',
          `another paradrop operation (${owner?.op ?? 'unknown'}, pid ${owner?.pid ?? '?'}) is still running after ${Math.round(timeoutMs / 1000)} s; wait for it to finish and try again`,
          { path, value: owner, expected: 'no other operation' });
      }
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
    mine = (await stat(path)).ino.toString();
    await syncDirectory(dirname(path));
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await sweepMarkers(path);
  return {
    async release() {
      const st = await stat(path).catch(() => null);
      if (st !== null && st.ino.toString() === mine) await unlink(path).catch(() => undefined);
    },
  };
}
