// Files inside a chute's data (its disk, mounted at <dir>/data), seen from the host: where a chute
// path lives, backups of what an update replaces and putting them back, the run directory
// (resources.json) and the program logs.
// Invariants: the chute owns everything on its disk and may have planted symlinks there, so every
// path is walked component by component without following links; a link on the way is refused
// (PATH_UNSAFE), never followed onto the host. A backup becomes visible (renamed from `.partial`)
// only when complete, so a restore never puts back half a backup.
import { constants } from 'node:fs';
import { cp, lstat, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { ParadropError, quote } from '../errors.js';
import { chuteLayout, CHUTE_PATHS } from './lxc/layout.js';
import { readOptional, restoreDurable } from './durable-file.js';

/** Host path of `chutePath` (absolute, normalized) under `dataDir`; refuses links on the way. */
export async function hostPathIn(dataDir: string, chutePath: string): Promise<string> {
  const parts = posix.normalize(chutePath).split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '..') || parts.length === 0) {
    throw new ParadropError('PATH_UNSAFE', `path ${quote(chutePath)} is not a path inside the chute`,
      { value: chutePath, expected: 'an absolute path without ".."' });
  }
  let cur = dataDir;
  for (const p of parts.slice(0, -1)) {
    cur = join(cur, p);
    const st = await lstat(cur).catch(() => null);
    if (st === null) break;
    if (!st.isDirectory()) {
      throw new ParadropError('PATH_UNSAFE', `${quote(chutePath)}: ${quote(cur)} in the chute is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}; paradrop does not write through it`,
        { value: chutePath, expected: 'real directories on the way' });
    }
  }
  return join(dataDir, ...parts);
}

/** Whether `chutePath` is a real directory (not a link to one) on the chute's disk. */
export async function isDirectoryIn(dataDir: string, chutePath: string): Promise<boolean> {
  const st = await lstat(await hostPathIn(dataDir, chutePath)).catch(() => null);
  return st !== null && st.isDirectory();
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}

/** Whether anything (file, directory, link) is at `chutePath` on the chute's disk. */
export async function existsIn(dataDir: string, chutePath: string): Promise<boolean> {
  return exists(await hostPathIn(dataDir, chutePath));
}

/** Copies what is at `chutePath` (file, link or tree) to `backup`; false when nothing is there. */
export async function backupEntry(dataDir: string, chutePath: string, backup: string): Promise<boolean> {
  const target = await hostPathIn(dataDir, chutePath);
  if (!(await exists(target))) return false;
  if (await exists(backup)) return true;
  const partial = `${backup}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(dirname(backup), { recursive: true, mode: 0o700 });
  await cp(target, partial, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, force: true });
  await rename(partial, backup);
  return true;
}

/**
 * Puts `chutePath` back as it was: removed if nothing was there (`existed` false), else replaced
 * by the backup. Without a complete backup the entry was never touched (placing starts only after
 * every backup is complete), so it is left alone.
 */
export async function restoreEntry(dataDir: string, chutePath: string, backup: string, existed: boolean): Promise<void> {
  const target = await hostPathIn(dataDir, chutePath);
  if (!existed) {
    await rm(target, { recursive: true, force: true });
    return;
  }
  if (!(await exists(backup))) return;
  await rm(target, { recursive: true, force: true });
  await cp(backup, target, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, force: true });
}

function runDirOf(dir: string): string {
  return chuteLayout(dir).runDir;
}

/** The run directory is a mount point inside the chute: the chute can change its files, not the directory. */
export async function readRunFile(dir: string, name: string): Promise<string | null> {
  return readOptional(join(runDirOf(dir), name));
}

export async function writeRunFile(dir: string, name: string, text: string | null): Promise<void> {
  const runDir = runDirOf(dir);
  const st = await lstat(runDir).catch(() => null);
  if (st === null || !st.isDirectory()) {
    throw new ParadropError('PATH_UNSAFE', `${runDir} (the chute's ${CHUTE_PATHS.run}) is missing or not a directory`,
      { path: runDir, expected: 'the directory prepareChuteDirs made' });
  }
  await restoreDurable(join(runDir, name), text, 0o644);
}

export interface LogFile {
  /** Program name (file name without .log). */
  program: string;
  path: string;
}

/** The chute's program logs (<dir>/data/var/log/paradrop/NAME.log), sorted by program. */
export async function listChuteLogs(dir: string): Promise<LogFile[]> {
  const logDir = join(chuteLayout(dir).data, CHUTE_PATHS.logs);
  const names = await readdir(logDir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.log')).sort().map((n) => ({ program: n.slice(0, -4), path: join(logDir, n) }));
}

/** Bytes of `path` from `offset` on (at most `max`), without following a link the chute put there. */
export async function readLogFrom(path: string, offset: number, max = 1024 * 1024): Promise<{ text: string; size: number }> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (fh === null) return { text: '', size: 0 };
  try {
    const size = (await fh.stat()).size;
    const from = offset > size ? 0 : offset;
    const len = Math.min(size - from, max);
    if (len <= 0) return { text: '', size };
    const buf = Buffer.alloc(len);
    const { bytesRead } = await fh.read(buf, 0, len, from);
    return { text: buf.subarray(0, bytesRead).toString('utf8'), size: from + bytesRead };
  } finally {
    await fh.close();
  }
}

/** The last `lines` lines of a log. */
export async function tailLog(path: string, lines: number): Promise<{ text: string; size: number }> {
  const st = await stat(path).catch(() => null);
  if (st === null) return { text: '', size: 0 };
  const chunk = 64 * 1024;
  const from = Math.max(0, st.size - chunk);
  const { text, size } = await readLogFrom(path, from, chunk);
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  const kept = all.slice(Math.max(0, all.length - lines));
  return { text: kept.length > 0 ? `${kept.join('\n')}\n` : '', size };
}

export async function readTextIfAny(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch(() => null);
}
