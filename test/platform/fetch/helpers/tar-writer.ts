// A tiny tar writer for tests: builds headers byte by byte so tests can make archives GNU tar
// refuses to write (absolute names, devices, bad checksums, hostile pax and GNU long names).
import { gzipSync } from 'node:zlib';

export interface EntrySpec {
  name: string;
  /** Type byte: '0' file, '1' hardlink, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo, 'x', 'g', 'L', 'K'… */
  type?: string;
  mode?: number;
  body?: Buffer | string;
  linkname?: string;
  /** Size written in the header when it must differ from the body's length. */
  size?: number;
  prefix?: string;
  format?: 'ustar' | 'gnu';
  /** Adds this to the stored checksum. */
  checksumDelta?: number;
}

function put(block: Buffer, offset: number, len: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  bytes.copy(block, offset, 0, Math.min(len, bytes.length));
}

function octal(n: number, len: number): string {
  return n.toString(8).padStart(len - 1, '0');
}

export function header(spec: EntrySpec): Buffer {
  const block = Buffer.alloc(512);
  const body = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(spec.body);
  put(block, 0, 100, spec.name);
  put(block, 100, 8, octal(spec.mode ?? 0o644, 8));
  put(block, 108, 8, octal(0, 8));
  put(block, 116, 8, octal(0, 8));
  put(block, 124, 12, octal(spec.size ?? body.length, 12));
  put(block, 136, 12, octal(0, 12));
  block.write(spec.type ?? '0', 156, 'latin1');
  put(block, 157, 100, spec.linkname ?? '');
  if (spec.format === 'gnu') block.write('ustar  \0', 257, 'latin1');
  else {
    block.write('ustar\0', 257, 'latin1');
    block.write('00', 263, 'latin1');
  }
  put(block, 265, 32, 'root');
  put(block, 297, 32, 'root');
  if (spec.prefix !== undefined) put(block, 345, 155, spec.prefix);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  sum += spec.checksumDelta ?? 0;
  put(block, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return block;
}

function pad(body: Buffer): Buffer {
  const rest = (512 - (body.length % 512)) % 512;
  return Buffer.concat([body, Buffer.alloc(rest)]);
}

export function entry(spec: EntrySpec): Buffer {
  const body = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(spec.body);
  return Buffer.concat([header(spec), pad(body)]);
}

export function file(name: string, body: string, mode = 0o644): Buffer {
  return entry({ name, body, mode });
}

export function dir(name: string, mode = 0o755): Buffer {
  return entry({ name, type: '5', mode });
}

export function symlink(name: string, target: string): Buffer {
  return entry({ name, type: '2', linkname: target, mode: 0o777 });
}

export function hardlink(name: string, target: string): Buffer {
  return entry({ name, type: '1', linkname: target });
}

/** A pax extended header ('x' for the next entry, 'g' global). */
export function pax(records: Record<string, string>, type: 'x' | 'g' = 'x'): Buffer {
  let data = '';
  for (const [k, v] of Object.entries(records)) {
    const tail = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(tail) + 1;
    while (String(len).length + Buffer.byteLength(tail) !== len) len = String(len).length + Buffer.byteLength(tail);
    data += `${len}${tail}`;
  }
  return entry({ name: 'PaxHeader', type, body: data });
}

/** A GNU long name ('L') or long link ('K') header, as GNU tar writes it. */
export function gnuLong(name: string, type: 'L' | 'K' = 'L'): Buffer {
  return entry({ name: '././@LongLink', type, body: Buffer.concat([Buffer.from(name), Buffer.alloc(1)]), format: 'gnu' });
}

export function archive(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
}

export function gzip(data: Buffer): Buffer {
  return gzipSync(data);
}
