// Puts a cached chute file into the chute's root at `file.path`: a plain copy (temporary file
// next to the target, fsync, rename, fsync of the directory), or with `extract` an unpacked
// archive (extract.ts). Invariant: nothing is written outside `rootDir`, even when a previous
// version of the chute planted symlinks there: every directory on the way is opened without
// following links (safe-dir.ts), and a link sitting at the target itself is replaced by the
// rename, never written through. Placed files get mode 0o644 (chute files carry no mode).
// Used by the engine's place step for `paradrop install`.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, lstat, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ParadropError, quote } from '../../errors.js';
import type { ChuteFile } from '../../chute/types.js';
import { syncDir } from './cache.js';
import { splitChutePath } from './entry-path.js';
import { DEFAULT_EXTRACT_LIMITS, extractArchive, type ExtractLimits } from './extract.js';
import { openBelow, openRoot } from './safe-dir.js';

export interface PlaceResult {
  /** Where it went, for logs (rootDir + file.path). */
  target: string;
  /** Entries unpacked, for an extracted archive. */
  entries?: number;
}

export async function placeFile(cachedPath: string, file: ChuteFile, rootDir: string,
  limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): Promise<PlaceResult> {
  const target = join(rootDir, file.path);
  if (file.extract) {
    const got = await extractArchive(cachedPath, rootDir, file.path, file.name, limits);
    return { target, entries: got.entries };
  }
  const split = splitChutePath(file.path);
  if (!split.ok || split.parts.length === 0) {
    const why = split.ok ? 'it is the chute\'s root directory, not a file' : split.reason;
    throw new ParadropError('PATH_UNSAFE', `file ${quote(file.name)}: path ${quote(file.path)} is refused: ${why}`,
      { path: `files.${file.name}.path`, value: file.path, expected: 'an absolute file path inside the chute without ".."' });
  }
  const parts = split.parts;
  const name = parts[parts.length - 1] as string;
  const root = await openRoot(rootDir);
  try {
    const dir = await openBelow(root, parts.slice(0, -1), { create: true, fileName: file.name });
    try {
      const dest = `${dir.path}/${name}`;
      const existing = await lstat(dest).catch(() => undefined);
      if (existing?.isDirectory()) {
        throw new ParadropError('PATH_UNSAFE', `file ${quote(file.name)}: ${quote(file.path)} in the chute's root is a directory; a file can't replace it`,
          { path: `files.${file.name}.path`, value: file.path, expected: 'a path that is not a directory' });
      }
      const tmp = `${dir.path}/.${name.slice(0, 200)}.pd-${randomBytes(6).toString('hex')}.tmp`;
      try {
        await copyFile(cachedPath, tmp, constants.COPYFILE_EXCL);
        const fh = await open(tmp, constants.O_RDWR | constants.O_NOFOLLOW);
        try {
          await fh.chmod(0o644);
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(tmp, dest);
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
      await syncDir(dir.path);
    } finally {
      await dir.close();
    }
  } finally {
    await root.close();
  }
  return { target };
}
