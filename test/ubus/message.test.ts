// ubus message codec against every captured frame of vectors/ubus/sessions: decode -> `parsed`,
// decode -> encode -> same bytes, `parsed` -> encode -> same bytes, and the one-line description.
import test from 'ava';
import { type BlobmsgField } from '../../src/ubus/blobmsg.js';
import { fromBlobmsgFields, toBlobmsgFields } from '../../src/ubus/blobmsg-js.js';
import { type UbusAttr, type UbusMessage, attrName, decodeMessage, encodeMessage } from '../../src/ubus/message.js';
import { describeMessage } from '../../src/ubus/message-describe.js';
import { padLength } from '../../src/ubus/blob.js';
import { type ParsedAttr, type TypedView, hex, loadSessions, typedView, unhex } from './vectors.js';

function encodedAttrLen(msg: UbusMessage, i: number): number {
  // The header length field of the i-th attribute, read back from our own encoding.
  const bytes = encodeMessage(msg);
  let at = 12;
  for (let k = 0; k < i; k++) at += padLength(bytes.readUInt32BE(at) & 0xffffff);
  return bytes.readUInt32BE(at) & 0xffffff;
}

function viewOf(msg: UbusMessage): ParsedAttr[] {
  return msg.attrs.map((a, i): ParsedAttr => {
    const base = { id: a.id, name: attrName(a.id), len: encodedAttrLen(msg, i) };
    switch (a.kind) {
      case 'blobmsg': {
        const json = fromBlobmsgFields(a.value);
        return a.id === 7 ? { ...base, json, typed: typedView(a.value) } : { ...base, json };
      }
      case 'raw': return { ...base, hex: a.value.toString('hex') };
      default: return { ...base, value: a.value };
    }
  });
}

function fieldsFromTyped(typed: TypedView[]): BlobmsgField[] {
  return typed.map((t): BlobmsgField => {
    switch (t.type) {
      case 'int8/bool': return { name: t.name, value: { type: 'int8', value: t.value ? 1 : 0 } };
      case 'int64': return { name: t.name, value: { type: 'int64', value: BigInt(t.value as number) } };
      case 'int32': case 'int16': case 'double': return { name: t.name, value: { type: t.type, value: t.value as number } };
      case 'string': return { name: t.name, value: { type: 'string', value: t.value as string } };
      case 'unspec': return { name: t.name, value: { type: 'unspec' } };
      case 'array': case 'table': return { name: t.name, value: { type: t.type, children: fieldsFromTyped(t.value as TypedView[]) } };
      default: throw new Error(`unknown typed entry ${t.type}`);
    }
  });
}

const KIND_BY_NAME: Record<string, 'u32' | 'u8' | 'string'> = {
  STATUS: 'u32', OBJID: 'u32', OBJTYPE: 'u32', TARGET: 'u32', ACTIVE: 'u8', NO_REPLY: 'u8',
  OBJPATH: 'string', METHOD: 'string', USER: 'string', GROUP: 'string',
};

function attrFromParsed(p: ParsedAttr): UbusAttr {
  if (p.hex !== undefined) return { id: p.id, kind: 'raw', value: unhex(p.hex) };
  if (p.name === 'DATA') return { id: p.id, kind: 'blobmsg', value: fieldsFromTyped(p.typed ?? []) };
  if (p.name === 'SIGNATURE') return { id: p.id, kind: 'blobmsg', value: toBlobmsgFields(p.json as Record<string, unknown>) };
  if (p.name === 'SUBSCRIBERS') return { id: p.id, kind: 'ids', value: p.value as number[] };
  const kind = KIND_BY_NAME[p.name];
  if (kind === undefined) throw new Error(`no encoding known for ${p.name}`);
  return { id: p.id, kind, value: p.value } as UbusAttr;
}

const sessions = loadSessions();
for (const s of sessions) {
  for (const f of s.frames) {
    test(`codec ${s.name} frame ${f.index} ${f.conn} ${f.parsed.type_name}`, (t) => {
      const bytes = unhex(f.hex);
      const msg = decodeMessage(bytes);
      t.is(msg.version, f.parsed.version);
      t.is(msg.type, f.parsed.type);
      t.is(msg.seq, f.parsed.seq);
      t.is(msg.peer, f.parsed.peer);
      t.deepEqual(viewOf(msg), f.parsed.attrs, 'attributes');
      t.is(hex(encodeMessage(msg)), f.hex, 'decode then encode');
      const rebuilt: UbusMessage = { ...f.parsed, attrs: f.parsed.attrs.map(attrFromParsed) };
      t.is(hex(encodeMessage(rebuilt)), f.hex, 'encode from the capture\'s parsed view');
      t.is(describeMessage(msg), f.decoded, 'one-line description');
    });
  }
}
