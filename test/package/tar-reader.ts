// Reads a (gzip'd) tar the way opkg's unpacker does: 512-byte headers with "ustar" magic and a
// checksum, name from prefix + name, sizes and modes in octal. Returns every header field the
// package tests check; throws on anything opkg would reject or misread.
import { gunzipSync } from 'node:zlib';

export interface TarEntry {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  type: string;
  linkname: string;
  magic: string;
  version: string;
  uname: string;
  gname: string;
  data: Buffer;
}

function field(h: Buffer, offset: number, width: number): string {
  const raw = h.subarray(offset, offset + width);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? width : nul).toString('utf8');
}

function octal(h: Buffer, offset: number, width: number, what: string): number {
  const text = field(h, offset, width).trim();
  if (!/^[0-7]+$/.test(text)) throw new Error(`tar: ${what} field ${JSON.stringify(text)} is not octal`);
  return parseInt(text, 8);
}

export function readTar(input: Buffer): TarEntry[] {
  const buf = input[0] === 0x1f && input[1] === 0x8b ? gunzipSync(input) : input;
  if (buf.length % 512 !== 0) throw new Error(`tar: length ${buf.length} is not a multiple of 512`);
  const out: TarEntry[] = [];
  let at = 0;
  while (at + 512 <= buf.length) {
    const h = buf.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    const stored = octal(h, 148, 8, 'checksum');
    if (stored !== sum) throw new Error(`tar: bad header checksum at ${at}: stored ${stored}, computed ${sum}`);
    const prefix = field(h, 345, 155);
    const base = field(h, 0, 100);
    const size = octal(h, 124, 12, 'size');
    out.push({
      name: prefix ? `${prefix}/${base}` : base,
      mode: octal(h, 100, 8, 'mode'),
      uid: octal(h, 108, 8, 'uid'),
      gid: octal(h, 116, 8, 'gid'),
      size,
      mtime: octal(h, 136, 12, 'mtime'),
      type: String.fromCharCode(h[156]!),
      linkname: field(h, 157, 100),
      magic: h.subarray(257, 263).toString('latin1'),
      version: h.subarray(263, 265).toString('latin1'),
      uname: field(h, 265, 32),
      gname: field(h, 297, 32),
      data: Buffer.from(buf.subarray(at + 512, at + 512 + size)),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** The members of an .ipk and its two inner archives. */
export function readIpk(ipk: Buffer): { outer: TarEntry[]; control: TarEntry[]; data: TarEntry[]; member(name: string): TarEntry } {
  const outer = readTar(ipk);
  const member = (name: string): TarEntry => {
    const e = outer.find((x) => x.name === name);
    if (!e) throw new Error(`ipk: no member ${name} (has ${outer.map((x) => x.name).join(', ')})`);
    return e;
  };
  return { outer, control: readTar(member('./control.tar.gz').data), data: readTar(member('./data.tar.gz').data), member };
}

/** `Key: value` lines, continuation lines (leading space) joined to the previous value with "\n". */
export function parseControl(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith(' ') && last !== undefined) {
      out[last] += `\n${line.slice(1)}`;
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]*): ?(.*)$/.exec(line);
    if (!m) throw new Error(`control: line ${JSON.stringify(line)} is neither "Key: value" nor a continuation`);
    last = m[1]!;
    out[last] = m[2]!;
  }
  return out;
}
