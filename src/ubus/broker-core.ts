// The protocol logic of our ubusd-compatible broker, without sockets: clients, objects, object
// types, lookups, invoke forwarding, reply relaying, subscriptions and notifications, following
// docs/ubus-protocol.md and what the captured sessions show ubusd doing.
// Invariants: every request gets one STATUS with its seq and peer unless the handler forwarded it
// (INVOKE to a client object) or NO_REPLY was asked; replies from object owners are relayed with
// peer rewritten to the object id, and dropped when anything about them is off; ids are random
// u32 >= 1024, clients and objects in separate spaces. Not implemented: ACLs (every client is
// treated as root), the ACL object's `query` and the monitor (ids 2 and 3 answer NOT_SUPPORTED).
import { randomBytes } from 'node:crypto';
import { type BlobmsgField } from './blobmsg.js';
import { EventRegistry } from './broker-events.js';
import {
  Attr, EVENT_OBJECT_ID, type UbusAttr, type UbusMessage, MessageType, blobmsgAttr, buildMessage, decodeMessage,
  encodeMessage, getFields, getString, getU32, getU8, idsAttr, stringAttr, u32Attr, u8Attr,
} from './message.js';
import { UbusStatus } from './status.js';

interface ObjType {
  id: number;
  methods: BlobmsgField[];
  refs: number;
}

interface BrokerObject {
  id: number;
  path: string | undefined;
  type: ObjType | undefined;
  owner: number;
  /** Subscriber object ids, newest first (ubusd adds at the list head). */
  subscribers: number[];
  /** Objects this one is subscribed to. */
  targets: Set<number>;
  invokeSeq: number;
}

interface BrokerClient {
  id: number;
  write: (bytes: Buffer) => void;
  /** Object ids, newest first (ubusd frees them in that order). */
  objects: number[];
}

export interface BrokerCoreOptions {
  /** Account names put into forwarded INVOKEs (USER/GROUP); we can't read SO_PEERCRED. */
  user?: string;
  group?: string;
  randomId?: () => number;
}

const NO_STATUS = -1;

export class BrokerCore {
  private readonly clients = new Map<number, BrokerClient>();
  private readonly objects = new Map<number, BrokerObject>();
  private readonly types = new Map<number, ObjType>();
  private readonly events: EventRegistry;
  private readonly user: string;
  private readonly group: string;
  private readonly random: () => number;

  constructor(options: BrokerCoreOptions = {}) {
    this.user = options.user ?? 'root';
    this.group = options.group ?? 'root';
    this.random = options.randomId ?? (() => randomBytes(4).readUInt32BE(0));
    this.events = new EventRegistry({
      ownerOf: (id) => this.objects.get(id)?.owner,
      deliver: (clientId, msg) => this.send(clientId, msg),
    });
  }

  private newId(taken: (id: number) => boolean): number {
    for (;;) {
      const id = this.random() >>> 0;
      if (id >= 1024 && !taken(id)) return id;
    }
  }

  /** A new connection: allocates its id and sends HELLO. */
  addClient(write: (bytes: Buffer) => void): number {
    const id = this.newId((i) => this.clients.has(i));
    this.clients.set(id, { id, write, objects: [] });
    this.send(id, buildMessage(MessageType.HELLO, 0, id, []));
    return id;
  }

  /** A closed connection: its objects go, newest first, with all side effects. */
  removeClient(id: number): void {
    const client = this.clients.get(id);
    if (client === undefined) return;
    for (const objId of [...client.objects]) this.freeObject(objId);
    this.clients.delete(id);
  }

  get clientIds(): number[] {
    return [...this.clients.keys()];
  }

  objectPaths(): string[] {
    return [...this.objects.values()].flatMap((o) => (o.path === undefined ? [] : [o.path])).sort();
  }

  private send(clientId: number, msg: UbusMessage | Buffer): void {
    const c = this.clients.get(clientId);
    if (c === undefined) return;
    c.write(Buffer.isBuffer(msg) ? msg : encodeMessage(msg));
  }

  private status(clientId: number, req: UbusMessage, status: number): void {
    this.send(clientId, buildMessage(MessageType.STATUS, req.seq, req.peer, [u32Attr(Attr.STATUS, status)]));
  }

  private data(clientId: number, req: UbusMessage, attrs: UbusAttr[]): void {
    this.send(clientId, buildMessage(MessageType.DATA, req.seq, req.peer, attrs));
  }

  /** One complete frame from a client. */
  receive(clientId: number, frame: Buffer): void {
    const msg = decodeMessage(frame);
    let result: number;
    switch (msg.type) {
      case MessageType.STATUS:
      case MessageType.DATA: result = this.relay(clientId, msg, frame); break;
      case MessageType.PING: result = this.ping(clientId, frame); break;
      case MessageType.LOOKUP: result = this.lookup(clientId, msg); break;
      case MessageType.INVOKE: result = this.invoke(clientId, msg); break;
      case MessageType.ADD_OBJECT: result = this.addObject(clientId, msg); break;
      case MessageType.REMOVE_OBJECT: result = this.removeObject(clientId, msg); break;
      case MessageType.SUBSCRIBE: result = this.subscribe(clientId, msg); break;
      case MessageType.UNSUBSCRIBE: result = this.unsubscribe(clientId, msg); break;
      case MessageType.NOTIFY: result = this.notify(clientId, msg); break;
      default: result = UbusStatus.INVALID_COMMAND; // HELLO, MONITOR and unknown types
    }
    if (result !== NO_STATUS) this.status(clientId, msg, result);
  }

  /** DATA/STATUS from an object owner back to the caller named by peer. */
  private relay(clientId: number, msg: UbusMessage, frame: Buffer): number {
    const objid = getU32(msg, Attr.OBJID);
    if (objid === undefined) return NO_STATUS;
    if (msg.type === MessageType.STATUS && getU32(msg, Attr.STATUS) === undefined) return NO_STATUS;
    if (msg.type === MessageType.DATA && getFields(msg, Attr.DATA) === undefined) return NO_STATUS;
    if (this.objects.get(objid)?.owner !== clientId || !this.clients.has(msg.peer)) return NO_STATUS;
    const out = Buffer.from(frame);
    out.writeUInt32BE(objid, 4);
    this.send(msg.peer, out);
    return NO_STATUS;
  }

  /** The same bytes come back as DATA, then STATUS 0. */
  private ping(clientId: number, frame: Buffer): number {
    const echo = Buffer.from(frame);
    echo.writeUInt8(MessageType.DATA, 1);
    this.send(clientId, echo);
    return UbusStatus.OK;
  }

  private describeObject(o: BrokerObject & { type: ObjType; path: string }): UbusAttr[] {
    return [stringAttr(Attr.OBJPATH, o.path), u32Attr(Attr.OBJID, o.id), u32Attr(Attr.OBJTYPE, o.type.id), blobmsgAttr(Attr.SIGNATURE, o.type.methods)];
  }

  private lookup(clientId: number, msg: UbusMessage): number {
    const hasPath = msg.attrs.some((a) => a.id === Attr.OBJPATH);
    const path = getString(msg, Attr.OBJPATH);
    if (hasPath && (path === undefined || path === '')) return UbusStatus.INVALID_ARGUMENT;
    const named = [...this.objects.values()].filter((o): o is BrokerObject & { path: string } => o.path !== undefined);
    named.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
    let matches = named;
    if (path !== undefined) {
      matches = path.endsWith('*') ? named.filter((o) => o.path.startsWith(path.slice(0, -1))) : named.filter((o) => o.path === path);
      if (matches.length === 0) return UbusStatus.NOT_FOUND;
    }
    for (const o of matches) {
      if (o.type !== undefined) this.data(clientId, msg, this.describeObject(o as BrokerObject & { type: ObjType; path: string }));
    }
    return UbusStatus.OK;
  }

  private invoke(clientId: number, msg: UbusMessage): number {
    const objid = getU32(msg, Attr.OBJID);
    const method = getString(msg, Attr.METHOD);
    if (objid === undefined || method === undefined) return UbusStatus.INVALID_ARGUMENT;
    if (objid === EVENT_OBJECT_ID) {
      const data = getFields(msg, Attr.DATA) ?? [];
      if (method === 'register') return this.events.register(clientId, data);
      if (method === 'send') return this.events.send(clientId, data);
      return UbusStatus.INVALID_COMMAND;
    }
    if (objid < 1024) return objid === 2 || objid === 3 ? UbusStatus.NOT_SUPPORTED : UbusStatus.NOT_FOUND;
    const obj = this.objects.get(objid);
    if (obj === undefined) return UbusStatus.NOT_FOUND;
    const attrs: UbusAttr[] = [u32Attr(Attr.OBJID, objid), stringAttr(Attr.METHOD, method), stringAttr(Attr.USER, this.user), stringAttr(Attr.GROUP, this.group)];
    const data = getFields(msg, Attr.DATA);
    if (data !== undefined) attrs.push(blobmsgAttr(Attr.DATA, data));
    this.send(obj.owner, buildMessage(MessageType.INVOKE, msg.seq, clientId, attrs));
    return NO_STATUS;
  }

  private createType(signature: BlobmsgField[]): ObjType | undefined {
    if (signature.some((m) => m.value.type === 'invalid' || m.name === '')) return undefined;
    const type: ObjType = { id: this.newId((i) => this.types.has(i)), methods: signature, refs: 0 };
    this.types.set(type.id, type);
    return type;
  }

  private addObject(clientId: number, msg: UbusMessage): number {
    const path = getString(msg, Attr.OBJPATH);
    const typeId = getU32(msg, Attr.OBJTYPE);
    const signature = getFields(msg, Attr.SIGNATURE);
    if (path !== undefined && [...this.objects.values()].some((o) => o.path === path)) return UbusStatus.INVALID_ARGUMENT;
    let type: ObjType | undefined;
    if (typeId !== undefined) type = this.types.get(typeId);
    else if (signature !== undefined) {
      type = this.createType(signature);
      if (type === undefined) return UbusStatus.INVALID_ARGUMENT;
    }
    const obj: BrokerObject = { id: this.newId((i) => this.objects.has(i)), path, type, owner: clientId, subscribers: [], targets: new Set(), invokeSeq: 0 };
    if (type !== undefined) type.refs++;
    this.objects.set(obj.id, obj);
    this.clients.get(clientId)?.objects.unshift(obj.id);
    const reply = [u32Attr(Attr.OBJID, obj.id)];
    if (signature !== undefined && type !== undefined) reply.push(u32Attr(Attr.OBJTYPE, type.id));
    this.data(clientId, msg, reply);
    if (path !== undefined) this.events.announce(true, obj.id, path);
    return UbusStatus.OK;
  }

  private removeObject(clientId: number, msg: UbusMessage): number {
    const objid = getU32(msg, Attr.OBJID);
    if (objid === undefined) return UbusStatus.INVALID_ARGUMENT;
    const obj = this.objects.get(objid);
    if (obj === undefined) return UbusStatus.NOT_FOUND;
    if (obj.owner !== clientId) return UbusStatus.PERMISSION_DENIED;
    const reply = [u32Attr(Attr.OBJID, obj.id)];
    if (obj.type !== undefined && obj.type.refs === 1) reply.push(u32Attr(Attr.OBJTYPE, obj.type.id));
    this.data(clientId, msg, reply);
    this.freeObject(obj.id);
    return UbusStatus.OK;
  }

  private freeObject(id: number): void {
    const obj = this.objects.get(id);
    if (obj === undefined) return;
    for (const target of [...obj.targets]) this.dropSubscription(id, target);
    for (const subId of obj.subscribers) {
      const sub = this.objects.get(subId);
      if (sub === undefined) continue;
      sub.targets.delete(id);
      sub.invokeSeq = (sub.invokeSeq + 1) & 0xffff;
      this.send(sub.owner, buildMessage(MessageType.UNSUBSCRIBE, sub.invokeSeq, 0, [u32Attr(Attr.OBJID, subId), u32Attr(Attr.TARGET, id)]));
    }
    obj.subscribers = [];
    this.events.dropObject(id);
    if (obj.path !== undefined) this.events.announce(false, id, obj.path);
    this.objects.delete(id);
    const owner = this.clients.get(obj.owner);
    if (owner !== undefined) owner.objects = owner.objects.filter((o) => o !== id);
    if (obj.type !== undefined && --obj.type.refs === 0) this.types.delete(obj.type.id);
  }

  private notifyActive(target: BrokerObject): void {
    target.invokeSeq = (target.invokeSeq + 1) & 0xffff;
    this.send(target.owner, buildMessage(MessageType.NOTIFY, target.invokeSeq, 0, [
      u32Attr(Attr.OBJID, target.id), u8Attr(Attr.ACTIVE, target.subscribers.length > 0 ? 1 : 0),
    ]));
  }

  private dropSubscription(subId: number, targetId: number): void {
    this.objects.get(subId)?.targets.delete(targetId);
    const target = this.objects.get(targetId);
    if (target === undefined) return;
    const before = target.subscribers.length;
    target.subscribers = target.subscribers.filter((s) => s !== subId);
    if (before > 0 && target.subscribers.length === 0) this.notifyActive(target);
  }

  private subscribe(clientId: number, msg: UbusMessage): number {
    const subId = getU32(msg, Attr.OBJID);
    const targetId = getU32(msg, Attr.TARGET);
    if (subId === undefined || targetId === undefined) return UbusStatus.INVALID_ARGUMENT;
    const sub = this.objects.get(subId);
    if (sub === undefined) return UbusStatus.NOT_FOUND;
    const target = this.objects.get(targetId);
    if (target === undefined) return UbusStatus.NOT_FOUND;
    if (sub.owner !== clientId || target.owner === clientId) return UbusStatus.INVALID_ARGUMENT;
    if (sub.targets.has(targetId)) return UbusStatus.OK;
    sub.targets.add(targetId);
    target.subscribers.unshift(subId);
    if (target.subscribers.length === 1) this.notifyActive(target);
    return UbusStatus.OK;
  }

  private unsubscribe(clientId: number, msg: UbusMessage): number {
    const subId = getU32(msg, Attr.OBJID);
    const targetId = getU32(msg, Attr.TARGET);
    if (subId === undefined || targetId === undefined) return UbusStatus.INVALID_ARGUMENT;
    const sub = this.objects.get(subId);
    if (sub === undefined) return UbusStatus.NOT_FOUND;
    if (sub.owner !== clientId) return UbusStatus.INVALID_ARGUMENT;
    if (!sub.targets.has(targetId)) return UbusStatus.NOT_FOUND;
    this.dropSubscription(subId, targetId);
    return UbusStatus.OK;
  }

  private notify(clientId: number, msg: UbusMessage): number {
    const objid = getU32(msg, Attr.OBJID);
    const method = getString(msg, Attr.METHOD);
    if (objid === undefined || method === undefined) return UbusStatus.INVALID_ARGUMENT;
    const obj = this.objects.get(objid);
    if (obj === undefined) return UbusStatus.NOT_FOUND;
    if (obj.owner !== clientId) return UbusStatus.PERMISSION_DENIED;
    const noReply = (getU8(msg, Attr.NO_REPLY) ?? 0) !== 0;
    if (!noReply) {
      this.send(clientId, buildMessage(MessageType.STATUS, msg.seq, msg.peer, [
        u32Attr(Attr.OBJID, objid), idsAttr(Attr.SUBSCRIBERS, obj.subscribers), u32Attr(Attr.STATUS, UbusStatus.OK),
      ]));
    }
    const data = getFields(msg, Attr.DATA);
    for (const subId of obj.subscribers) {
      const sub = this.objects.get(subId);
      if (sub === undefined) continue;
      const attrs: UbusAttr[] = noReply ? [u8Attr(Attr.NO_REPLY, 1)] : [];
      attrs.push(u32Attr(Attr.OBJID, subId), stringAttr(Attr.METHOD, method), stringAttr(Attr.USER, this.user), stringAttr(Attr.GROUP, this.group));
      if (data !== undefined) attrs.push(blobmsgAttr(Attr.DATA, data));
      this.send(sub.owner, buildMessage(MessageType.INVOKE, msg.seq, clientId, attrs));
    }
    return NO_STATUS;
  }
}
