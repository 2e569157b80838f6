// Size strings such as "64M", "512K", "1.5G", "1048576B". Pure. All multipliers are binary
// (K = 1024), as in LXC and cgroup limits ("64M" there means 64 MiB); "MB" and "MiB" are read the
// same way so that a user is never off by 5% depending on the spelling. A string must carry a unit:
// bare numbers are JSON numbers, in the unit of their field (bytes for memory, KiB for disk).

export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;

const MULTIPLIER: Record<string, number> = {
  b: 1,
  k: KIB,
  m: MIB,
  g: GIB,
  t: 1024 * GIB,
};

const SIZE = /^(\d+(?:\.\d+)?)\s*(?:(b)|([kmgt])(?:i?b)?)$/i;

export type SizeResult = { ok: true; bytes: number } | { ok: false; reason: string };

export const SIZE_EXPECTED = 'a size such as "512K", "64M" or "1G" (binary units)';

export function parseSize(text: string): SizeResult {
  const m = SIZE.exec(text.trim());
  if (!m) return { ok: false, reason: `expected ${SIZE_EXPECTED}` };
  const unit = (m[2] ?? m[3]!).toLowerCase();
  const bytes = Number(m[1]) * MULTIPLIER[unit]!;
  if (!Number.isSafeInteger(bytes)) {
    return { ok: false, reason: Number.isInteger(bytes) || bytes > Number.MAX_SAFE_INTEGER
      ? 'it is too large' : 'it is not a whole number of bytes' };
  }
  return { ok: true, bytes };
}

/** "64M" style rendering of a byte count, for messages. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['G', GIB], ['M', MIB], ['K', KIB]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes} bytes`;
}
