// JSON text and JS values to blobmsg and back, beyond the captured vectors: json-c leniency and
// limits, JS number typing, typed markers, and conversion errors.
import test from 'ava';
import { encodeBlobmsgFields } from '../../src/ubus/blobmsg.js';
import { parseJsonToBlobmsg } from '../../src/ubus/blobmsg-json.js';
import { asDouble, asInt16, asInt64, fromBlobmsgFields, toBlobmsgFields } from '../../src/ubus/blobmsg-js.js';
import { formatBlobmsgJson, formatDoubleLf } from '../../src/ubus/blobmsg-format.js';
import { UbusError } from '../../src/ubus/status.js';
import { typedView } from './vectors.js';

const lenient: Array<[string, string, string]> = [
  ['comments', '{/* c */"a":1 // end\n}', '{"a":1}'],
  ['single quotes', "{'a':'x'}", '{"a":"x"}'],
  ['literal case', '{"t":TRUE,"n":Null}', '{"t":true,"n":null}'],
  ['trailing comma in array', '{"a":[1,2,]}', '{"a":[1,2]}'],
  ['text after the object', '{"a":1} trailing', '{"a":1}'],
  ['NaN and Infinity', '{"n":NaN,"i":-Infinity}', '{"n":nan,"i":-inf}'],
  ['surrogate pair', '{"e":"\\ud83d\\ude00"}', '{"e":"\u{1f600}"}'],
  ['lone surrogate', '{"e":"\\ud83d"}', '{"e":"\ufffd"}'],
  ['key cut at NUL, then merged', '{"a\\u0000x":1,"a":2}', '{"a":2}'],
];
for (const [name, text, compact] of lenient) {
  test(`json-c text: ${name}`, (t) => {
    t.is(formatBlobmsgJson(parseJsonToBlobmsg(text)), compact);
  });
}

const rejected: Array<[string, string]> = [
  ['unquoted key', '{a:1}'],
  ['missing colon', '{"a" 1}'],
  ['bad escape', '{"a":"\\q"}'],
  ['number with trailing sign', '{"a":1-}'],
  ['unterminated', '{"a":"x'],
  ['deeper than 32 levels', `${'{"a":'.repeat(32)}1${'}'.repeat(32)}`],
  ['only whitespace', '  '],
];
for (const [name, text] of rejected) {
  test(`json-c text rejects ${name}`, (t) => {
    const err = t.throws(() => parseJsonToBlobmsg(text));
    t.is((err as UbusError).code, 'UBUS_PARSE_ERROR');
  });
}

test('json-c text: 32 levels of nesting are accepted', (t) => {
  t.notThrows(() => parseJsonToBlobmsg(`${'{"a":'.repeat(31)}1${'}'.repeat(31)}`));
});

test('JS values: numbers, bigints, booleans, null, nesting, undefined members', (t) => {
  const fields = toBlobmsgFields({
    small: 1, neg: -2147483648, big: 2147483648, frac: 0.5, bi: 5n, huge: 2n ** 70n,
    ok: true, no: false, nil: null, skip: undefined, list: [1, undefined, 'x'], when: new Date(0),
  });
  t.deepEqual(typedView(fields), [
    { name: 'small', type: 'int32', value: 1 },
    { name: 'neg', type: 'int32', value: -2147483648 },
    { name: 'big', type: 'int64', value: 2147483648 },
    { name: 'frac', type: 'double', value: 0.5 },
    { name: 'bi', type: 'int32', value: 5 },
    { name: 'huge', type: 'int64', value: Number(2n ** 63n - 1n) },
    { name: 'ok', type: 'int8/bool', value: true },
    { name: 'no', type: 'int8/bool', value: false },
    { name: 'nil', type: 'unspec', value: null },
    { name: 'list', type: 'array', value: [
      { name: '', type: 'int32', value: 1 }, { name: '', type: 'unspec', value: null }, { name: '', type: 'string', value: 'x' },
    ] },
    { name: 'when', type: 'string', value: '1970-01-01T00:00:00.000Z' },
  ]);
});

test('JS values: typed markers choose the wire type', (t) => {
  const fields = toBlobmsgFields({ h: asInt16(-2), l: asInt64(3), d: asDouble(1) });
  t.is(encodeBlobmsgFields(fields).toString('hex'),
    '8600000a00016800fffe0000' + '8400001000016c000000000000000003' + '88000010000164003ff0000000000000');
});

test('JS values: int64 beyond 2^53 comes back as bigint, others as numbers', (t) => {
  const back = fromBlobmsgFields(parseJsonToBlobmsg('{"a":9223372036854775807,"b":4294967296,"c":true}'));
  t.deepEqual(back, { a: 9223372036854775807n, b: 4294967296, c: true });
});

test('JS values: a "__proto__" member stays a plain member', (t) => {
  const back = fromBlobmsgFields(parseJsonToBlobmsg('{"__proto__":{"x":1}}'));
  t.deepEqual(Object.keys(back), ['__proto__']);
  t.is(Object.getPrototypeOf(back), Object.prototype);
});

const unsendable: Array<[string, unknown]> = [
  ['a function', { f: () => 1 }],
  ['a symbol', { s: Symbol('x') }],
  ['a top-level array', [1]],
];
for (const [name, value] of unsendable) {
  test(`JS values: ${name} is refused with its path`, (t) => {
    const err = t.throws(() => toBlobmsgFields(value as Record<string, unknown>));
    t.is((err as UbusError).code, 'UBUS_INVALID_ARGUMENT');
    t.truthy((err as UbusError).path);
  });
}

const doubles: Array<[number, string]> = [
  [0.5, '0.500000'], [2.5e-7, '0.000000'], [5e-7, '0.000000'], [5.000001e-7, '0.000001'], [-1e-9, '-0.000000'],
  [0.0000015, '0.000002'], [123456789.125, '123456789.125000'], [1e21, '1000000000000000000000.000000'], [-Infinity, '-inf'],
];
for (const [x, text] of doubles) {
  test(`%lf formatting of ${x}`, (t) => {
    t.is(formatDoubleLf(x), text);
  });
}
