// Unpacks a .tar or .tar.gz (gzip detected by its magic bytes, not the name) into a chute path,
// all or nothing: entries go into a fresh temporary directory near the destination, every
// entry is checked by entry-policy.ts first, and only a fully successful extraction is moved into
// place (one rename when the destination is new, else merged as merge-dir.ts describes). On any
// refusal or error the temporary directory is removed and the destination is untouched.
// Ownership is not changed: files belong to the user running paradrop (root), which is root
// inside the container as well (for unprivileged containers, the id mapping of the container's
// root file system applies). Timestamps are not restored: nothing in a chute depends on them.
// Files are not fsynced one by one (slow on flash); after a crash the engine extracts again
// from the cached archive, which is durable.
import { randomBytes } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { chmod, link, lstat, mkdir, open, rename, rm, symlink, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ParadropError, quote } from '../../errors.js';
import { splitChutePath } from './entry-path.js';
import { planEntry, type ExtractedKind } from './entry-policy.js';
import { mergeInto } from './merge-dir.js';
import { openBelow, openChild, openDeepest, openRoot, type DirHandle } from './safe-dir.js';
import { syncDir } from './cache.js';
import { corrupt, readTar, unsafe } from './tar-reader.js';

export interface ExtractLimits {
  /** Total size of the entries' contents. */
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxBytes: 256 * 1024 * 1024, maxEntries: 20000 };

export interface ExtractResult {
  entries: number;
  bytes: number;
}

const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Unpacks `archivePath` into `rootDir` + `chutePath` (e.g. `/srv/www`); `fileName` names the chute file in messages. */
export async function extractArchive(archivePath: string, rootDir: string, chutePath: string, fileName: string,
  limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): Promise<ExtractResult> {
  const split = splitChutePath(chutePath);
  if (!split.ok) {
    throw new ParadropError('PATH_UNSAFE', `file ${quote(fileName)}: path ${quote(chutePath)} is refused: ${split.reason}`,
      { path: `files.${fileName}.path`, value: chutePath, expected: 'an absolute path inside the chute without ".."' });
  }
  const parts = split.parts;
  const parentParts = parts.slice(0, -1);
  const root = await openRoot(rootDir);
  let anchor: DirHandle | undefined;
  let tmp: string | undefined;
  try {
    // The temporary directory goes in the deepest existing ancestor (same file system as the
    // destination: directories that don't exist yet can't be mount points), and missing parents
    // are made only after the archive was accepted.
    const deepest = await openDeepest(root, parentParts, fileName);
    anchor = deepest.dir;
    tmp = `${anchor.path}/.pd-extract-${randomBytes(6).toString('hex')}`;
    await mkdir(tmp, 0o700);
    const result = await unpackInto(archivePath, tmp, fileName, limits);
    // The destination's own mode: the archive's "./" entry describes the packer's directory, not ours.
    await chmod(tmp, 0o755);
    const parent = await openBelow(anchor, parentParts.slice(deepest.depth), { create: true, fileName });
    try {
      const destName = parts[parts.length - 1];
      if (destName === undefined) {
        // The destination is the chute's root itself: always a merge.
        await mergeInto(tmp, parent, fileName);
      } else {
        await moveIntoPlace(tmp, parent, destName, fileName);
      }
      await syncDir(parent.path);
    } finally {
      await parent.close();
    }
    return result;
  } finally {
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
    await anchor?.close();
    await root.close();
  }
}

async function moveIntoPlace(tmp: string, parent: DirHandle, name: string, fileName: string): Promise<void> {
  const target = `${parent.path}/${name}`;
  const existing = await lstat(target).catch(() => undefined);
  if (existing === undefined) {
    await rename(tmp, target);
    return;
  }
  if (!existing.isDirectory()) {
    // A file or a link where the archive's directory goes: the archive wins, the link is not followed.
    await unlink(target);
    await rename(tmp, target);
    return;
  }
  const dest = await openChild(parent, name, { create: false, fileName });
  try {
    await mergeInto(tmp, dest, fileName);
  } finally {
    await dest.close();
  }
}

/** Extracts every entry below `dir` (a fresh directory of ours); throws on the first refusal. */
async function unpackInto(archivePath: string, dir: string, fileName: string, limits: ExtractLimits): Promise<ExtractResult> {
  const extracted = new Map<string, ExtractedKind>();
  const dirModes = new Map<string, number>();
  let entries = 0;
  let bytes = 0;
  const source = await openArchive(archivePath);
  try {
    for await (const entry of readTar(source, { label: fileName, ...limits })) {
      const action = planEntry(entry, extracted);
      if (action.kind === 'refuse') throw unsafe(fileName, entry.path, action.reason);
      if (action.kind === 'skip') continue;
      entries++;
      const key = action.parts.join('/');
      const full = `${dir}/${key}`;
      await makeParents(dir, action.parts, extracted);
      const before = extracted.get(key);
      switch (action.kind) {
        case 'dir':
          if (before === undefined) await mkdir(full, 0o700);
          dirModes.set(key, action.mode);
          break;
        case 'file': {
          if (before !== undefined) await unlink(full);
          const fh = await open(full, NEW_FILE, 0o600);
          try {
            for await (const chunk of entry.body) {
              await fh.write(chunk);
              bytes += chunk.length;
            }
            await fh.chmod(action.mode);
          } finally {
            await fh.close();
          }
          break;
        }
        case 'symlink':
          if (before !== undefined) await unlink(full);
          await symlink(action.target, full);
          break;
        case 'hardlink':
          if (before !== undefined) await unlink(full);
          await link(`${dir}/${action.targetParts.join('/')}`, full);
          break;
      }
      extracted.set(key, action.kind === 'hardlink' ? 'file' : action.kind);
    }
  } catch (err) {
    if (err instanceof ParadropError) throw err;
    if ((err as { code?: string }).code?.startsWith('Z_')) {
      throw corrupt(fileName, `its gzip stream is damaged (${(err as Error).message})`);
    }
    throw err;
  }
  for (const [key, mode] of dirModes) await chmod(`${dir}/${key}`, mode);
  return { entries, bytes };
}

/** Directories an entry needs but the archive didn't list get the usual 0o755. */
async function makeParents(dir: string, parts: readonly string[], extracted: Map<string, ExtractedKind>): Promise<void> {
  for (let i = 1; i < parts.length; i++) {
    const key = parts.slice(0, i).join('/');
    if (extracted.has(key)) continue;
    await mkdir(`${dir}/${key}`, 0o755);
    await chmod(`${dir}/${key}`, 0o755);
    extracted.set(key, 'dir');
  }
}

async function openArchive(path: string): Promise<AsyncIterable<Buffer>> {
  const fh = await open(path, 'r');
  let magic: Buffer;
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    magic = buffer.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const file = createReadStream(path);
  if (magic[0] !== 0x1f || magic[1] !== 0x8b) return file;
  // pipeline forwards a read error of the file into the gunzip stream that we iterate.
  return pipeline(file, createGunzip(), () => undefined);
}
