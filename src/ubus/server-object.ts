// The server side of ubus objects we own: method tables with signatures, and answering the
// INVOKEs ubusd forwards to them, with the same checks and status codes as libubus.
// Invariants: every INVOKE that wants a reply gets exactly one STATUS, after any DATA, with the
// request's seq and peer (the caller's client id) and our object id; handlers run concurrently
// (one slow method never delays another); a handler's UbusError status is the reply status, any
// other exception is UNKNOWN_ERROR; arguments are not checked against the signature (libubus
// doesn't either: handlers check what they need).
import debug from '../log.js';
import { type BlobmsgField, BLOBMSG_TYPE } from './blobmsg.js';
import { type TypedBlobmsg, fromBlobmsgFields, toBlobmsgFields } from './blobmsg-js.js';
import { Attr, type UbusMessage, MessageType, blobmsgAttr, buildMessage, getFields, getString, getU32, getU8, u32Attr } from './message.js';
import { InternalError } from '../errors.js';
import { UbusError, UbusStatus, statusName } from './status.js';

const log = debug('paradrop:ubus:server-object');

/** What a method may answer with: a JS object (converted like JSON) or exact typed fields. */
export type UbusPayload = Record<string, unknown> | TypedBlobmsg;

export interface UbusRequest {
  objectId: number;
  /** The object's path; undefined for listener and subscriber objects. */
  path: string | undefined;
  method: string;
  /** Arguments exactly as received (types, order, duplicates). */
  fields: BlobmsgField[];
  /** The same arguments as a JS object. */
  args: Record<string, unknown>;
  /** Caller's account names, as ubusd adds them (absent on events). */
  user: string | undefined;
  group: string | undefined;
  /** Caller's client id (0 for events from ubusd). */
  peer: number;
  seq: number;
  /** Sends one DATA reply now, ahead of the final status (for several results). */
  sendData(data: UbusPayload): void;
}

export type MethodHandler = (req: UbusRequest) => UbusPayload | void | Promise<UbusPayload | void>;

export interface MethodSpec {
  /** Argument name -> blobmsg type number (BLOBMSG_TYPE.*, 0 = any), published in LOOKUP. */
  signature?: Record<string, number>;
  handler: MethodHandler;
}

export interface ObjectSpec {
  path: string;
  /** Methods in registration order (integer-like names would be reordered by JS: avoid them). */
  methods: Record<string, MethodSpec | MethodHandler>;
  /** Called when the object gains its first subscriber or loses its last one. */
  onSubscribers?: (active: boolean) => void;
}

/** An object of ours as ubusd knows it; `wildcard` answers every method (listeners, subscribers). */
export interface LocalObject {
  id: number;
  path: string | undefined;
  methods: ReadonlyMap<string, MethodHandler>;
  wildcard: MethodHandler | undefined;
  hasSubscribers: boolean;
  onSubscribers?: ((active: boolean) => void) | undefined;
  /** Subscriber objects: the target went away (ubusd's UNSUBSCRIBE). */
  onTargetGone?: ((target: number) => void) | undefined;
}

export function methodTable(spec: ObjectSpec): Map<string, MethodHandler> {
  return new Map(Object.entries(spec.methods).map(([name, m]) => [name, typeof m === 'function' ? m : m.handler]));
}

/** SIGNATURE: one TABLE per method, holding one INT32 (the blobmsg type) per argument. */
export function signatureFields(spec: ObjectSpec): BlobmsgField[] {
  return Object.entries(spec.methods).map(([name, m]): BlobmsgField => {
    const sig = typeof m === 'function' ? {} : (m.signature ?? {});
    const children = Object.entries(sig).map(([arg, type]): BlobmsgField => {
      if (!Number.isInteger(type) || type < 0 || type > BLOBMSG_TYPE.DOUBLE) {
        throw new UbusError(UbusStatus.INVALID_ARGUMENT, `signature of ${spec.path}.${name} gives argument ${arg} the type ${type}, not a blobmsg type 0..8`, {
          path: `${spec.path}.${name}.${arg}`, value: type, expected: 'a blobmsg type number 0..8',
        });
      }
      return { name: arg, value: { type: 'int32', value: type } };
    });
    return { name, value: { type: 'table', children } };
  });
}

const dataMsg = (seq: number, peer: number, objid: number, fields: BlobmsgField[]): UbusMessage =>
  buildMessage(MessageType.DATA, seq, peer, [u32Attr(Attr.OBJID, objid), blobmsgAttr(Attr.DATA, fields)]);

const statusMsg = (seq: number, peer: number, status: number, objid: number): UbusMessage =>
  buildMessage(MessageType.STATUS, seq, peer, [u32Attr(Attr.STATUS, status), u32Attr(Attr.OBJID, objid)]);

function statusOf(err: unknown): number {
  if (err instanceof UbusError) return err.status;
  return UbusStatus.UNKNOWN_ERROR;
}

/**
 * Answers one INVOKE addressed to `obj` (undefined: no such object of ours). `send` writes a
 * message; it may throw when the connection is gone, which ends the request silently.
 */
export function handleInvoke(msg: UbusMessage, obj: LocalObject | undefined, send: (m: UbusMessage) => void): Promise<void> {
  const objid = getU32(msg, Attr.OBJID) ?? 0;
  const noReply = (getU8(msg, Attr.NO_REPLY) ?? 0) !== 0;
  let finished = false;
  const write = (m: UbusMessage): void => {
    try {
      send(m);
    } catch (err) {
      log('reply to seq %d not sent: %s', msg.seq, (err as Error).message);
    }
  };
  const complete = (status: number): void => {
    if (finished) return;
    finished = true;
    if (!noReply) write(statusMsg(msg.seq, msg.peer, status, objid));
  };
  if (obj === undefined) {
    complete(UbusStatus.NOT_FOUND);
    return Promise.resolve();
  }
  const method = getString(msg, Attr.METHOD);
  if (method === undefined) {
    complete(UbusStatus.INVALID_ARGUMENT);
    return Promise.resolve();
  }
  const handler = obj.methods.get(method) ?? obj.wildcard;
  if (handler === undefined) {
    complete(UbusStatus.METHOD_NOT_FOUND);
    return Promise.resolve();
  }
  const fields = getFields(msg, Attr.DATA);
  if (fields === undefined) {
    complete(UbusStatus.INVALID_ARGUMENT);
    return Promise.resolve();
  }
  const sendData = (data: UbusPayload): void => {
    if (finished) throw new InternalError(`ubus ${obj.path ?? obj.id}.${method}: DATA sent after the request was answered`);
    if (!noReply) write(dataMsg(msg.seq, msg.peer, objid, toBlobmsgFields(data, 'reply')));
  };
  const req: UbusRequest = {
    objectId: objid, path: obj.path, method, fields, args: fromBlobmsgFields(fields),
    user: getString(msg, Attr.USER), group: getString(msg, Attr.GROUP), peer: msg.peer, seq: msg.seq, sendData,
  };
  return (async () => {
    try {
      const result = await handler(req);
      if (result !== undefined) sendData(result);
      complete(UbusStatus.OK);
    } catch (err) {
      const status = statusOf(err);
      log('%s.%s failed with %s: %s', obj.path ?? obj.id.toString(16), method, statusName(status), (err as Error).message);
      complete(status);
    }
  })();
}

/** ubusd's NOTIFY to an owner: the subscriber count crossed zero. */
export function handleActive(msg: UbusMessage, obj: LocalObject | undefined): void {
  const active = getU8(msg, Attr.ACTIVE);
  if (obj === undefined || active === undefined) return;
  obj.hasSubscribers = active !== 0;
  obj.onSubscribers?.(obj.hasSubscribers);
}

/** ubusd's UNSUBSCRIBE to a subscriber: the object it watched is gone. */
export function handleUnsubscribe(msg: UbusMessage, obj: LocalObject | undefined): void {
  const target = getU32(msg, Attr.TARGET);
  if (obj === undefined || target === undefined) return;
  obj.onTargetGone?.(target);
}

