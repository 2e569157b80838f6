// Decides what to do with one archive entry, given what was extracted before it. Pure.
// Allowed: regular files, directories, symlinks whose target stays inside the destination,
// hardlinks to a regular file extracted earlier. Refused, with the reason: absolute paths, ".."
// parts, NUL in names, paths through a symlink or file extracted earlier, devices, FIFOs,
// unknown types, and an entry that changes the type of an earlier one (a directory turned into a
// link is how "write through a link" attacks start).
// Modes: permission bits only, masked with 0o755 (no setuid, setgid, sticky, nor group/other
// write); the owner always keeps rw (files) or rwx (directories) so that extraction and later
// replacement by paradrop itself can't lock paradrop out.
import { checkSymlinkTarget, splitEntryPath } from './entry-path.js';
import type { TarEntry } from './tar-reader.js';

export type ExtractedKind = 'file' | 'dir' | 'symlink';

/** What was extracted so far, by parts joined with "/". Parent directories made implicitly are 'dir'. */
export type Extracted = ReadonlyMap<string, ExtractedKind>;

export type Action =
  | { kind: 'skip' }
  | { kind: 'dir'; parts: string[]; mode: number }
  | { kind: 'file'; parts: string[]; mode: number }
  | { kind: 'symlink'; parts: string[]; target: string }
  | { kind: 'hardlink'; parts: string[]; targetParts: string[] }
  | { kind: 'refuse'; reason: string };

export function fileMode(mode: number): number {
  return (mode & 0o755) | 0o600;
}

export function dirMode(mode: number): number {
  return (mode & 0o755) | 0o700;
}

const TYPE_REFUSALS: Partial<Record<TarEntry['type'], string>> = {
  char: 'it is a character device',
  block: 'it is a block device',
  fifo: 'it is a FIFO',
};

export function planEntry(entry: Pick<TarEntry, 'path' | 'linkpath' | 'type' | 'typeflag' | 'mode'>, extracted: Extracted): Action {
  const typeRefusal = TYPE_REFUSALS[entry.type];
  if (typeRefusal !== undefined) return { kind: 'refuse', reason: typeRefusal };
  if (entry.type === 'unknown') {
    return { kind: 'refuse', reason: `it has an unsupported type ${JSON.stringify(entry.typeflag)}` };
  }
  const split = splitEntryPath(entry.path);
  if (!split.ok) return { kind: 'refuse', reason: split.reason };
  const parts = split.parts;
  if (parts.length === 0) {
    // "./" itself: the destination directory, which we create.
    if (entry.type === 'dir') return { kind: 'skip' };
    return { kind: 'refuse', reason: 'it names the destination directory itself' };
  }
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    const kind = extracted.get(prefix);
    if (kind === 'symlink') return { kind: 'refuse', reason: `its path passes through the symlink ${JSON.stringify(prefix)} extracted earlier` };
    if (kind === 'file') return { kind: 'refuse', reason: `its path passes through the file ${JSON.stringify(prefix)} extracted earlier` };
  }
  const key = parts.join('/');
  const before = extracted.get(key);
  if (before === 'dir' && entry.type !== 'dir') {
    return { kind: 'refuse', reason: 'it would replace a directory extracted earlier' };
  }
  if (before !== undefined && before !== 'dir' && entry.type === 'dir') {
    return { kind: 'refuse', reason: `it would replace a ${before} extracted earlier with a directory` };
  }

  switch (entry.type) {
    case 'dir':
      return { kind: 'dir', parts, mode: dirMode(entry.mode) };
    case 'file':
      return { kind: 'file', parts, mode: fileMode(entry.mode) };
    case 'symlink': {
      const check = checkSymlinkTarget(parts, entry.linkpath);
      if (!check.ok) return { kind: 'refuse', reason: check.reason };
      return { kind: 'symlink', parts, target: entry.linkpath };
    }
    case 'hardlink': {
      const target = splitEntryPath(entry.linkpath);
      if (!target.ok) return { kind: 'refuse', reason: `its hardlink target ${JSON.stringify(entry.linkpath)} is refused: ${target.reason}` };
      const targetKey = target.parts.join('/');
      if (targetKey === key) return { kind: 'refuse', reason: 'it is a hardlink to itself' };
      if (extracted.get(targetKey) !== 'file') {
        return { kind: 'refuse', reason: `its hardlink target ${JSON.stringify(entry.linkpath)} is not a regular file extracted earlier` };
      }
      return { kind: 'hardlink', parts, targetParts: target.parts };
    }
  }
  return { kind: 'refuse', reason: `it has an unsupported type ${JSON.stringify(entry.typeflag)}` };
}
