// Framing of a ubus byte stream: partial reads, several messages per read, broken lengths.
import test from 'ava';
import { FrameReader } from '../../src/ubus/framing.js';
import { Attr, MessageType, UBUS_MAX_MSGLEN, buildMessage, encodeMessage, stringAttr, u32Attr } from '../../src/ubus/message.js';
import { UbusError } from '../../src/ubus/status.js';
import { ParadropError } from '../../src/errors.js';

const a = encodeMessage(buildMessage(MessageType.LOOKUP, 1, 0, [stringAttr(Attr.OBJPATH, 'demo')]));
const b = encodeMessage(buildMessage(MessageType.STATUS, 1, 0, [u32Attr(Attr.STATUS, 0)]));
const c = encodeMessage(buildMessage(MessageType.HELLO, 0, 0x1881b916, []));
const stream = Buffer.concat([a, b, c]);

const splits: Array<[string, number[]]> = [
  ['one read', [stream.length]],
  ['byte by byte', Array.from({ length: stream.length }, () => 1)],
  ['header split', [5, 7, stream.length - 12]],
  ['mid message', [a.length + 3, stream.length - a.length - 3]],
];
for (const [name, sizes] of splits) {
  test(`framing: ${name} yields the same three messages`, (t) => {
    const r = new FrameReader();
    const out: Buffer[] = [];
    let at = 0;
    for (const n of sizes) {
      out.push(...r.push(stream.subarray(at, at + n)));
      at += n;
    }
    t.deepEqual(out.map((x) => x.toString('hex')), [a, b, c].map((x) => x.toString('hex')));
    t.is(r.buffered, 0);
  });
}

test('framing: the HELLO from the protocol doc is 12 bytes', (t) => {
  t.is(c.toString('hex'), '000000001881b91600000004');
});

const broken: Array<[string, Buffer]> = [
  ['container shorter than its header', Buffer.from('000100010000000000000003', 'hex')],
  ['container above 1 MiB', (() => { const x = Buffer.alloc(12); x.writeUInt32BE(UBUS_MAX_MSGLEN + 1, 8); return x; })()],
];
for (const [name, bytes] of broken) {
  test(`framing: rejects ${name}`, (t) => {
    const err = t.throws(() => new FrameReader().push(bytes));
    t.true(err instanceof ParadropError);
    t.is((err as ParadropError).code, 'UBUS_PROTOCOL_ERROR');
  });
}

test('framing: exactly 1 MiB padded is still accepted as a length', (t) => {
  const x = Buffer.alloc(12);
  x.writeUInt32BE(UBUS_MAX_MSGLEN, 8);
  t.deepEqual(new FrameReader().push(x), []);
});

test('message: encoding more than 1 MiB fails with INVALID_ARGUMENT', (t) => {
  const big = buildMessage(MessageType.INVOKE, 1, 5, [stringAttr(Attr.METHOD, 'x'.repeat(UBUS_MAX_MSGLEN))]);
  const err = t.throws(() => encodeMessage(big));
  t.true(err instanceof UbusError);
  t.is((err as UbusError).status, 2);
});
