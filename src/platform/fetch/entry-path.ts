// Path rules for archive entries, symlink targets and chute file paths. Pure.
// Invariants: an accepted path is a list of plain names (no "", ".", "..", no "/" and no NUL in a
// name), so joining it below a directory can only name something below that directory; an
// accepted symlink target, read from the link's own directory, stays inside the destination
// even when other links are followed on the way (see checkSymlinkTarget).

export type PathCheck = { ok: true; parts: string[] } | { ok: false; reason: string };

/** Linux limits: NAME_MAX and PATH_MAX. */
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 4096;

/** Splits an archive entry name (also a hardlink target). `.` parts and repeated `/` are dropped. */
export function splitEntryPath(raw: string): PathCheck {
  if (raw.includes('\0')) return { ok: false, reason: 'its name contains a NUL byte' };
  if (raw.length === 0) return { ok: false, reason: 'its name is empty' };
  if (raw.startsWith('/')) return { ok: false, reason: 'its path is absolute' };
  if (Buffer.byteLength(raw) > MAX_PATH_BYTES) return { ok: false, reason: `its path is longer than ${MAX_PATH_BYTES} bytes` };
  const parts: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return { ok: false, reason: 'its path has a ".." component' };
    if (Buffer.byteLength(part) > MAX_NAME_BYTES) return { ok: false, reason: `a name in its path is longer than ${MAX_NAME_BYTES} bytes` };
    parts.push(part);
  }
  return { ok: true, parts };
}

/**
 * Checks a symlink target for a link at `linkParts` (path of the link below the destination).
 * Allowed: relative targets whose `..` parts all come first and climb no higher than the
 * destination, then plain names. Why not resolve `a/../b` lexically: when `a` is itself a link,
 * the kernel climbs from where `a` points, not from the link's directory, so a lexical check
 * could be fooled by a chain of links. With `..` only at the start, the climb starts from the
 * link's real directory (entries never pass through links), and every name after it either is a
 * real entry or another link that obeys the same rule — so no chain can leave the destination.
 */
export function checkSymlinkTarget(linkParts: readonly string[], target: string): { ok: true } | { ok: false; reason: string } {
  if (target.includes('\0')) return { ok: false, reason: 'its link target contains a NUL byte' };
  if (target.length === 0) return { ok: false, reason: 'its link target is empty' };
  if (target.startsWith('/')) return { ok: false, reason: `its link target ${JSON.stringify(target)} is absolute, outside the destination` };
  if (Buffer.byteLength(target) > MAX_PATH_BYTES) return { ok: false, reason: `its link target is longer than ${MAX_PATH_BYTES} bytes` };
  let ups = 0;
  let seenName = false;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (seenName) {
        return { ok: false, reason: `its link target ${JSON.stringify(target)} has ".." after a name, which another link could redirect outside the destination` };
      }
      ups++;
    } else {
      seenName = true;
    }
  }
  const depth = linkParts.length - 1;
  if (ups > depth) return { ok: false, reason: `its link target ${JSON.stringify(target)} points outside the destination` };
  return { ok: true };
}

/**
 * Splits a chute file path (`/srv/www`) into names below the chute's root; `/` gives [].
 * ChuteFile.path is validated upstream; this re-check keeps the platform safe on its own.
 */
export function splitChutePath(path: string): PathCheck {
  if (!path.startsWith('/')) return { ok: false, reason: 'it is not absolute' };
  if (path === '/') return { ok: true, parts: [] };
  return splitEntryPath(path.slice(1));
}
