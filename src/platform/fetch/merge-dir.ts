// Moves a freshly extracted tree into an existing destination directory, as `tar -x` into that
// directory would leave it: directories merge, everything else from the archive replaces what
// has the same name (a directory in the way of an archive file is removed; a link in the way of
// an archive directory is removed, never followed). Names the archive doesn't have are kept, and
// an existing directory keeps its mode (the archive may not even list it: implicit parents).
// Each move is a rename (atomic per name; same file system because the source sits next to the
// destination). Destination directories are opened through safe-dir.ts, so a link planted in the
// destination is replaced, not followed.
import { lstat, readdir, rename, rm } from 'node:fs/promises';
import { openChild, type DirHandle } from './safe-dir.js';

export async function mergeInto(srcDir: string, dest: DirHandle, fileName: string): Promise<void> {
  for (const name of await readdir(srcDir)) {
    const src = `${srcDir}/${name}`;
    const target = `${dest.path}/${name}`;
    const st = await lstat(src);
    if (st.isDirectory()) {
      const existing = await lstat(target).catch(() => undefined);
      if (existing?.isDirectory()) {
        const child = await openChild(dest, name, { create: false, fileName });
        try {
          await mergeInto(src, child, fileName);
        } finally {
          await child.close();
        }
        continue;
      }
      if (existing !== undefined) await rm(target, { force: true });
      await rename(src, target);
      continue;
    }
    try {
      await rename(src, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EISDIR' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      // fs.rm never follows links inside the tree it removes.
      await rm(target, { recursive: true, force: true });
      await rename(src, target);
    }
  }
}
