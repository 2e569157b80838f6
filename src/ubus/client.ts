// A ubus client over ubusd's unix socket: lookup, call, events, objects, subscriptions, and
// staying connected. After ubusd restarts (or the socket breaks) it reconnects with back-off and
// registers again every object, listener and subscription it had, in their original order.
// Invariants: every operation is bounded (its own timeout, or the client default of 30 s like
// `ubus -t`); a request issued while disconnected waits for the reconnection within that same
// bound; INVOKEs for our objects are answered concurrently, each exactly once (server-object.ts).
import { EventEmitter } from 'node:events';
import { createConnection } from 'node:net';
import { type Duplex } from 'node:stream';
import debug from '../log.js';
import { type BlobmsgField } from './blobmsg.js';
import { type TypedBlobmsg, fromBlobmsgFields, toBlobmsgFields } from './blobmsg-js.js';
import { UbusConnection } from './connection.js';
import { Attr, EVENT_OBJECT_ID, type UbusMessage, MessageType, blobmsgAttr, getFields, getString, getU32, stringAttr, u32Attr } from './message.js';
import {
  type EventHandler, type Registration, type RegistrationHost, type SubscribeOptions,
  ListenerRegistration, ObjectRegistration, SubscriptionRegistration, ask,
} from './registrations.js';
import { type LocalObject, type ObjectSpec, handleActive, handleInvoke, handleUnsubscribe } from './server-object.js';
import { UbusError, UbusStatus, statusError } from './status.js';

const log = debug('paradrop:ubus:client');

export const DEFAULT_SOCKET = '/var/run/ubus/ubus.sock';

export interface UbusClientOptions {
  socketPath?: string;
  /** Bound for connecting and receiving HELLO. */
  connectTimeoutMs?: number;
  /** Default bound for every request (lookup, call, register...). */
  timeoutMs?: number;
  /** Reconnect after losing ubusd (default true). */
  reconnect?: boolean;
  /** Back-off between reconnection attempts: doubles from min to max. */
  reconnectDelayMs?: { min: number; max: number };
  /** Test double for the socket; by default a unix socket to socketPath. */
  createSocket?: () => Duplex;
}

export interface CallOptions {
  timeoutMs?: number;
}

export interface UbusObjectInfo {
  path: string;
  id: number;
  typeId: number | undefined;
  /** method -> argument -> blobmsg type number */
  signature: Record<string, Record<string, number>>;
}

export interface RawReply {
  status: number;
  /** Member list of each DATA reply, in order. */
  data: BlobmsgField[][];
}

export type UbusArgs = Record<string, unknown> | TypedBlobmsg;

export interface ClientEvents {
  disconnect: [Error | undefined];
  reconnect: [];
  /** Something could not be registered again after a reconnection. */
  warning: [Error];
}

function lookupInfo(m: UbusMessage): UbusObjectInfo | undefined {
  const path = getString(m, Attr.OBJPATH);
  const id = getU32(m, Attr.OBJID);
  if (path === undefined || id === undefined) return undefined;
  const sig = fromBlobmsgFields(getFields(m, Attr.SIGNATURE) ?? []) as Record<string, Record<string, number>>;
  return { path, id, typeId: getU32(m, Attr.OBJTYPE), signature: sig };
}

export class UbusClient extends EventEmitter<ClientEvents> implements RegistrationHost {
  readonly objects = new Map<number, LocalObject>();
  readonly timeoutMs: number;
  private conn: UbusConnection | undefined;
  private readonly registrations: Registration[] = [];
  private closing = false;
  private waiters: Array<() => void> = [];

  private constructor(private readonly options: UbusClientOptions) {
    super();
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Connects (bounded by connectTimeoutMs, default 5 s) and waits for ubusd's HELLO. */
  static async connect(options: UbusClientOptions = {}): Promise<UbusClient> {
    const client = new UbusClient(options);
    client.install(await client.openConnection());
    return client;
  }

  get clientId(): number {
    return this.conn?.clientId ?? 0;
  }

  get connected(): boolean {
    return this.conn !== undefined && !this.conn.isClosed;
  }

  private async openConnection(): Promise<UbusConnection> {
    const path = this.options.socketPath ?? DEFAULT_SOCKET;
    const socket = this.options.createSocket?.() ?? createConnection({ path });
    try {
      return await UbusConnection.open(socket, this.options.connectTimeoutMs ?? 5_000);
    } catch (err) {
      const e = err as UbusError;
      throw new UbusError(UbusStatus.CONNECTION_FAILED, `can't connect to ubusd at ${path}: ${e.message}`, { path, cause: err });
    }
  }

  private install(conn: UbusConnection): void {
    this.conn = conn;
    this.objects.clear();
    conn.on('message', (m) => this.onMessage(m));
    conn.on('close', (err) => this.onClose(conn, err));
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private onMessage(m: UbusMessage): void {
    const obj = this.objects.get(getU32(m, Attr.OBJID) ?? 0);
    switch (m.type) {
      case MessageType.INVOKE:
        void handleInvoke(m, obj, (reply) => this.connection().send(reply));
        break;
      case MessageType.NOTIFY:
        handleActive(m, obj);
        break;
      case MessageType.UNSUBSCRIBE:
        handleUnsubscribe(m, obj);
        break;
      default:
        log('unexpected %d message ignored', m.type);
    }
  }

  private onClose(conn: UbusConnection, err: Error | undefined): void {
    if (this.conn !== conn) return;
    this.objects.clear();
    if (this.closing) return;
    this.emit('disconnect', err);
    if (this.options.reconnect === false) return;
    void this.reconnectLoop();
  }

  private async reconnectLoop(): Promise<void> {
    const { min, max } = this.options.reconnectDelayMs ?? { min: 100, max: 5_000 };
    let delay = min;
    while (!this.closing) {
      await new Promise((r) => setTimeout(r, delay));
      if (this.closing) return;
      try {
        const conn = await this.openConnection();
        if (this.closing) {
          conn.close();
          return;
        }
        this.install(conn);
        log('reconnected as %s', conn.clientId.toString(16));
        for (const reg of [...this.registrations]) {
          // Lost again meanwhile: the loop started by that loss registers everything anew.
          if (this.conn !== conn || conn.isClosed) return;
          await reg.attach().catch((e: Error) => this.emit('warning', e));
        }
        if (this.conn === conn && !conn.isClosed) this.emit('reconnect');
        return;
      } catch (err) {
        log('reconnect failed: %s', (err as Error).message);
        delay = Math.min(delay * 2, max);
      }
    }
  }

  /** The live connection; throws CONNECTION_FAILED when there is none right now. */
  connection(): UbusConnection {
    if (this.conn === undefined || this.conn.isClosed) throw new UbusError(UbusStatus.CONNECTION_FAILED, 'not connected to ubusd');
    return this.conn;
  }

  /** Waits for a live connection, at most timeoutMs. */
  private async ready(timeoutMs: number): Promise<void> {
    if (this.connected) return;
    if (this.closing) throw new UbusError(UbusStatus.CONNECTION_FAILED, 'the ubus client is closed');
    if (this.options.reconnect === false) throw new UbusError(UbusStatus.CONNECTION_FAILED, 'not connected to ubusd (reconnecting is off)');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new UbusError(UbusStatus.TIMEOUT, `not reconnected to ubusd within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }

  /** LOOKUP: all objects (no path), one path, or a `prefix*` wildcard. */
  async lookup(path?: string, options: CallOptions = {}): Promise<UbusObjectInfo[]> {
    await this.ready(options.timeoutMs ?? this.timeoutMs);
    const attrs = path === undefined ? [] : [stringAttr(Attr.OBJPATH, path)];
    const replies = await ask(this.withTimeout(options), MessageType.LOOKUP, 0, attrs, `looking up ${path === undefined ? 'all ubus objects' : JSON.stringify(path)}`);
    return replies.filter((m) => m.type === MessageType.DATA).map(lookupInfo).filter((i): i is UbusObjectInfo => i !== undefined);
  }

  /** The id of the object at `path`; NOT_FOUND when ubusd lists none (also when an ACL hides it). */
  async lookupId(path: string, timeoutMs?: number): Promise<number> {
    const found = await this.lookup(path, { timeoutMs });
    const info = found.find((o) => o.path === path);
    if (info === undefined) throw statusError(UbusStatus.NOT_FOUND, `looking up ${JSON.stringify(path)}`, { path, value: path });
    return info.id;
  }

  private withTimeout(options: CallOptions): RegistrationHost {
    if (options.timeoutMs === undefined) return this;
    return { connection: () => this.connection(), objects: this.objects, timeoutMs: options.timeoutMs, lookupId: (p, t) => this.lookupId(p, t) };
  }

  /** INVOKE by object id; returns every DATA and the final status without judging it. */
  async invokeRaw(id: number, method: string, args: BlobmsgField[] | UbusArgs = {}, options: CallOptions = {}): Promise<RawReply> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    await this.ready(timeoutMs);
    const fields = Array.isArray(args) ? args : toBlobmsgFields(args, 'arguments');
    const res = await this.connection().request(MessageType.INVOKE, id,
      [u32Attr(Attr.OBJID, id), stringAttr(Attr.METHOD, method), blobmsgAttr(Attr.DATA, fields)], { timeoutMs });
    const data = res.replies.filter((m) => m.type === MessageType.DATA).map((m) => getFields(m, Attr.DATA) ?? []);
    return { status: res.status, data };
  }

  /** INVOKE by id: the first DATA reply as a JS object (undefined if none); a non-zero status throws. */
  async invoke(id: number, method: string, args: UbusArgs = {}, options: CallOptions = {}): Promise<Record<string, unknown> | undefined> {
    const res = await this.invokeRaw(id, method, args, options);
    if (res.status !== UbusStatus.OK) throw statusError(res.status, `calling ${method} on object ${id.toString(16)}`, { value: method });
    return res.data[0] === undefined ? undefined : fromBlobmsgFields(res.data[0]);
  }

  /** `ubus call PATH METHOD ARGS`: LOOKUP then INVOKE. */
  async call(path: string, method: string, args: UbusArgs = {}, options: CallOptions = {}): Promise<Record<string, unknown> | undefined> {
    const res = await this.callRaw(path, method, args, options);
    if (res.status !== UbusStatus.OK) throw statusError(res.status, `ubus call ${path} ${method}`, { path: `${path}.${method}`, value: method });
    return res.data[0] === undefined ? undefined : fromBlobmsgFields(res.data[0]);
  }

  async callRaw(path: string, method: string, args: BlobmsgField[] | UbusArgs = {}, options: CallOptions = {}): Promise<RawReply> {
    const started = Date.now();
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const id = await this.lookupId(path, timeoutMs);
    return this.invokeRaw(id, method, args, { timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)) });
  }

  /** `ubus send ID DATA`: an event to every listener whose pattern matches (ids `ubus.*` are ubusd's). */
  async sendEvent(event: string, data: UbusArgs = {}, options: CallOptions = {}): Promise<void> {
    await this.ready(options.timeoutMs ?? this.timeoutMs);
    const payload: BlobmsgField[] = [
      { name: 'id', value: { type: 'string', value: event } },
      { name: 'data', value: { type: 'table', children: toBlobmsgFields(data, 'event data') } },
    ];
    await ask(this.withTimeout(options), MessageType.INVOKE, EVENT_OBJECT_ID,
      [u32Attr(Attr.OBJID, EVENT_OBJECT_ID), stringAttr(Attr.METHOD, 'send'), blobmsgAttr(Attr.DATA, payload)], `sending ubus event ${JSON.stringify(event)}`);
  }

  /** PING: ubusd echoes it; proves the connection works. */
  async ping(options: CallOptions = {}): Promise<void> {
    await this.ready(options.timeoutMs ?? this.timeoutMs);
    await ask(this.withTimeout(options), MessageType.PING, 0, [], 'pinging ubusd');
  }

  private async keep<R extends Registration>(reg: R): Promise<R> {
    await this.ready(this.timeoutMs);
    await reg.attach();
    this.registrations.push(reg);
    return reg;
  }

  private forget(reg: Registration): void {
    const i = this.registrations.indexOf(reg);
    if (i >= 0) this.registrations.splice(i, 1);
  }

  /** Publishes an object; it is registered again after every reconnection. */
  async addObject(spec: ObjectSpec): Promise<UbusObject> {
    const reg = await this.keep(new ObjectRegistration(this, spec));
    return Object.assign(reg, { remove: () => this.dropRegistration(reg) });
  }

  /** Listens for events matching the patterns (`*` suffix = prefix match, `*` = all). */
  async listen(patterns: string | readonly string[], handler: EventHandler): Promise<UbusListener> {
    const list = typeof patterns === 'string' ? [patterns] : [...patterns];
    const reg = await this.keep(new ListenerRegistration(this, list, handler));
    return Object.assign(reg, { close: () => this.dropRegistration(reg) });
  }

  /** Subscribes to an object's notifications (`ubus subscribe PATH`). */
  async subscribe(path: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<UbusSubscription> {
    const reg = await this.keep(new SubscriptionRegistration(this, path, handler, options));
    return Object.assign(reg, { close: () => this.dropRegistration(reg) });
  }

  private async dropRegistration(reg: ObjectRegistration | ListenerRegistration | SubscriptionRegistration): Promise<void> {
    this.forget(reg);
    if (this.connected) await reg.detach();
  }

  /** Closes the connection for good: pending requests fail with CONNECTION_FAILED. */
  close(): void {
    this.closing = true;
    this.conn?.close();
  }
}

export type UbusObject = ObjectRegistration & { remove(): Promise<void> };
export type UbusListener = ListenerRegistration & { close(): Promise<void> };
export type UbusSubscription = SubscriptionRegistration & { close(): Promise<void> };
