// One ubus message: the 8-byte header (version, type, seq, peer) and the container of top-level
// UBUS_ATTR_* attributes, to and from bytes.
// Invariants: header fields big-endian; top-level attributes are non-extended blob attributes
// written in the order given (real senders use a fixed order and the vectors compare bytes);
// DATA and SIGNATURE hold blobmsg member lists; SUBSCRIBERS holds id-0 int32 attributes; an
// attribute whose payload fails its type check decodes as `raw` (receivers treat it as absent).
// A message whose padded container exceeds UBUS_MAX_MSGLEN is refused (libubus: INVALID_ARGUMENT).
import { BLOB_HEADER_LEN, encodeBlobAttr, encodeBlobString, encodeBlobU32, encodeBlobU8, padLength, parseBlobAttrs } from './blob.js';
import { type BlobmsgField, decodeBlobmsgFields, encodeBlobmsgFields } from './blobmsg.js';
import { UbusError, UbusProtocolError, UbusStatus } from './status.js';

export { UbusStatus, statusName, statusText, UbusError } from './status.js';

export const MessageType = {
  HELLO: 0,
  STATUS: 1,
  DATA: 2,
  PING: 3,
  LOOKUP: 4,
  INVOKE: 5,
  ADD_OBJECT: 6,
  REMOVE_OBJECT: 7,
  SUBSCRIBE: 8,
  UNSUBSCRIBE: 9,
  NOTIFY: 10,
  MONITOR: 11,
} as const;

export const Attr = {
  UNSPEC: 0,
  STATUS: 1,
  OBJPATH: 2,
  OBJID: 3,
  METHOD: 4,
  OBJTYPE: 5,
  SIGNATURE: 6,
  DATA: 7,
  TARGET: 8,
  ACTIVE: 9,
  NO_REPLY: 10,
  SUBSCRIBERS: 11,
  USER: 12,
  GROUP: 13,
} as const;

export const HEADER_LEN = 8;
export const UBUS_MAX_MSGLEN = 1048576;
/** Object ids reserved by ubusd. */
export const EVENT_OBJECT_ID = 1;
export const ACL_OBJECT_ID = 2;
export const MONITOR_OBJECT_ID = 3;

export type UbusAttr =
  | { id: number; kind: 'u32'; value: number }
  | { id: number; kind: 'u8'; value: number }
  | { id: number; kind: 'string'; value: string }
  | { id: number; kind: 'blobmsg'; value: BlobmsgField[] }
  | { id: number; kind: 'ids'; value: number[] }
  | { id: number; kind: 'raw'; value: Buffer };

export interface UbusMessage {
  version: number;
  type: number;
  seq: number;
  peer: number;
  attrs: UbusAttr[];
}

const TYPE_NAMES = Object.keys(MessageType);
const ATTR_NAMES = Object.keys(Attr);
export const messageTypeName = (type: number): string => TYPE_NAMES[type] ?? String(type);
export const attrName = (id: number): string => ATTR_NAMES[id] ?? `ATTR_${id}`;

const KIND: Record<number, UbusAttr['kind']> = {
  [Attr.STATUS]: 'u32', [Attr.OBJID]: 'u32', [Attr.OBJTYPE]: 'u32', [Attr.TARGET]: 'u32',
  [Attr.OBJPATH]: 'string', [Attr.METHOD]: 'string', [Attr.USER]: 'string', [Attr.GROUP]: 'string',
  [Attr.ACTIVE]: 'u8', [Attr.NO_REPLY]: 'u8',
  [Attr.SIGNATURE]: 'blobmsg', [Attr.DATA]: 'blobmsg',
  [Attr.SUBSCRIBERS]: 'ids',
};

export const u32Attr = (id: number, value: number): UbusAttr => ({ id, kind: 'u32', value: value >>> 0 });
export const u8Attr = (id: number, value: number): UbusAttr => ({ id, kind: 'u8', value });
export const stringAttr = (id: number, value: string): UbusAttr => ({ id, kind: 'string', value });
export const blobmsgAttr = (id: number, value: BlobmsgField[]): UbusAttr => ({ id, kind: 'blobmsg', value });
export const idsAttr = (id: number, value: number[]): UbusAttr => ({ id, kind: 'ids', value });

function encodeAttr(a: UbusAttr): Buffer {
  switch (a.kind) {
    case 'u32': return encodeBlobU32(a.id, a.value);
    case 'u8': return encodeBlobU8(a.id, a.value);
    case 'string': return encodeBlobString(a.id, a.value);
    case 'blobmsg': return encodeBlobAttr(a.id, [encodeBlobmsgFields(a.value)]);
    case 'ids': return encodeBlobAttr(a.id, a.value.map((v) => encodeBlobU32(0, v)));
    case 'raw': return encodeBlobAttr(a.id, [a.value]);
  }
}

export function encodeMessage(msg: UbusMessage): Buffer {
  const body = Buffer.concat(msg.attrs.map(encodeAttr));
  const containerLen = BLOB_HEADER_LEN + body.length;
  if (padLength(containerLen) > UBUS_MAX_MSGLEN) {
    throw new UbusError(UbusStatus.INVALID_ARGUMENT, `ubus ${messageTypeName(msg.type)} message of ${containerLen} bytes is larger than the ${UBUS_MAX_MSGLEN}-byte limit`, {
      value: containerLen, expected: `at most ${UBUS_MAX_MSGLEN} bytes`,
    });
  }
  const head = Buffer.alloc(HEADER_LEN + BLOB_HEADER_LEN);
  head.writeUInt8(msg.version, 0);
  head.writeUInt8(msg.type, 1);
  head.writeUInt16BE(msg.seq & 0xffff, 2);
  head.writeUInt32BE(msg.peer >>> 0, 4);
  head.writeUInt32BE(containerLen, 8);
  return Buffer.concat([head, body]);
}

function decodeAttr(id: number, payload: Buffer): UbusAttr {
  const raw: UbusAttr = { id, kind: 'raw', value: Buffer.from(payload) };
  switch (KIND[id]) {
    case 'u32':
      return payload.length === 4 ? u32Attr(id, payload.readUInt32BE(0)) : raw;
    case 'u8':
      return payload.length === 1 ? u8Attr(id, payload[0] ?? 0) : raw;
    case 'string': {
      if (payload.length < 1 || payload[payload.length - 1] !== 0) return raw;
      // Exact re-encoding needs the whole payload to be the string plus one NUL.
      if (payload.indexOf(0) !== payload.length - 1) return raw;
      return stringAttr(id, payload.toString('utf8', 0, payload.length - 1));
    }
    case 'blobmsg':
      return blobmsgAttr(id, decodeBlobmsgFields(payload));
    case 'ids': {
      const children = parseBlobAttrs(payload);
      const ok = children.every((c) => c.id === 0 && !c.extended && c.payload.length === 4);
      const used = children.reduce((n, c) => n + padLength(c.len), 0);
      return ok && used === payload.length ? idsAttr(id, children.map((c) => c.payload.readUInt32BE(0))) : raw;
    }
    default:
      return raw;
  }
}

/** Decodes one complete message (header + container, as FrameReader yields them). */
export function decodeMessage(buf: Buffer): UbusMessage {
  if (buf.length < HEADER_LEN + BLOB_HEADER_LEN) throw new UbusProtocolError(`ubus message of ${buf.length} bytes is shorter than its 12-byte header`, { value: buf.length });
  const containerLen = buf.readUInt32BE(8) & 0x00ffffff;
  if (containerLen < BLOB_HEADER_LEN || HEADER_LEN + containerLen > buf.length) {
    throw new UbusProtocolError(`ubus message container length ${containerLen} does not fit the ${buf.length}-byte message`, { value: containerLen });
  }
  const body = buf.subarray(HEADER_LEN + BLOB_HEADER_LEN, HEADER_LEN + containerLen);
  return {
    version: buf.readUInt8(0),
    type: buf.readUInt8(1),
    seq: buf.readUInt16BE(2),
    peer: buf.readUInt32BE(4),
    attrs: parseBlobAttrs(body).map((a) => decodeAttr(a.id, a.payload)),
  };
}

/** The attribute a receiver would use: the last one with that id that passed its type check. */
function lookup<K extends UbusAttr['kind']>(msg: UbusMessage, id: number, kind: K): Extract<UbusAttr, { kind: K }> | undefined {
  let found: UbusAttr | undefined;
  for (const a of msg.attrs) if (a.id === id) found = a;
  return found !== undefined && found.kind === kind ? (found as Extract<UbusAttr, { kind: K }>) : undefined;
}

export const getU32 = (msg: UbusMessage, id: number): number | undefined => lookup(msg, id, 'u32')?.value;
export const getU8 = (msg: UbusMessage, id: number): number | undefined => lookup(msg, id, 'u8')?.value;
export const getString = (msg: UbusMessage, id: number): string | undefined => lookup(msg, id, 'string')?.value;
export const getFields = (msg: UbusMessage, id: number): BlobmsgField[] | undefined => lookup(msg, id, 'blobmsg')?.value;
export const getIds = (msg: UbusMessage, id: number): number[] | undefined => lookup(msg, id, 'ids')?.value;

export function buildMessage(type: number, seq: number, peer: number, attrs: UbusAttr[]): UbusMessage {
  return { version: 0, type, seq, peer, attrs };
}
