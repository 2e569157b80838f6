// The broker's event object (id 1): listeners register patterns on their anonymous objects,
// `send` delivers an event to every matching listener object, and the broker announces objects
// coming and going (ubus.object.add / ubus.object.remove) the same way.
// Invariants (ubusd_event.c behaviour): a pattern ending in `*` is a prefix match (`*` alone
// matches all); patterns are visited in byte order; an object gets one copy of an event even
// when several of its patterns match; the sender's own objects never get its event; each
// delivered copy takes the next value of one broker-wide counter as its seq (starting at 1).
import { type BlobmsgField } from './blobmsg.js';
import { Attr, type UbusMessage, MessageType, blobmsgAttr, buildMessage, stringAttr, u32Attr } from './message.js';
import { UbusStatus } from './status.js';

interface Registration {
  key: string;
  partial: boolean;
  objectId: number;
}

/** What the event registry needs to know about objects and clients. */
export interface EventHost {
  /** Owner client id of an object, undefined when there is no such object. */
  ownerOf(objectId: number): number | undefined;
  /** Queues a message for a client. */
  deliver(clientId: number, msg: UbusMessage): void;
}

/** blobmsg_parse for one policy entry: the last member with that name and type. */
function member(fields: readonly BlobmsgField[], name: string, type: BlobmsgField['value']['type']): BlobmsgField['value'] | undefined {
  let found: BlobmsgField['value'] | undefined;
  for (const f of fields) if (f.name === name && f.value.type === type) found = f.value;
  return found;
}

export class EventRegistry {
  private registrations: Registration[] = [];
  private seq = 1;

  constructor(private readonly host: EventHost) {}

  /** `register {object, pattern}` from client `clientId`; returns the status. */
  register(clientId: number, data: readonly BlobmsgField[]): number {
    const object = member(data, 'object', 'int32');
    const pattern = member(data, 'pattern', 'string');
    if (object?.type !== 'int32' || pattern?.type !== 'string') return UbusStatus.INVALID_ARGUMENT;
    const id = object.value >>> 0;
    if (id < 1024) return UbusStatus.PERMISSION_DENIED;
    const owner = this.host.ownerOf(id);
    if (owner === undefined) return UbusStatus.NOT_FOUND;
    if (owner !== clientId) return UbusStatus.PERMISSION_DENIED;
    if (pattern.value === '') return UbusStatus.PERMISSION_DENIED;
    const partial = pattern.value.endsWith('*');
    const key = partial ? pattern.value.slice(0, -1) : pattern.value;
    this.registrations.push({ key, partial, objectId: id });
    // Stable sort: byte order of the pattern, registration order among equals (avl with dups).
    this.registrations.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return UbusStatus.OK;
  }

  /** `send {id, data}` from client `clientId`; returns the status. */
  send(clientId: number, data: readonly BlobmsgField[]): number {
    const id = member(data, 'id', 'string');
    const payload = member(data, 'data', 'table');
    if (id?.type !== 'string' || payload?.type !== 'table') return UbusStatus.INVALID_ARGUMENT;
    if (id.value.startsWith('ubus.')) return UbusStatus.PERMISSION_DENIED;
    this.publish(clientId, id.value, payload.children);
    return UbusStatus.OK;
  }

  /** Delivers an event; `fromClient` 0 = the broker itself (reaches everybody). */
  publish(fromClient: number, event: string, data: BlobmsgField[]): void {
    const seen = new Set<number>();
    for (const r of this.registrations) {
      if (r.partial ? !event.startsWith(r.key) : event !== r.key) continue;
      if (seen.has(r.objectId)) continue;
      seen.add(r.objectId);
      const owner = this.host.ownerOf(r.objectId);
      if (owner === undefined || owner === fromClient) continue;
      const msg = buildMessage(MessageType.INVOKE, this.seq, 0, [
        u32Attr(Attr.OBJID, r.objectId), stringAttr(Attr.METHOD, event), blobmsgAttr(Attr.DATA, data),
      ]);
      this.seq = (this.seq + 1) & 0xffff;
      this.host.deliver(owner, msg);
    }
  }

  /** ubus.object.add / ubus.object.remove for an object with a path. */
  announce(added: boolean, objectId: number, path: string): void {
    this.publish(0, added ? 'ubus.object.add' : 'ubus.object.remove', [
      { name: 'id', value: { type: 'int32', value: objectId } },
      { name: 'path', value: { type: 'string', value: path } },
    ]);
  }

  /** Forgets every pattern of a removed object. */
  dropObject(objectId: number): void {
    this.registrations = this.registrations.filter((r) => r.objectId !== objectId);
  }
}
