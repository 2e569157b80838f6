// The lenient JSON parser on its own: what it accepts and the value it gives, what it rejects and
// where, duplicate keys, open brackets, fragments, the nesting limit and prototype keys.
import test from 'ava';
import { MAX_DEPTH, parseLenientText } from '../../src/chute/json-lenient-parser.js';

const accepted: Array<[string, string, unknown]> = [
  ['plain JSON', '{"a": [1, -2.5e3, true, false, null, "x"]}', { a: [1, -2500, true, false, null, 'x'] }],
  ['a top-level scalar', ' 42 ', 42],
  ['a top-level string', '"s"', 's'],
  ['line and block comments', '// head\n{/* a */ a: 1 /* b */, // tail\n b: 2} /* end */', { a: 1, b: 2 }],
  ['a line comment ends at CR', '{a: 1 // c\r}', { a: 1 }],
  ['single quotes', "{'a': 'it\\'s \"x\"'}", { a: 'it\'s "x"' }],
  ['unquoted keys', '{$a: 1, _b: 2, c3: 3, ünï: 4, null: 5, true: 6}', { $a: 1, _b: 2, c3: 3, ünï: 4, null: 5, true: 6 }],
  ['a key with a unicode escape', '{\\u0061b: 1}', { ab: 1 }],
  ['trailing commas', '{a: [1, 2,], b: {c: 3,},}', { a: [1, 2], b: { c: 3 } }],
  ['empty containers', '{a: {}, b: [], c: [{}, []]}', { a: {}, b: [], c: [{}, []] }],
  ['escapes', '"\\n\\t\\r\\b\\f\\v\\0\\\'\\"\\\\\\/\\u0041\\x42\\q"', '\n\t\r\b\f\v\0\'"\\/ABq'],
  ['a surrogate pair from two escapes', '"\\ud83d\\ude00"', '\u{1F600}'],
  ['line continuations', '"a\\\nb\\\r\nc\\\rd\\\u2028e"', 'abcde'],
  ['U+2028 inside a string', '"a\u2028b"', 'a\u2028b'],
  ['numbers', '[+1, .5, 5., -.5e1, 0x1F, -0X1f, 0, -0, 1E+2, 0.0]', [1, 0.5, 5, -5, 31, -31, 0, -0, 100, 0]],
  ['Infinity and NaN', '[Infinity, -Infinity, +Infinity, NaN, -NaN]', [Infinity, -Infinity, Infinity, NaN, NaN]],
  ['whitespace of every kind, BOM included', '\uFEFF\t{\u00A0a\u2028:\u3000\v1\f}\u2029\r\n', { a: 1 }],
];
for (const [title, text, value] of accepted) {
  test(`lenient parser accepts ${title}`, (t) => {
    const r = parseLenientText(text);
    t.true(r.ok, JSON.stringify(r));
    if (r.ok) t.deepEqual(r.value, value);
  });
}

// [text, reason, line, column]
const rejected: Array<[string, string, number, number]> = [
  ['', 'invalid end of input', 1, 1],
  [' // only a comment', 'invalid end of input', 1, 19],
  ['{a: 1,, }', "invalid character ','", 1, 7],
  ['[1 2]', "invalid character '2'", 1, 4],
  ['{a 1}', "invalid character '1'", 1, 4],
  ['{"a": 1} x', "invalid character 'x'", 1, 10],
  ['{1: 2}', "invalid character '1'", 1, 2],
  ['{a-b: 1}', "invalid character '-'", 1, 3],
  ['{"a": undefined}', "invalid character 'u'", 1, 7],
  ['[nul]', "invalid character ']'", 1, 5],
  ['[tru e]', "invalid character ' '", 1, 5],
  ['[nullx]', "invalid character 'x'", 1, 6],
  ['[Infinite]', "invalid character 'e'", 1, 9],
  ['[01]', "invalid character '1'", 1, 3],
  ['[1.2.3]', "invalid character '.'", 1, 5],
  ['[.]', "invalid character ']'", 1, 3],
  ['[1e]', "invalid character ']'", 1, 4],
  ['[0x]', "invalid character ']'", 1, 4],
  ['[-]', "invalid character ']'", 1, 3],
  ['[- 1]', "invalid character ' '", 1, 3],
  ['["a\nb"]', "invalid character '\\n'", 1, 4],
  ['["a\rb"]', "invalid character '\\r'", 1, 4],
  ['["a', 'invalid end of input', 1, 4],
  ['["a\\', 'invalid end of input', 1, 5],
  ['["\\01"]', "invalid character '1'", 1, 5],
  ['["\\1"]', "invalid character '1'", 1, 4],
  ['["\\u12G4"]', "invalid character 'G'", 1, 7],
  ['["\\x4"]', "invalid character '\\\"'", 1, 6],
  ['{\\u0031a: 1}', 'invalid identifier character', 1, 2],
  ['{a\\x: 1}', "invalid character 'x'", 1, 4],
  ['[1 /x]', "invalid character 'x'", 1, 5],
  ['[1 /* open', 'invalid end of input', 1, 11],
  ['[\u0001]', "invalid character '\\x01'", 1, 2],
  ['[\u{1F600}]', "invalid character '\u{1F600}'", 1, 2],
  ['{\n  "a": 1\r\n  "b": 2\n}', "invalid character '\\\"'", 3, 3],
  ['{\r  a: ,\r}', "invalid character ','", 2, 6],
];
for (const [text, reason, line, column] of rejected) {
  test(`lenient parser rejects ${JSON.stringify(text)}`, (t) => {
    const r = parseLenientText(text);
    t.false(r.ok);
    if (!r.ok) t.deepEqual([r.reason, r.line, r.column], [reason, line, column]);
  });
}

test('lenient parser: the brackets open when the text ends, outermost first', (t) => {
  const r = parseLenientText('{net: {\n  wifi: [1, {a: ');
  t.false(r.ok);
  if (r.ok) return;
  t.deepEqual([r.reason, r.line, r.column], ['invalid end of input', 2, 17]);
  t.deepEqual(r.open, [
    { char: '{', line: 1, column: 1 }, { char: '{', line: 1, column: 7 },
    { char: '[', line: 2, column: 9 }, { char: '{', line: 2, column: 13 },
  ]);
});

test('lenient parser: every duplicate key, with both positions and the path of its object', (t) => {
  const r = parseLenientText('{a: 1, b: {x: [{k: 1, "k": 2, \'k\': 3}], "x y": {z: 1, z: 2}}, "a": 2, \\u0062: 3}');
  t.true(r.ok);
  if (!r.ok) return;
  t.deepEqual(r.duplicates.map((d) => [d.key, d.parent, d.line, d.column, d.first.line, d.first.column]), [
    ['k', 'b.x[0]', 1, 23, 1, 17],
    ['k', 'b.x[0]', 1, 31, 1, 17],
    ['z', 'b["x y"]', 1, 55, 1, 49],
    ['a', '', 1, 63, 1, 2],
    ['b', '', 1, 71, 1, 8],
  ]);
});

test('lenient parser: the same key in sibling objects, strings and comments is no duplicate', (t) => {
  const r = parseLenientText('{a: {x: 1}, b: {x: 2}, c: "x: 1, x: 2", /* x: 3 */ d: [{x: 1}, {x: 2}]}');
  t.true(r.ok && r.duplicates.length === 0);
});

test('lenient parser: "__proto__" and other prototype names are own data keys', (t) => {
  const r = parseLenientText('{"__proto__": {"polluted": true}, constructor: 1, toString: {}}');
  t.true(r.ok);
  if (!r.ok) return;
  const value = r.value as Record<string, unknown>;
  t.deepEqual(Object.keys(value), ['__proto__', 'constructor', 'toString']);
  t.is(Object.getPrototypeOf(value), Object.prototype);
  t.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { polluted: true });
  t.is(({} as Record<string, unknown>).polluted, undefined);
});

const fragments: Array<[string, 'object' | 'array', string, unknown]> = [
  ['an object fragment', 'object', '"disk": {size: 1}, net: {}', { disk: { size: 1 }, net: {} }],
  ['an object fragment with a trailing comma', 'object', 'a: 1,\n', { a: 1 }],
  ['a list fragment', 'array', '{name: "www"}, {name: "root"}', [{ name: 'www' }, { name: 'root' }]],
  ['an empty object fragment', 'object', ' // nothing\n', {}],
  ['an empty list fragment', 'array', '', []],
];
for (const [title, shape, text, value] of fragments) {
  test(`lenient parser reads ${title}`, (t) => {
    const r = parseLenientText(text, shape);
    t.true(r.ok, JSON.stringify(r));
    if (r.ok) t.deepEqual(r.value, value);
  });
}

test('lenient parser: in a fragment the end of the text closes only the implicit container', (t) => {
  const r = parseLenientText('a: {b: [1,\n', 'object');
  t.false(r.ok);
  if (r.ok) return;
  t.deepEqual([r.reason, r.line, r.column], ['invalid end of input', 2, 1]);
  t.deepEqual(r.open, [{ char: '{', line: 1, column: 4 }, { char: '[', line: 1, column: 8 }]);
});

test('lenient parser: a closing bracket with nothing to close in a fragment is named where it stands', (t) => {
  const r = parseLenientText('a: 1}\n', 'object');
  t.false(r.ok);
  if (!r.ok) t.deepEqual([r.reason, r.line, r.column], ["invalid character '}'", 1, 5]);
});

test(`lenient parser: ${MAX_DEPTH} nested brackets parse, one more is an error`, (t) => {
  const ok = parseLenientText(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`);
  t.true(ok.ok);
  const deeper = parseLenientText(`${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`);
  t.false(deeper.ok);
  if (!deeper.ok) t.deepEqual([deeper.reason, deeper.line, deeper.column], [`brackets nested deeper than ${MAX_DEPTH}`, 1, MAX_DEPTH + 1]);
});

test('lenient parser: 100,000 open brackets give a clean error, not a stack overflow', (t) => {
  for (const text of ['['.repeat(100_000), '{a:'.repeat(100_000), `x: ${'[{y:'.repeat(50_000)}`]) {
    const r = parseLenientText(text, text.startsWith('x') ? 'object' : undefined);
    t.false(r.ok);
    if (!r.ok) t.is(r.reason, `brackets nested deeper than ${MAX_DEPTH}`);
  }
});

test('lenient parser: a large text is read in linear time', (t) => {
  const item = '{name: "www", path: "/srv/www", n: [1, 2.5, 0x1F], s: "a\\nb \\u0041"}, // c\n';
  const text = `[${item.repeat(20_000)}]`;
  const start = process.hrtime.bigint();
  const r = parseLenientText(text);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  t.true(r.ok && (r.value as unknown[]).length === 20_000);
  // About 1.5 MB: a few tens of milliseconds when linear; a quadratic scan would take minutes.
  t.true(ms < 2000, `${ms} ms`);
});
