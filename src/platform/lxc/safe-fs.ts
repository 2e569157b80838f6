// Writing into a chute's disk from the host without following the chute's symlinks. Everything
// under data/ is the chute's to shape: a chute that made /var/log a symlink to /etc must not make
// the host create or overwrite files in the host's /etc.
// Invariants: no path component below `base` is followed if it is a symlink; files are replaced by
// rename, created with O_EXCL|O_NOFOLLOW.
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm, chmod } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { ParadropError } from '../../errors.js';

function componentsOf(rel: string): string[] {
  const norm = posix.normalize('/' + rel);
  return norm.split('/').filter((c) => c !== '');
}

function refuse(base: string, rel: string, why: string): never {
  throw new ParadropError('PATH_UNSAFE', `${join(base, rel)}: ${why}; paradrop does not follow links inside a chute's disk`,
    { path: join(base, rel), expected: 'a real directory' });
}

/** mkdir -p of base/rel, refusing any symlink on the way. */
export async function mkdirUnder(base: string, rel: string, mode = 0o755): Promise<string> {
  let cur = base;
  for (const c of componentsOf(rel)) {
    cur = join(cur, c);
    const st = await lstat(cur).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (st === null) {
      await mkdir(cur, { mode });
      await chmod(cur, mode); // mkdir's mode is filtered by the umask
    } else if (st.isSymbolicLink()) {
      refuse(base, rel, `${cur} is a symbolic link`);
    } else if (!st.isDirectory()) {
      refuse(base, rel, `${cur} is not a directory`);
    }
  }
  return cur;
}

/** Writes base/rel by create-then-rename; `replace: false` keeps an existing file (or link). */
export async function writeFileUnder(base: string, rel: string, content: string,
  opts: { mode?: number; replace?: boolean } = {}): Promise<void> {
  const parts = componentsOf(rel);
  const name = parts.pop();
  if (name === undefined) refuse(base, rel, 'no file name');
  const dir = await mkdirUnder(base, parts.join('/'));
  const path = join(dir, name);
  if (opts.replace === false) {
    const present = await lstat(path).then(() => true, () => false);
    if (present) return;
  }
  const tmp = join(dir, `.${name}.pd-tmp`);
  await rm(tmp, { force: true });
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, opts.mode ?? 0o644);
  try {
    await fh.writeFile(content);
    await fh.chmod(opts.mode ?? 0o644);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
