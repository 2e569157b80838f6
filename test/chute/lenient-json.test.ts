// Lenient JSON reading: JSON5 syntax, fragments of the chapter's figures, syntax errors, duplicate keys.
import test from 'ava';
import { parseLenientJson } from '../../src/chute/lenient-json.js';
import { ParadropError } from '../../src/errors.js';

// Figure 1.4 exactly as printed: no outer braces, and "net" never closed.
const FIG_1_4 = `"disk": {
  "size": 123456
},
"net": {
  "wan": {
  "type": "wan",
  "intfName": "eth0",
  "ipaddr": "10.100.10.1",
  "netmask": "255.255.255.0"
},
"wifi": {
  "type": "wifi",
  "intfName": "eth1",
  "ipaddr": "10.100.11.1",
  "netmask": "255.255.255.0",
  "ssid": "SecCam",
  "encryption": "psk2",
  "key": "noOneCanHackThis"
}`;

// Figure 1.5 as printed: a list without its brackets.
const FIG_1_5 = `{
    "name":"www",
    "path":"/srv/www"
}, {
    "name":"root",
    "path":"/root"
}`;

function syntaxMessage(text: string, expect?: 'object' | 'array'): string {
  try {
    parseLenientJson(text, 'Chute.struct', expect);
  } catch (err) {
    if (err instanceof ParadropError && err.code === 'JSON_SYNTAX') return err.message;
    throw err;
  }
  return 'parsed';
}

test('lenient JSON: comments, single quotes, trailing commas, unquoted keys, BOM', (t) => {
  const text = "\uFEFF// a chute part\n{ cpu: '@resource.cpu.DEFAULT', /* inline */ \"wan\": {down: 1, up: 2,}, }";
  t.deepEqual(parseLenientJson(text, 'F', 'object'), {
    value: { cpu: '@resource.cpu.DEFAULT', wan: { down: 1, up: 2 } },
    notes: [],
  });
});

test('lenient JSON: NaN and Infinity parse (the validators reject them)', (t) => {
  const { value } = parseLenientJson('{a: NaN, b: -Infinity, c: 0x10}', 'F');
  t.deepEqual(value, { a: NaN, b: -Infinity, c: 16 });
});

test('lenient JSON: a struct fragment is wrapped in { }', (t) => {
  const r = parseLenientJson(`${FIG_1_4}\n}`, 'Chute.struct', 'object');
  t.deepEqual(Object.keys(r.value as object), ['disk', 'net']);
  t.deepEqual(r.notes, ['Chute.struct: read as an object fragment inside { }']);
});

test('lenient JSON: a list fragment is wrapped in [ ]', (t) => {
  const r = parseLenientJson(FIG_1_5, 'Chute.files', 'array');
  t.deepEqual(r.value, [{ name: 'www', path: '/srv/www' }, { name: 'root', path: '/root' }]);
  t.deepEqual(r.notes, ['Chute.files: read as a list fragment inside [ ]']);
});

test('lenient JSON: the list fragment is found even when an object was expected', (t) => {
  t.true(Array.isArray(parseLenientJson(FIG_1_5, 'F', 'object').value));
});

test('lenient JSON: an empty file', (t) => {
  t.deepEqual(parseLenientJson(' // nothing\n', 'Chute.traffic', 'array'), { value: [], notes: ['Chute.traffic: read as an empty file inside [ ]'] });
});

test('lenient JSON: Figure 1.4 as printed names the brace never closed', (t) => {
  t.is(syntaxMessage(FIG_1_4, 'object'),
    'Chute.struct:19:2: invalid end of input (the "{" at line 4, column 8 is never closed) (read as a fragment inside { })');
});

const errors: Array<[string, string]> = [
  ['{"a": 1,, }', 'Chute.struct:1:9: invalid character \',\''],
  ['{\n  "a": 1\n  "b": 2\n}', 'Chute.struct:3:3: invalid character \'\\"\''],
  ['{"a": [1, 2}', 'Chute.struct:1:12: invalid character \'}\''],
  ['{"a": 1} trailing', 'Chute.struct:1:10: invalid character \'t\''],
  ['{"a": \'x\ny\'}', 'Chute.struct:1:9: invalid character \'\\n\''],
];
for (const [text, message] of errors) {
  test(`lenient JSON: syntax error in ${JSON.stringify(text)}`, (t) => {
    t.is(syntaxMessage(text, 'object'), message);
  });
}

test('lenient JSON: the error carries file, line and column', (t) => {
  const err = t.throws(() => parseLenientJson('{\n  a: 1,,\n}', 'dir/Chute.resource', 'object'), { instanceOf: ParadropError });
  t.is(err.code, 'JSON_SYNTAX');
  t.is(err.path, 'dir/Chute.resource');
  t.deepEqual(err.value, { line: 2, column: 8 });
});

const duplicates: Array<[string, string]> = [
  ['{"cpu": 1, cpu: 2}', 'F:1:12: duplicate key "cpu" (first at line 1, column 2); JSON would silently keep only the last one'],
  ['{net: {wifi: {}, \n "wifi": {}}}', 'F:2:2: duplicate key "wifi" in net (first at line 1, column 8); JSON would silently keep only the last one'],
  ['[{a: 1}, {b: 1, \'b\': 2}]', 'F:1:17: duplicate key "b" in [1] (first at line 1, column 11); JSON would silently keep only the last one'],
  ['"k": 1, "\\u006b": 2', 'F:1:9: duplicate key "k" (first at line 1, column 1); JSON would silently keep only the last one'],
];
for (const [text, message] of duplicates) {
  test(`lenient JSON: duplicate keys in ${JSON.stringify(text)}`, (t) => {
    const err = t.throws(() => parseLenientJson(text, 'F', 'object'), { instanceOf: ParadropError });
    t.is(err.code, 'JSON_SYNTAX');
    t.is(err.message, message);
  });
}

test('lenient JSON: the same key in sibling objects, strings and comments is no duplicate', (t) => {
  const text = '{a: {x: 1}, b: {x: 2}, c: "x: 1, x: 2", /* x: 3 */ d: [{x: 1}, {x: 2}]}';
  t.notThrows(() => parseLenientJson(text, 'F'));
});

test('lenient JSON: "__proto__" is an own key, not the prototype', (t) => {
  const { value } = parseLenientJson('{"__proto__": {"polluted": true}}', 'F');
  t.deepEqual(Object.keys(value as object), ['__proto__']);
  t.is(Object.getPrototypeOf(value), Object.prototype);
  t.is(({} as Record<string, unknown>).polluted, undefined);
});

test('lenient JSON: hostile nesting is a syntax error naming where it goes too deep', (t) => {
  t.is(syntaxMessage('['.repeat(100_000), 'array'), 'Chute.struct:1:1001: brackets nested deeper than 1000');
  t.is(syntaxMessage(`"net": ${'{"a": '.repeat(100_000)}`, 'object'),
    'Chute.struct:1:6008: brackets nested deeper than 1000 (read as a fragment inside { })');
});

test('lenient JSON: a stray closing brace in a fragment is named where it stands', (t) => {
  t.is(syntaxMessage('"disk": {"size": 1}},\n"net": {}', 'object'),
    "Chute.struct:1:20: invalid character '}' (read as a fragment inside { })");
});

test('lenient JSON: lines end at CR LF; a BOM does not count as a column', (t) => {
  t.is(syntaxMessage('\uFEFF{\r\n  "a": 1,\r\n  "b" 2\r\n}', 'object'), "Chute.struct:3:7: invalid character '2'");
});
