// Parses one 512-byte tar header block (v7, ustar, old GNU) and pax extended-header records.
// Pure. Invariants: a header is accepted only when its checksum matches (the unsigned sum, or the
// signed sum some old tars wrote); numbers are octal or GNU base-256 and must fit in a safe
// integer; nothing here decides whether an entry is safe (entry-policy.ts does).

export const BLOCK = 512;

export interface RawHeader {
  /** Name as stored: ustar prefix + "/" + name, before GNU long names or pax apply. */
  name: string;
  mode: number;
  size: number;
  /** The type byte as a character; "\0" for old regular files. */
  typeflag: string;
  linkname: string;
  /** "ustar" (POSIX), "gnu" (old GNU "ustar  "), or "v7" (no magic). */
  format: 'ustar' | 'gnu' | 'v7';
}

export type HeaderResult = { kind: 'end' } | { kind: 'header'; header: RawHeader } | { kind: 'bad'; reason: string; name: string };

export function parseHeader(block: Buffer): HeaderResult {
  if (block.length !== BLOCK) return { kind: 'bad', reason: `header block has ${block.length} bytes`, name: '' };
  if (isZero(block)) return { kind: 'end' };
  const name = cString(block, 0, 100);
  const stored = parseNumber(block, 148, 8);
  const { unsigned, signed } = checksums(block);
  if (stored === undefined || (stored !== unsigned && stored !== signed)) {
    return { kind: 'bad', name, reason: `header checksum is ${cString(block, 148, 8).trim() || 'empty'} (octal), computed ${unsigned.toString(8)}` };
  }
  const magic = block.toString('latin1', 257, 263);
  const version = block.toString('latin1', 263, 265);
  const format = magic === 'ustar\0' ? 'ustar' : magic === 'ustar ' && version === ' \0' ? 'gnu' : 'v7';
  // Only POSIX ustar has a prefix field; old GNU keeps access times and sparse data there.
  const prefix = format === 'ustar' ? cString(block, 345, 155) : '';
  const mode = parseNumber(block, 100, 8);
  const size = parseNumber(block, 124, 12);
  if (mode === undefined) return { kind: 'bad', name, reason: 'its mode field is not a number' };
  if (size === undefined) return { kind: 'bad', name, reason: 'its size field is not a number' };
  const typeByte = block[156] ?? 0;
  return {
    kind: 'header',
    header: {
      name: prefix === '' ? name : `${prefix}/${name}`,
      mode,
      size,
      typeflag: String.fromCharCode(typeByte),
      linkname: cString(block, 157, 100),
      format,
    },
  };
}

function isZero(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** Checksum with the checksum field counted as eight spaces. */
export function checksums(block: Buffer): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return { unsigned, signed };
}

/** A NUL-terminated text field, decoded as UTF-8. */
function cString(block: Buffer, start: number, len: number): string {
  const end = block.indexOf(0, start);
  return block.toString('utf8', start, end === -1 || end > start + len ? start + len : end);
}

/** Octal (NUL/space padded) or GNU base-256; undefined if malformed, negative or unsafe. */
export function parseNumber(block: Buffer, start: number, len: number): number | undefined {
  const first = block[start] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) return undefined; // negative base-256
    let n = first & 0x7f;
    for (let i = start + 1; i < start + len; i++) {
      n = n * 256 + (block[i] ?? 0);
      if (n > Number.MAX_SAFE_INTEGER) return undefined;
    }
    return n;
  }
  const text = block.toString('latin1', start, start + len).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  const n = parseInt(text, 8);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Parses pax records (`<len> <key>=<value>\n`); undefined values never appear. */
export function parsePax(data: Buffer): { ok: true; records: Map<string, string> } | { ok: false; reason: string } {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    // Writers pad the data block with NULs; a NUL where a record should start ends the list.
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    if (space === -1 || space - pos > 20) return { ok: false, reason: `pax record at byte ${pos} has no length` };
    const lenText = data.toString('latin1', pos, space);
    if (!/^[0-9]+$/.test(lenText)) return { ok: false, reason: `pax record at byte ${pos} has length ${JSON.stringify(lenText)}` };
    const len = Number(lenText);
    const end = pos + len;
    if (len <= space - pos + 1 || end > data.length || data[end - 1] !== 0x0a) {
      return { ok: false, reason: `pax record at byte ${pos} has a wrong length ${len}` };
    }
    const record = data.subarray(space + 1, end - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) return { ok: false, reason: `pax record at byte ${pos} has no key=value` };
    records.set(record.toString('utf8', 0, eq), record.toString('utf8', eq + 1));
    pos = end;
  }
  return { ok: true, records };
}
