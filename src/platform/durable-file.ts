// Durable small files (engine state, journal, lock, UCI, a chute's resource request): a write is
// `.tmp` + fsync + rename + fsync of the directory, so after a crash or power loss the file holds
// either the old bytes or the new ones, never a mix; a removal is fsynced the same way.
// Invariants: the temporary file sits in the target's directory (same file system, so the rename
// is atomic) and carries our pid, so two writers never share one.
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ParadropError } from '../errors.js';

function ioError(what: string, path: string, err: unknown): ParadropError {
  const code = (err as NodeJS.ErrnoException)?.code ?? String(err);
  return new ParadropError('IO_ERROR', `cannot ${what} ${path}: ${code}`, { path, cause: err });
}

export async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Replaces `path` with `text` durably; makes the directory (0700) if missing. */
export async function writeDurable(path: string, text: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // O_EXCL after unlink: a link planted under the temporary name (in a chute's run directory)
    // is never written through.
    await unlink(tmp).catch(() => undefined);
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(text);
      await fh.chmod(mode); // exactly `mode`, whatever the umask
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    await syncDirectory(dir);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw ioError('write', path, err);
  }
}

/** The file's text, or null when it does not exist. */
export async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError('read', path, err);
  }
}

/** Removes `path` durably; a missing file is fine. */
export async function removeDurable(path: string): Promise<void> {
  try {
    await rm(path, { force: true });
    await syncDirectory(dirname(path)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  } catch (err) {
    throw ioError('remove', path, err);
  }
}

/** Puts back what readOptional returned: the text, or no file for null. */
export async function restoreDurable(path: string, text: string | null, mode = 0o600): Promise<void> {
  if (text === null) await removeDurable(path);
  else await writeDurable(path, text, mode);
}
