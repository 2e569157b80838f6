// blobmsg: typed, named values on top of blob attributes (libubox blobmsg.h), the data model of
// every ubus argument, reply, event and signature.
// Invariants: a blobmsg attribute has the extended bit set and its payload starts with a name
// header (u16 BE length, name, NUL, zero padding to 4); the field order given is the order
// written; decoding keeps attributes libubox would reject as `invalid` entries (never throws),
// because the JSON formatter still prints a separator for them.
import { type BlobAttr, BLOB_HEADER_LEN, encodeBlobAttr, parseBlobAttrs } from './blob.js';

/** Wire type numbers (blobmsg_type). BOOL shares INT8's number. */
export const BLOBMSG_TYPE = {
  UNSPEC: 0,
  ARRAY: 1,
  TABLE: 2,
  STRING: 3,
  INT64: 4,
  INT32: 5,
  INT16: 6,
  INT8: 7,
  BOOL: 7,
  DOUBLE: 8,
} as const;
export const BLOBMSG_TYPE_LAST = 8;

export type BlobmsgValue =
  /** `payload` only when a decoded UNSPEC carried bytes (ignored by libubox, kept for re-encoding). */
  | { type: 'unspec'; payload?: Buffer }
  | { type: 'array'; children: BlobmsgField[] }
  | { type: 'table'; children: BlobmsgField[] }
  | { type: 'string'; value: string }
  | { type: 'int64'; value: bigint }
  | { type: 'int32'; value: number }
  | { type: 'int16'; value: number }
  | { type: 'int8'; value: number }
  | { type: 'double'; value: number }
  /** Only produced by decoding: an attribute libubox's blobmsg_check_attr rejects. */
  | { type: 'invalid'; attr: BlobAttr };

export interface BlobmsgField {
  name: string;
  value: BlobmsgValue;
}

const TYPE_NUMBER: Record<Exclude<BlobmsgValue['type'], 'invalid'>, number> = {
  unspec: 0, array: 1, table: 2, string: 3, int64: 4, int32: 5, int16: 6, int8: 7, double: 8,
};

/** Exact payload sizes libubox requires for the integer types (blob_check_type). */
const INT_SIZE: Record<number, number> = { 4: 8, 5: 4, 6: 2, 7: 1 };

export function blobmsgTypeNumber(value: BlobmsgValue): number {
  if (value.type === 'invalid') return value.attr.id;
  return TYPE_NUMBER[value.type];
}

/** Name header: u16 length, bytes, NUL, padded so the header is a multiple of 4. */
function encodeNameHeader(name: string): Buffer {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length > 0xffff) throw new RangeError(`blobmsg name longer than 65535 bytes`);
  const size = (2 + bytes.length + 1 + 3) & ~3;
  const out = Buffer.alloc(size);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

function encodeValuePayload(value: BlobmsgValue): Buffer[] {
  switch (value.type) {
    case 'unspec':
      return value.payload === undefined ? [] : [value.payload];
    case 'array':
    case 'table':
      return value.children.map(encodeBlobmsgField);
    case 'string':
      return [Buffer.from(value.value, 'utf8'), Buffer.alloc(1)];
    case 'int64': {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(BigInt.asUintN(64, value.value));
      return [b];
    }
    case 'int32': {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(value.value >>> 0);
      return [b];
    }
    case 'int16': {
      const b = Buffer.alloc(2);
      b.writeUInt16BE(value.value & 0xffff);
      return [b];
    }
    case 'int8':
      return [Buffer.from([value.value & 0xff])];
    case 'double': {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(value.value);
      return [b];
    }
    case 'invalid':
      return [];
  }
}

/** One named attribute, padded. An `invalid` entry is written back byte for byte. */
export function encodeBlobmsgField(field: BlobmsgField): Buffer {
  const v = field.value;
  if (v.type === 'invalid') return encodeBlobAttr(v.attr.id, [v.attr.payload], v.attr.extended);
  return encodeBlobAttr(TYPE_NUMBER[v.type], [encodeNameHeader(field.name), ...encodeValuePayload(v)], true);
}

/** A member list as it sits inside UBUS_ATTR_DATA (no container header). */
export function encodeBlobmsgFields(fields: readonly BlobmsgField[]): Buffer {
  return Buffer.concat(fields.map(encodeBlobmsgField));
}

interface SplitAttr {
  name: string;
  data: Buffer;
}

/** blobmsg_check_name + header split; null when the name header is malformed. */
function splitName(attr: BlobAttr): SplitAttr | null {
  // A non-extended attribute has no name header. libubox's formatter would still read one out of
  // the payload (garbage); we call it invalid so that decode + encode stays byte-exact.
  if (!attr.extended) return null;
  const p = attr.payload;
  if (p.length < 3) return null;
  const namelen = p.readUInt16BE(0);
  const hdrlen = (2 + namelen + 1 + 3) & ~3;
  if (p.length < hdrlen || p[2 + namelen] !== 0) return null;
  return { name: p.toString('utf8', 2, 2 + namelen), data: p.subarray(hdrlen) };
}

function readCString(data: Buffer): string {
  const nul = data.indexOf(0);
  return data.toString('utf8', 0, nul < 0 ? data.length : nul);
}

/** Decodes one attribute; entries libubox would reject come back as `invalid`. */
export function decodeBlobmsgField(attr: BlobAttr): BlobmsgField {
  const invalid: BlobmsgField = { name: '', value: { type: 'invalid', attr } };
  const split = splitName(attr);
  if (split === null || attr.id > BLOBMSG_TYPE_LAST) return invalid;
  const { name, data } = split;
  const size = INT_SIZE[attr.id];
  if (size !== undefined && data.length !== size) return { name, value: invalid.value };
  switch (attr.id) {
    case 0:
      return { name, value: data.length === 0 ? { type: 'unspec' } : { type: 'unspec', payload: data } };
    case 1:
      return { name, value: { type: 'array', children: decodeBlobmsgFields(data) } };
    case 2:
      return { name, value: { type: 'table', children: decodeBlobmsgFields(data) } };
    case 3:
      if (data.length < 1 || data[data.length - 1] !== 0) return { name, value: invalid.value };
      return { name, value: { type: 'string', value: readCString(data) } };
    case 4:
      return { name, value: { type: 'int64', value: data.readBigInt64BE(0) } };
    case 5:
      return { name, value: { type: 'int32', value: data.readInt32BE(0) } };
    case 6:
      return { name, value: { type: 'int16', value: data.readInt16BE(0) } };
    case 7:
      return { name, value: { type: 'int8', value: data.readUInt8(0) } };
    default:
      if (data.length < 8) return { name, value: invalid.value };
      return { name, value: { type: 'double', value: data.readDoubleBE(0) } };
  }
}

/** Decodes a member list (payload of UBUS_ATTR_DATA, a TABLE or an ARRAY). */
export function decodeBlobmsgFields(data: Buffer): BlobmsgField[] {
  return parseBlobAttrs(data).map(decodeBlobmsgField);
}

/** Payload of a blob container (4-byte header, id 0), as `blob_hex` shows it. */
export function encodeBlobmsgContainer(fields: readonly BlobmsgField[]): Buffer {
  return encodeBlobAttr(0, [encodeBlobmsgFields(fields)]);
}

export function decodeBlobmsgContainer(buf: Buffer): BlobmsgField[] {
  if (buf.length < BLOB_HEADER_LEN) return [];
  const len = buf.readUInt32BE(0) & 0x00ffffff;
  return decodeBlobmsgFields(buf.subarray(BLOB_HEADER_LEN, Math.min(len, buf.length)));
}

export function isValidField(field: BlobmsgField): boolean {
  return field.value.type !== 'invalid';
}
