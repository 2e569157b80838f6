// Streaming tar reader: turns a byte stream into entries with their final path, link path and
// body, folding in GNU long names ('L', 'K') and pax headers ('x' local, 'g' global; keys path,
// linkpath, size). No file system access.
// Invariants: every header's checksum is verified; a truncated stream, a missing end-of-archive
// marker or a malformed extended header is ARCHIVE_CORRUPT; more than `maxEntries` entries or
// more than `maxBytes` of declared contents is ARCHIVE_UNSAFE (checked from the header, before
// the body is read). The caller must finish with an entry before asking for the next; unread
// body bytes are skipped.
import { ParadropError, quote } from '../../errors.js';
import { ByteReader } from './byte-reader.js';
import { BLOCK, parseHeader, parsePax } from './tar-header.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'unknown';

export interface TarEntry {
  path: string;
  linkpath: string;
  type: EntryType;
  /** The raw type byte, for messages about unknown types. */
  typeflag: string;
  mode: number;
  size: number;
  /** Byte offset of the entry's header in the (decompressed) stream. */
  offset: number;
  body: AsyncIterable<Buffer>;
}

export interface ReadLimits {
  /** Chute file name, for messages. */
  label: string;
  maxBytes: number;
  maxEntries: number;
}

/** Extended headers hold names, not data: a megabyte is far beyond any real one. */
const MAX_META_BYTES = 1024 * 1024;
/** Extended headers in a row before one real entry. */
const MAX_META_RUN = 8;

const TYPES: Record<string, EntryType> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink',
  '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo',
};

export function corrupt(label: string, why: string, entry?: string): ParadropError {
  return new ParadropError('ARCHIVE_CORRUPT', `file ${quote(label)}: archive is corrupt: ${why}`,
    { path: entry, value: entry, expected: 'a complete tar archive (optionally gzipped)' });
}

export function unsafe(label: string, entry: string, why: string): ParadropError {
  return new ParadropError('ARCHIVE_UNSAFE', `file ${quote(label)}: archive entry ${quote(entry)} refused: ${why}`,
    { path: entry, value: entry, expected: why });
}

export async function* readTar(source: AsyncIterable<Buffer>, limits: ReadLimits): AsyncGenerator<TarEntry> {
  const { label } = limits;
  const r = new ByteReader(source);
  let global = new Map<string, string>();
  let local = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let metaRun = 0;
  let metaOffset = 0;
  let entries = 0;
  let contentBytes = 0;

  const readPadded = async (size: number, what: string, name: string): Promise<Buffer> => {
    const data = await r.read(size);
    const pad = await r.read((BLOCK - (size % BLOCK)) % BLOCK);
    if (data.length < size || pad.length < (BLOCK - (size % BLOCK)) % BLOCK) {
      throw corrupt(label, `it is truncated inside ${what} of entry ${quote(name)}`, name);
    }
    return data;
  };

  try {
    for (;;) {
      const offset = r.position;
      const block = await r.read(BLOCK);
      if (block.length === 0) throw corrupt(label, `it ends at byte ${offset} without the end-of-archive marker`);
      if (block.length < BLOCK) throw corrupt(label, `it is truncated: the header at byte ${offset} has ${block.length} of ${BLOCK} bytes`);
      const parsed = parseHeader(block);
      if (parsed.kind === 'end') {
        if (metaRun > 0) throw corrupt(label, `it ends right after the extended header at byte ${metaOffset}`);
        return;
      }
      if (parsed.kind === 'bad') throw corrupt(label, `header of entry ${quote(parsed.name)} at byte ${offset}: ${parsed.reason}`, parsed.name);
      const h = parsed.header;

      if (h.typeflag === 'x' || h.typeflag === 'g' || h.typeflag === 'L' || h.typeflag === 'K') {
        metaOffset = offset;
        if (++metaRun > MAX_META_RUN) throw corrupt(label, `more than ${MAX_META_RUN} extended headers in a row at byte ${offset}`, h.name);
        if (h.size > MAX_META_BYTES) {
          throw unsafe(label, h.name, `its extended header has ${h.size} bytes, more than the limit of ${MAX_META_BYTES}`);
        }
        const data = await readPadded(h.size, 'the extended header', h.name);
        if (h.typeflag === 'L' || h.typeflag === 'K') {
          // GNU writes the name with a terminating NUL; an inner NUL stays so the policy refuses it.
          const text = data.toString('utf8').replace(/\0+$/, '');
          if (h.typeflag === 'L') longName = text;
          else longLink = text;
        } else {
          const pax = parsePax(data);
          if (!pax.ok) throw corrupt(label, `pax header at byte ${offset}: ${pax.reason}`, h.name);
          if (h.typeflag === 'x') local = pax.records;
          else global = new Map([...global, ...pax.records]);
        }
        continue;
      }
      metaRun = 0;

      const path = pick(local.get('path'), longName, global.get('path'), h.name);
      const linkpath = pick(local.get('linkpath'), longLink, global.get('linkpath'), h.linkname);
      const paxSize = local.get('size');
      if (paxSize !== undefined && paxSize !== '' && !/^[0-9]{1,15}$/.test(paxSize)) {
        throw corrupt(label, `pax size ${quote(paxSize)} of entry ${quote(path)} is not a number`, path);
      }
      const size = paxSize !== undefined && paxSize !== '' ? Number(paxSize) : h.size;
      local = new Map();
      longName = undefined;
      longLink = undefined;

      if (++entries > limits.maxEntries) throw unsafe(label, path, `the archive has more than ${limits.maxEntries} entries`);
      contentBytes += size;
      if (contentBytes > limits.maxBytes) {
        throw unsafe(label, path, `it brings the archive's contents to ${contentBytes} bytes, more than the limit of ${limits.maxBytes}`);
      }
      let type = TYPES[h.typeflag] ?? 'unknown';
      // Pre-POSIX tars mark directories only by a trailing slash.
      if (type === 'file' && h.typeflag !== '7' && path.endsWith('/')) type = 'dir';

      let consumed = 0;
      const truncated = () => corrupt(label, `it is truncated inside the contents of entry ${quote(path)}`, path);
      const body = (async function* () {
        for await (const chunk of r.chunks(size - consumed)) {
          consumed += chunk.length;
          yield chunk;
        }
        if (consumed < size) throw truncated();
      })();
      yield { path, linkpath, type, typeflag: h.typeflag, mode: h.mode, size, offset, body };

      for await (const chunk of r.chunks(size - consumed)) consumed += chunk.length;
      if (consumed < size) throw truncated();
      const padding = (BLOCK - (size % BLOCK)) % BLOCK;
      if ((await r.read(padding)).length < padding) throw truncated();
    }
  } finally {
    await r.close();
  }
}

/** The first value that is present; an empty pax value means "not set" (POSIX). */
function pick(...values: (string | undefined)[]): string {
  for (const v of values) if (v !== undefined && v !== '') return v;
  return '';
}
