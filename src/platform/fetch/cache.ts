// The file cache, keyed by content hash: `<cacheDir>/<algorithm>/<hex>`.
// Invariants: an entry appears only by rename after its bytes were hashed, fsynced and matched,
// so a visible entry was complete when written. Entries are re-hashed on every use (one
// sequential read, far cheaper than a download over a home uplink) because flash corruption or a
// hand-edited cache must never hand wrong bytes to a chute; a corrupt entry is deleted and the
// file fetched again. Temporary files live in `<cacheDir>/tmp/` (same file system, so rename is
// atomic) and are removed on every failure; `cleanCacheTemps` sweeps what a crash (kill -9) left, by the pid
// in their names.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ParadropError, quote } from '../../errors.js';
import type { FileHash } from '../../chute/types.js';
import { newHasher } from './hash.js';
import { isProcessAlive } from '../proc-info.js';

export function cacheEntryPath(cacheDir: string, hash: FileHash): string {
  return join(cacheDir, hash.algorithm, hash.hex);
}

/** Hashes a file; undefined when it does not exist. */
export async function hashFile(path: string, algorithm: FileHash['algorithm']): Promise<{ hex: string; bytes: number } | undefined> {
  const hasher = newHasher({ algorithm, hex: '' });
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      hasher.update(chunk);
      bytes += chunk.length;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return { hex: hasher.digest('hex'), bytes };
}

/** The cached path if present and intact; a corrupt entry is removed. */
export async function lookupCache(cacheDir: string, hash: FileHash): Promise<{ path: string; bytes: number } | undefined> {
  const path = cacheEntryPath(cacheDir, hash);
  const got = await hashFile(path, hash.algorithm);
  if (got === undefined) return undefined;
  if (got.hex === hash.hex) return { path, bytes: got.bytes };
  await rm(path, { force: true });
  return undefined;
}

export interface StoreOptions {
  cacheDir: string;
  hash: FileHash;
  maxBytes: number;
  /** For messages: the chute file name and where the bytes came from. */
  fileName: string;
  origin: string;
}

/**
 * Streams `source` through the hash into a temporary file, fsyncs it, and renames it into the
 * cache only if the hash matches. On any failure the temporary file is gone and nothing is cached.
 */
export async function storeVerified(source: AsyncIterable<Buffer>, opts: StoreOptions): Promise<{ path: string; bytes: number }> {
  const { cacheDir, hash } = opts;
  const tmpDir = join(cacheDir, 'tmp');
  const finalDir = join(cacheDir, hash.algorithm);
  await mkdir(tmpDir, { recursive: true });
  await mkdir(finalDir, { recursive: true });
  const tmp = join(tmpDir, `${hash.algorithm}-${hash.hex}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const hasher = newHasher(hash);
  let bytes = 0;
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, 'wx', 0o644);
    for await (const chunk of source) {
      bytes += chunk.length;
      if (bytes > opts.maxBytes) {
        throw new ParadropError('FILE_TOO_LARGE',
          `file ${quote(opts.fileName)} from ${opts.origin} is larger than the limit of ${opts.maxBytes} bytes`,
          { path: `files.${opts.fileName}`, value: bytes, expected: `at most ${opts.maxBytes} bytes` });
      }
      hasher.update(chunk);
      await fh.write(chunk);
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    const actual = hasher.digest('hex');
    if (actual !== hash.hex) {
      throw new ParadropError('HASH_MISMATCH',
        `file ${quote(opts.fileName)} from ${opts.origin}: ${hash.algorithm} mismatch: expected ${hash.hex}, got ${actual}; nothing was placed`,
        { path: `files.${opts.fileName}.hash`, value: actual, expected: hash.hex });
    }
    const path = cacheEntryPath(cacheDir, hash);
    await rename(tmp, path);
    await syncDir(finalDir);
    return { path, bytes };
  } catch (err) {
    if (fh !== undefined) await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The pid in a temporary file's name (`<alg>-<hex>.<pid>.<random>.tmp`); null if it has none. */
export function tempOwnerPid(name: string): number | null {
  const m = /\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
  return m === null ? null : Number(m[1]);
}

/**
 * Removes temporary files a crash left: those whose writer (the pid in the name) is gone, and
 * those without a pid. Safe while other processes fetch: a live writer's file is kept.
 */
export async function cleanCacheTemps(cacheDir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(join(cacheDir, 'tmp'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const temps = names.filter((n) => {
    if (!n.endsWith('.tmp')) return false;
    const pid = tempOwnerPid(n);
    return pid === null || !isProcessAlive(pid);
  });
  await Promise.all(temps.map((n) => rm(join(cacheDir, 'tmp', n), { force: true })));
  return temps.length;
}
