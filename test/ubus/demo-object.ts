// Our implementation of the captures' demo_server objects (`demo`, `demo.sub`) and of the raw
// server's `raw.srv`, on top of UbusClient, so the server-side replay can compare our replies with
// libubus's byte for byte.
import { type BlobmsgField, BLOBMSG_TYPE } from '../../src/ubus/blobmsg.js';
import { asTable } from '../../src/ubus/blobmsg-js.js';
import { type UbusClient, type UbusObject } from '../../src/ubus/client.js';
import { type ObjectSpec } from '../../src/ubus/server-object.js';
import { UbusError, UbusStatus } from '../../src/ubus/status.js';

const T = BLOBMSG_TYPE;

/** blobmsg_parse with one policy entry: the last member of that name and type, else undefined. */
function member(fields: readonly BlobmsgField[], name: string, type: BlobmsgField['value']['type']): BlobmsgField | undefined {
  let found: BlobmsgField | undefined;
  for (const f of fields) if (f.name === name && f.value.type === type) found = f;
  return found;
}

const TYPES_REPLY: BlobmsgField[] = [
  { name: 'bool_true', value: { type: 'int8', value: 1 } },
  { name: 'bool_false', value: { type: 'int8', value: 0 } },
  { name: 'int16', value: { type: 'int16', value: -2 } },
  { name: 'int32', value: { type: 'int32', value: -123456 } },
  { name: 'int64', value: { type: 'int64', value: 1099511627776n } },
  { name: 'double', value: { type: 'double', value: 3.25 } },
  { name: 'string', value: { type: 'string', value: 'tab\there "q" \u00e9' } },
  { name: 'empty', value: { type: 'string', value: '' } },
  { name: 'null', value: { type: 'unspec' } },
  { name: 'table', value: { type: 'table', children: [{ name: 'k', value: { type: 'string', value: 'v' } }] } },
  { name: 'empty_table', value: { type: 'table', children: [] } },
  { name: 'array', value: { type: 'array', children: [
    { name: '', value: { type: 'int32', value: 1 } },
    { name: '', value: { type: 'string', value: 'two' } },
    { name: '', value: { type: 'table', children: [{ name: 'x', value: { type: 'int8', value: 1 } }] } },
  ] } },
  { name: 'empty_array', value: { type: 'array', children: [] } },
];

export interface Demo {
  demo: UbusObject;
  sub: UbusObject;
  /** What demo_server logs on stderr after "demo: ready". */
  log: string[];
}

export function demoSpec(getSelf: () => UbusObject, log: string[]): ObjectSpec {
  return {
    path: 'demo',
    onSubscribers: (active) => log.push(`demo: has_subscribers=${active ? 1 : 0}`),
    methods: {
      echo: { signature: {}, handler: (req) => asTable(req.fields) },
      add: {
        signature: { a: T.INT32, b: T.INT32 },
        handler: (req) => {
          const a = member(req.fields, 'a', 'int32');
          const b = member(req.fields, 'b', 'int32');
          if (a?.value.type !== 'int32' || b?.value.type !== 'int32') throw new UbusError(UbusStatus.INVALID_ARGUMENT, 'add needs int32 a and b');
          return { sum: a.value.value + b.value.value };
        },
      },
      types: {
        signature: { s: T.STRING, i: T.INT32, b: T.BOOL, l: T.INT64, d: T.DOUBLE, t: T.TABLE, a: T.ARRAY, h: T.INT16, u: T.UNSPEC },
        handler: () => asTable(TYPES_REPLY),
      },
      multi: {
        signature: {},
        handler: (req) => {
          req.sendData({ part: 1 });
          req.sendData({ part: 2 });
        },
      },
      fail: { signature: {}, handler: () => { throw new UbusError(UbusStatus.NOT_SUPPORTED, 'fail always fails'); } },
      nodata: { signature: {}, handler: () => undefined },
      notify: {
        signature: { msg: T.STRING },
        handler: async (req) => {
          const self = getSelf();
          const msg = member(req.fields, 'msg', 'string');
          await self.notify('demo.tick', asTable(msg === undefined ? [] : [msg]));
          return { has_subscribers: self.hasSubscribers };
        },
      },
    },
  };
}

/** Registers `demo` then `demo.sub`, in that order, as demo_server does. */
export async function registerDemo(client: UbusClient): Promise<Demo> {
  const log: string[] = [];
  let demo: UbusObject | undefined;
  demo = await client.addObject(demoSpec(() => demo!, log));
  const sub = await client.addObject({ path: 'demo.sub', methods: { ping: { signature: {}, handler: () => ({ pong: 'demo.sub' }) } } });
  return { demo, sub, log };
}

/** The raw client's hand-written server: raw.srv get{key:string}. */
export async function registerRawServer(client: UbusClient): Promise<UbusObject> {
  return client.addObject({
    path: 'raw.srv',
    methods: { get: { signature: { key: T.STRING }, handler: () => ({ value: '42', cached: true }) } },
  });
}
