// One operation at a time per gateway, across processes (CLI, daemon): a lock file created with
// O_EXCL holding the owner's pid, its start time and the operation. A lock whose owner is gone
// (the pid is dead, or reused by a process that started at another time) is stale and taken over;
// that is how a `kill -9` mid-operation releases it. Callers queue by polling until a deadline.
// Invariants: only the owner removes its lock; no native addon (no flock).
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import debug from 'debug';
import { ParadropError } from '../errors.js';
import { isProcessAlive, processStartTicks } from '../platform/proc-info.js';
import { syncDirectory } from '../platform/durable-file.js';

const log = debug('paradrop:engine:lock');

interface LockOwner {
  pid: number;
  start: number | null;
  op: string;
}

async function readOwner(path: string): Promise<LockOwner | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const o = JSON.parse(text) as LockOwner;
    return typeof o.pid === 'number' ? o : null;
  } catch {
    return null;
  }
}

async function isStale(owner: LockOwner | null): Promise<boolean> {
  // An unreadable lock is a writer caught between create and write, or a crash right then.
  if (owner === null) return true;
  if (!isProcessAlive(owner.pid)) return true;
  const start = await processStartTicks(owner.pid);
  return owner.start !== null && start !== null && start !== owner.start;
}

async function tryCreate(path: string, me: LockOwner): Promise<boolean> {
  try {
    const fh = await open(path, 'wx', 0o600);
    try {
      await fh.writeFile(JSON.stringify(me));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await syncDirectory(dirname(path));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ParadropError('IO_ERROR', `cannot create the lock file ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`,
      { path, cause: err });
  }
}

export interface HeldLock {
  release(): Promise<void>;
}

export async function acquireLock(path: string, op: string, timeoutMs: number): Promise<HeldLock> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const me: LockOwner = { pid: process.pid, start: await processStartTicks(process.pid), op };
  const deadline = Date.now() + timeoutMs;
  let graceFor: string | null = null;
  for (;;) {
    if (await tryCreate(path, me)) break;
    const owner = await readOwner(path);
    if (await isStale(owner)) {
      // A lock file without content may be a writer between open and write: give it one round.
      const key = JSON.stringify(owner);
      if (owner !== null || graceFor === key) {
        log('taking over stale lock of %o', owner);
        await unlink(path).catch(() => undefined);
        continue;
      }
      graceFor = key;
    }
    if (Date.now() > deadline) {
      throw new ParadropError('BUSY',
        `another paradrop operation (${owner?.op ?? 'unknown'}, pid ${owner?.pid ?? '?'}) is still running after ${Math.round(timeoutMs / 1000)} s; wait for it to finish and try again`,
        { path, value: owner, expected: 'no other operation' });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async release() {
      const owner = await readOwner(path);
      if (owner?.pid === process.pid) await unlink(path).catch(() => undefined);
    },
  };
}
