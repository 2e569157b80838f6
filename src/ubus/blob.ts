// libubox "blob" TLV attributes: the byte layer under blobmsg and the ubus message body.
// Invariants: every integer is big-endian; a header word is `extended(1) | id(7) | len(24)` where
// len counts the 4-byte header and the payload but never the padding; every attribute is padded
// with zero bytes to a multiple of 4; a nested attribute's len includes its children's padding.
// Parsing never throws on hostile input: it stops where libubox's iteration would stop.

export const BLOB_HEADER_LEN = 4;
export const BLOB_ID_MAX = 0x7f;
export const BLOB_LEN_MAX = 0x00ffffff;
const EXTENDED_BIT = 0x80000000;

/** One attribute as read from the wire. `payload` excludes header and padding. */
export interface BlobAttr {
  id: number;
  extended: boolean;
  /** The header's length field (header + payload, without padding). */
  len: number;
  payload: Buffer;
}

/** Rounds a length up to the 4-byte alignment every attribute starts on. */
export function padLength(len: number): number {
  return (len + 3) & ~3;
}

export function encodeBlobHeader(id: number, extended: boolean, len: number): number {
  if (!Number.isInteger(id) || id < 0 || id > BLOB_ID_MAX) throw new RangeError(`blob id ${id} out of range 0..127`);
  if (len < BLOB_HEADER_LEN || len > BLOB_LEN_MAX) throw new RangeError(`blob length ${len} out of range`);
  return ((extended ? EXTENDED_BIT : 0) | (id << 24) | len) >>> 0;
}

export function decodeBlobHeader(word: number): { id: number; extended: boolean; len: number } {
  return { id: (word >>> 24) & 0x7f, extended: (word & EXTENDED_BIT) !== 0, len: word & BLOB_LEN_MAX };
}

/** Builds one attribute (header + payload parts + zero padding). */
export function encodeBlobAttr(id: number, parts: readonly Uint8Array[], extended = false): Buffer {
  let payloadLen = 0;
  for (const p of parts) payloadLen += p.length;
  const len = BLOB_HEADER_LEN + payloadLen;
  const out = Buffer.alloc(padLength(len));
  out.writeUInt32BE(encodeBlobHeader(id, extended, len), 0);
  let at = BLOB_HEADER_LEN;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A nested attribute: its payload is already-padded children, so its len includes their padding. */
export function encodeBlobNested(id: number, children: readonly Uint8Array[], extended = false): Buffer {
  return encodeBlobAttr(id, children, extended);
}

export function encodeBlobU32(id: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0, 0);
  return encodeBlobAttr(id, [b]);
}

export function encodeBlobU8(id: number, value: number): Buffer {
  return encodeBlobAttr(id, [Buffer.from([value & 0xff])]);
}

/** A NUL-terminated string attribute (the NUL is counted in len). */
export function encodeBlobString(id: number, value: string): Buffer {
  return encodeBlobAttr(id, [Buffer.from(value, 'utf8'), Buffer.alloc(1)]);
}

/**
 * Splits a sequence of attributes the way libubox iterates (`__blob_for_each_attr`): stop when
 * fewer than 4 bytes remain, when an attribute's padded length exceeds what remains, or (where C
 * would loop forever) when a header claims less than its own 4 bytes.
 */
export function parseBlobAttrs(data: Buffer): BlobAttr[] {
  const out: BlobAttr[] = [];
  let at = 0;
  while (data.length - at >= BLOB_HEADER_LEN) {
    const { id, extended, len } = decodeBlobHeader(data.readUInt32BE(at));
    if (len < BLOB_HEADER_LEN || padLength(len) > data.length - at) break;
    out.push({ id, extended, len, payload: data.subarray(at + BLOB_HEADER_LEN, at + len) });
    at += padLength(len);
  }
  return out;
}

/** Re-encodes a parsed attribute exactly (same id, flag and payload). */
export function encodeParsedAttr(attr: BlobAttr): Buffer {
  return encodeBlobAttr(attr.id, [attr.payload], attr.extended);
}
