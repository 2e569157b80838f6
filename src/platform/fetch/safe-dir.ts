// Walks down from a chute's root directory one name at a time without ever following a symlink,
// the way openat(O_NOFOLLOW) would. Node has no openat, so each directory is held open and the
// next name is looked up through `/proc/self/fd/<fd>/<name>`: the kernel resolves that magic
// link to the very directory we opened, so swapping a directory for a link after we checked it
// (a chute process racing us) can't redirect us. Linux only; /proc must be mounted (OpenWrt
// mounts it at boot).
// Invariants: the returned handle is a real directory below the root; a symlink or non-directory
// on the way is PATH_UNSAFE naming the chute path and the offending part.
import { lstat, mkdir, open, realpath, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { ParadropError, quote } from '../../errors.js';

export interface DirHandle {
  /** `/proc/self/fd/<n>`: use it as the directory's path while the handle is open. */
  readonly path: string;
  /** Chute path of this directory, for messages (`/srv/www`). */
  readonly chutePath: string;
  close(): Promise<void>;
}

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

function handleOf(fh: FileHandle, chutePath: string): DirHandle {
  return { path: `/proc/self/fd/${fh.fd}`, chutePath, close: () => fh.close() };
}

/**
 * Opens the chute's root. Symlinks in the root's own path are the gateway's business (OpenWrt's
 * /var is a link to /tmp) and are resolved once here; below the root, none is followed.
 */
export async function openRoot(rootDir: string): Promise<DirHandle> {
  let real: string;
  try {
    real = await realpath(rootDir);
  } catch (err) {
    throw new ParadropError('IO_ERROR', `chute root ${quote(rootDir)} cannot be opened: ${(err as Error).message}`,
      { value: rootDir, expected: 'an existing directory', cause: err });
  }
  return handleOf(await open(real, DIR_FLAGS), '/');
}

/** Opens the child directory `name` of `dir`, optionally creating it (mode 0o755). */
export async function openChild(dir: DirHandle, name: string, opts: { create: boolean; fileName: string }): Promise<DirHandle> {
  const childPath = `${dir.path}/${name}`;
  const chutePath = dir.chutePath === '/' ? `/${name}` : `${dir.chutePath}/${name}`;
  for (let attempt = 0; ; attempt++) {
    try {
      return handleOf(await open(childPath, DIR_FLAGS), chutePath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && opts.create && attempt === 0) {
        try {
          await mkdir(childPath, 0o755);
        } catch (mkErr) {
          if ((mkErr as NodeJS.ErrnoException).code !== 'EEXIST') throw mkErr;
        }
        continue;
      }
      if (code === 'ENOTDIR' || code === 'ELOOP') {
        const st = await lstat(childPath).catch(() => undefined);
        const what = st?.isSymbolicLink() ? 'a symlink' : 'not a directory';
        throw new ParadropError('PATH_UNSAFE',
          `file ${quote(opts.fileName)}: ${quote(chutePath)} in the chute's root is ${what}; refusing to follow or replace it`,
          { path: chutePath, value: chutePath, expected: 'a real directory (symlinks are never followed)' });
      }
      throw err;
    }
  }
}

/** Walks `parts` below `root`; the caller closes the result (and root, separately). */
export async function openBelow(root: DirHandle, parts: readonly string[], opts: { create: boolean; fileName: string }): Promise<DirHandle> {
  let cur = root;
  for (const name of parts) {
    const next = await openChild(cur, name, opts).finally(async () => {
      if (cur !== root) await cur.close();
    });
    cur = next;
  }
  if (cur === root) {
    // Callers close what they get; hand out a second descriptor instead of the root itself.
    // No O_NOFOLLOW here: the path is the /proc magic link, which must be followed to the root.
    return handleOf(await open(root.path, constants.O_RDONLY | constants.O_DIRECTORY), root.chutePath);
  }
  return cur;
}

/**
 * Opens the deepest existing directory along `parts` (creating nothing), and says how many parts
 * it covers. Extraction puts its temporary directory there, so that a failed extraction leaves
 * not even the parent directories it would have needed.
 */
export async function openDeepest(root: DirHandle, parts: readonly string[], fileName: string): Promise<{ dir: DirHandle; depth: number }> {
  let cur = await openBelow(root, [], { create: false, fileName });
  let depth = 0;
  for (const name of parts) {
    let next: DirHandle;
    try {
      next = await openChild(cur, name, { create: false, fileName });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
      await cur.close();
      throw err;
    }
    await cur.close();
    cur = next;
    depth++;
  }
  return { dir: cur, depth };
}
