// One-line text for a ubus message, for wire logs (`-->`/`<--`) and test failure messages. The
// format is the one the captured vectors use in their `decoded` field, so a log line can be
// compared with a capture by eye: `INVOKE seq=2 peer=b2c59450 objid=b2c59450 method="add" data={...}`.
import { type BlobmsgField } from './blobmsg.js';
import { fromBlobmsgFields } from './blobmsg-js.js';
import { type UbusAttr, type UbusMessage, attrName, messageTypeName } from './message.js';
import { statusName } from './status.js';

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

function jsonText(fields: BlobmsgField[]): string {
  // Only for reading: an int64 beyond 2^53 shows rounded.
  return JSON.stringify(fromBlobmsgFields(fields), (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

function describeAttr(a: UbusAttr): string {
  const name = attrName(a.id).toLowerCase();
  switch (a.kind) {
    case 'u32':
      return a.id === 1 ? `${name}=${a.value}(${statusName(a.value)})` : `${name}=${hex8(a.value)}`;
    case 'u8': return `${name}=${a.value}`;
    case 'string': return `${name}=${JSON.stringify(a.value)}`;
    case 'blobmsg': return `${name}=${jsonText(a.value)}`;
    case 'ids': return `${name}=[${a.value.map(hex8).join(',')}]`;
    case 'raw': return `${name}=<${a.value.toString('hex')}>`;
  }
}

export function describeMessage(msg: UbusMessage): string {
  const head = `${messageTypeName(msg.type)} seq=${msg.seq} peer=${hex8(msg.peer)}`;
  return [head, ...msg.attrs.map(describeAttr)].join(' ');
}
