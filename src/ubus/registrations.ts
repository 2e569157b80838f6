// What a client has registered with ubusd and must register again after ubusd restarts: its
// objects (ADD_OBJECT with signature), event listeners (anonymous object + "register" on the
// event object per pattern) and subscriptions (anonymous object + SUBSCRIBE to a target).
// Invariants: each registration is re-created in the same message order as the first time
// (ids change, handles follow); the local object is known before ubusd's STATUS is processed, so
// an INVOKE arriving right behind the ADD_OBJECT reply finds it; publishing waits for ubusd's
// STATUS and then one STATUS per subscriber it listed, all within one bound.
import { type BlobmsgField } from './blobmsg.js';
import { toBlobmsgFields } from './blobmsg-js.js';
import { type UbusConnection, type PendingRequest } from './connection.js';
import {
  Attr, EVENT_OBJECT_ID, type UbusAttr, type UbusMessage, MessageType,
  blobmsgAttr, getIds, getU32, stringAttr, u32Attr, u8Attr,
} from './message.js';
import { type LocalObject, type MethodHandler, type ObjectSpec, type UbusPayload, type UbusRequest, methodTable, signatureFields } from './server-object.js';
import { UbusError, UbusStatus, statusError } from './status.js';

/** What registrations need from the client that owns them. */
export interface RegistrationHost {
  connection(): UbusConnection;
  readonly objects: Map<number, LocalObject>;
  readonly timeoutMs: number;
  lookupId(path: string, timeoutMs?: number): Promise<number>;
}

export interface Registration {
  /** (Re)creates the registration on the host's current connection. */
  attach(): Promise<void>;
}

/** Sends a request to ubusd; non-zero status throws. `onData` runs synchronously per DATA. */
export async function ask(host: RegistrationHost, type: number, peer: number, attrs: UbusAttr[], what: string, onData?: (m: UbusMessage) => void): Promise<UbusMessage[]> {
  const res = await host.connection().request(type, peer, attrs, {
    timeoutMs: host.timeoutMs,
    onReply: (m) => {
      if (m.type === MessageType.DATA) onData?.(m);
      return m.type === MessageType.STATUS;
    },
  });
  if (res.status !== UbusStatus.OK) throw statusError(res.status, what);
  return res.replies;
}

/** ADD_OBJECT; the local object is installed as soon as ubusd's DATA names its id. */
async function addObject(host: RegistrationHost, attrs: UbusAttr[], local: Omit<LocalObject, 'id'>, what: string): Promise<{ id: number; typeId: number | undefined }> {
  let id: number | undefined;
  let typeId: number | undefined;
  await ask(host, MessageType.ADD_OBJECT, 0, attrs, what, (m) => {
    id = getU32(m, Attr.OBJID);
    typeId = getU32(m, Attr.OBJTYPE);
    if (id !== undefined) host.objects.set(id, { ...local, id });
  });
  if (id === undefined) throw new UbusError(UbusStatus.NO_DATA, `${what}: ubusd answered without an object id`);
  return { id, typeId };
}

async function removeObject(host: RegistrationHost, id: number, what: string): Promise<void> {
  host.objects.delete(id);
  await ask(host, MessageType.REMOVE_OBJECT, 0, [u32Attr(Attr.OBJID, id)], what);
}

/** Runs the steps after an anonymous ADD_OBJECT; on failure removes that object again. */
async function undoOnFailure(host: RegistrationHost, id: number, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (err) {
    await removeObject(host, id, 'removing a half-registered object').catch(() => undefined);
    throw err;
  }
}

export interface NotifyOptions {
  timeoutMs?: number;
  /** Fire and forget: ubusd sends no STATUS and subscribers don't answer. */
  noReply?: boolean;
}

export interface NotifyResult {
  /** Subscriber object ids ubusd delivered to. */
  subscribers: number[];
  /** Status each subscriber answered (missing when noReply). */
  statuses: Map<number, number>;
}

/** An object we publish under a path. */
export class ObjectRegistration implements Registration {
  private _id = 0;
  private _typeId: number | undefined;

  constructor(private readonly host: RegistrationHost, readonly spec: ObjectSpec) {}

  get id(): number {
    return this._id;
  }
  get typeId(): number | undefined {
    return this._typeId;
  }
  get path(): string {
    return this.spec.path;
  }
  get hasSubscribers(): boolean {
    return this.host.objects.get(this._id)?.hasSubscribers ?? false;
  }

  async attach(): Promise<void> {
    const attrs = [stringAttr(Attr.OBJPATH, this.spec.path), blobmsgAttr(Attr.SIGNATURE, signatureFields(this.spec))];
    const local = { path: this.spec.path, methods: methodTable(this.spec), wildcard: undefined, hasSubscribers: false, onSubscribers: this.spec.onSubscribers };
    const { id, typeId } = await addObject(this.host, attrs, local, `registering ubus object ${JSON.stringify(this.spec.path)}`);
    this._id = id;
    this._typeId = typeId;
  }

  async detach(): Promise<void> {
    await removeObject(this.host, this._id, `removing ubus object ${JSON.stringify(this.spec.path)}`);
  }

  /** Publishes a notification to the object's subscribers (libubus ubus_notify). */
  async notify(type: string, data?: UbusPayload, options: NotifyOptions = {}): Promise<NotifyResult> {
    const conn = this.host.connection();
    const attrs = [u32Attr(Attr.OBJID, this._id), stringAttr(Attr.METHOD, type), blobmsgAttr(Attr.DATA, toBlobmsgFields(data, 'notification'))];
    if (options.noReply === true) {
      conn.post(MessageType.NOTIFY, this._id, [...attrs, u8Attr(Attr.NO_REPLY, 1)]);
      return { subscribers: [], statuses: new Map() };
    }
    const target = this._id;
    let subscribers: number[] = [];
    const statuses = new Map<number, number>();
    let ubusdStatus: number | undefined;
    const onReply = (m: UbusMessage, pending: PendingRequest): boolean => {
      if (m.type !== MessageType.STATUS) return false;
      const status = getU32(m, Attr.STATUS) ?? UbusStatus.UNKNOWN_ERROR;
      if (ubusdStatus === undefined) {
        // ubusd's own answer comes first (peer = our object) and lists who got the notification.
        ubusdStatus = status;
        subscribers = getIds(m, Attr.SUBSCRIBERS) ?? [];
        for (const s of subscribers) pending.peers.add(s);
        return status !== UbusStatus.OK || subscribers.length === 0;
      }
      statuses.set(m.peer, status);
      return subscribers.every((s) => statuses.has(s));
    };
    await conn.request(MessageType.NOTIFY, target, attrs, { timeoutMs: options.timeoutMs ?? this.host.timeoutMs, onReply });
    if (ubusdStatus !== undefined && ubusdStatus !== UbusStatus.OK) throw statusError(ubusdStatus, `notifying ${JSON.stringify(type)} on ${JSON.stringify(this.spec.path)}`);
    return { subscribers, statuses };
  }
}

export type EventHandler = (event: string, data: Record<string, unknown>, req: UbusRequest) => void | Promise<void>;

/** An event listener: anonymous object plus one "register" call per pattern. */
export class ListenerRegistration implements Registration {
  private _id = 0;

  constructor(private readonly host: RegistrationHost, readonly patterns: readonly string[], private readonly handler: EventHandler) {}

  get id(): number {
    return this._id;
  }

  async attach(): Promise<void> {
    const wildcard: MethodHandler = async (req) => {
      await this.handler(req.method, req.args, req);
    };
    const { id } = await addObject(this.host, [], { path: undefined, methods: new Map(), wildcard, hasSubscribers: false }, 'creating an event listener object');
    this._id = id;
    await undoOnFailure(this.host, id, () => this.registerPatterns(id));
  }

  private async registerPatterns(id: number): Promise<void> {
    for (const pattern of this.patterns) {
      const data: BlobmsgField[] = [
        { name: 'object', value: { type: 'int32', value: id } },
        { name: 'pattern', value: { type: 'string', value: pattern } },
      ];
      await ask(this.host, MessageType.INVOKE, EVENT_OBJECT_ID,
        [u32Attr(Attr.OBJID, EVENT_OBJECT_ID), stringAttr(Attr.METHOD, 'register'), blobmsgAttr(Attr.DATA, data)],
        `listening for ubus events ${JSON.stringify(pattern)}`);
    }
  }

  async detach(): Promise<void> {
    await removeObject(this.host, this._id, 'removing an event listener object');
  }
}

export interface SubscribeOptions {
  /** The watched object went away (ubusd's UNSUBSCRIBE); the subscription is then dead. */
  onRemove?: () => void;
}

/** A subscription: anonymous object, LOOKUP of the target, SUBSCRIBE. */
export class SubscriptionRegistration implements Registration {
  private _id = 0;
  private _target = 0;

  constructor(private readonly host: RegistrationHost, readonly path: string, private readonly handler: EventHandler, private readonly options: SubscribeOptions) {}

  get id(): number {
    return this._id;
  }
  get target(): number {
    return this._target;
  }

  async attach(): Promise<void> {
    const wildcard: MethodHandler = async (req) => {
      await this.handler(req.method, req.args, req);
    };
    const onTargetGone = (): void => this.options.onRemove?.();
    const { id } = await addObject(this.host, [], { path: undefined, methods: new Map(), wildcard, hasSubscribers: false, onTargetGone }, 'creating a subscriber object');
    this._id = id;
    await undoOnFailure(this.host, id, async () => {
      this._target = await this.host.lookupId(this.path);
      await ask(this.host, MessageType.SUBSCRIBE, 0, [u32Attr(Attr.OBJID, id), u32Attr(Attr.TARGET, this._target)], `subscribing to ${JSON.stringify(this.path)}`);
    });
  }

  async detach(): Promise<void> {
    await ask(this.host, MessageType.UNSUBSCRIBE, 0, [u32Attr(Attr.OBJID, this._id), u32Attr(Attr.TARGET, this._target)], `unsubscribing from ${JSON.stringify(this.path)}`)
      .catch(() => undefined); // the target may be gone already; the object removal below is what matters
    await removeObject(this.host, this._id, 'removing a subscriber object');
  }
}
