// The small pure helpers: did-you-mean, sizes, shell words, IPv4.
import test from 'ava';
import { editDistance, suggest, didYouMean } from '../../src/chute/suggest.js';
import { parseSize, formatBytes } from '../../src/chute/units.js';
import { splitShellWords } from '../../src/chute/shell-words.js';
import { formatIpv4, parseIpv4, prefixOfNetmask } from '../../src/chute/ipv4.js';
import { decodeUtf8, firstInvalidUtf8 } from '../../src/chute/utf8.js';

const distances: Array<[string, string, number]> = [
  ['', '', 0], ['shal', 'sha1', 1], ['dwon', 'down', 1], ['ab', 'ba', 1], ['ipadr', 'ipaddr', 1],
  ['kitten', 'sitting', 3], ['ca', 'abc', 3], ['', 'abc', 3], ['same', 'same', 0],
];
for (const [a, b, d] of distances) {
  test(`suggest: distance ${JSON.stringify(a)} ${JSON.stringify(b)} = ${d}`, (t) => {
    t.is(editDistance(a, b), d);
    t.is(editDistance(b, a), d);
  });
}

test('suggest: close names only, case-insensitive, first of a tie', (t) => {
  t.is(suggest('shal', ['name', 'sha1', 'sha256']), 'sha1');
  t.is(suggest('intfname', ['type', 'intfName']), 'intfName');
  t.is(suggest('psk3', ['none', 'psk2', 'psk']), 'psk2');
  t.is(suggest('@net.host.guest', ['@net.host.lan', '@net.host.wan']), undefined);
  t.is(suggest('zzzz', ['name']), undefined);
  t.is(suggest('x'.repeat(100), ['x'.repeat(99)]), undefined);
  t.is(didYouMean('nmae', ['name']), ' (did you mean "name"?)');
  t.is(didYouMean('qqq', ['name']), '');
});

const sizes: Array<[string, number | string]> = [
  ['512K', 524288], ['64M', 67108864], ['1G', 1073741824], ['1g', 1073741824], ['64MiB', 67108864], ['64 MB', 67108864],
  ['1.5K', 1536], ['100B', 100], ['100b', 100], [' 2T ', 2199023255552],
  ['64', 'expected a size such as "512K", "64M" or "1G" (binary units)'], ['64Q', 'expected a size such as "512K", "64M" or "1G" (binary units)'],
  ['-1M', 'expected a size such as "512K", "64M" or "1G" (binary units)'], ['1e3K', 'expected a size such as "512K", "64M" or "1G" (binary units)'],
  ['64BB', 'expected a size such as "512K", "64M" or "1G" (binary units)'], ['0.3B', 'it is not a whole number of bytes'],
  [`${'9'.repeat(30)}T`, 'it is too large'],
];
for (const [text, want] of sizes) {
  test(`units: ${JSON.stringify(text)}`, (t) => {
    const r = parseSize(text);
    t.deepEqual(r, typeof want === 'number' ? { ok: true, bytes: want } : { ok: false, reason: want });
  });
}

test('units: formatBytes', (t) => {
  t.is(formatBytes(67108864), '64M');
  t.is(formatBytes(1536), '1536 bytes');
  t.is(formatBytes(2048), '2K');
  t.is(formatBytes(1073741824), '1G');
});

const words: Array<[string, string[] | string]> = [
  ['-p 80 -h /srv/www', ['-p', '80', '-h', '/srv/www']],
  ['  a\t b\n', ['a', 'b']],
  ["'a b' \"c d\"", ['a b', 'c d']],
  ["it' 's fine", ['it s', 'fine']],
  ['"say \\"hi\\"" \\$HOME', ['say "hi"', '$HOME']],
  ['"keep \\n and \\a"', ['keep \\n and \\a']],
  ["'no \\escape'", ['no \\escape']],
  ['a\\ b c', ['a b', 'c']],
  ['$HOME `id` $(id) * ~', ['$HOME', '`id`', '$(id)', '*', '~']],
  ['"" \'\'', ['', '']],
  ['line\\\ncontinued', ['linecontinued']],
  ['', []],
  ["'open", 'the single quote at character 1 is never closed'],
  ['a "open', 'the double quote at character 3 is never closed'],
  ['trailing\\', 'it ends with a lone backslash'],
];
for (const [text, want] of words) {
  test(`shell words: ${JSON.stringify(text)}`, (t) => {
    t.deepEqual(splitShellWords(text), Array.isArray(want) ? { ok: true, words: want } : { ok: false, reason: want });
  });
}

test('ipv4: parse, format, prefixes', (t) => {
  t.deepEqual(parseIpv4('10.100.13.1'), { ok: true, value: 0x0a640d01 });
  t.deepEqual(parseIpv4('255.255.255.255'), { ok: true, value: 0xffffffff });
  t.is(formatIpv4(0x0a640d01), '10.100.13.1');
  t.is(formatIpv4(0xffffffff), '255.255.255.255');
  for (const bad of ['1.2.3', '1.2.3.4.5', '1.2.3.-4', ' 1.2.3.4', '1.2.3.4 ', '1..3.4', '0x1.2.3.4', '1.2.3.1e2']) {
    t.false(parseIpv4(bad).ok, bad);
  }
  t.is(prefixOfNetmask(0xffffff00), 24);
  t.is(prefixOfNetmask(0), 0);
  t.is(prefixOfNetmask(0xffffffff), 32);
  t.is(prefixOfNetmask(0xff00ff00), undefined);
});

const utf8: Array<[number[], number | undefined]> = [
  [[0x41, 0xc3, 0xa9], undefined], [[0xf0, 0x9f, 0x98, 0x80], undefined], [[0x41, 0xff], 1], [[0xc0, 0x80], 0],
  [[0xe0, 0x80, 0x80], 0], [[0xed, 0xa0, 0x80], 0], [[0xf4, 0x90, 0x80, 0x80], 0], [[0x41, 0xe2, 0x82], 1], [[0x41, 0xe2, 0x28, 0xa1], 1],
];
for (const [bytes, offset] of utf8) {
  test(`utf8: ${bytes.map((b) => b.toString(16)).join(' ')}`, (t) => {
    t.is(firstInvalidUtf8(Uint8Array.from(bytes)), offset);
    const r = decodeUtf8(Uint8Array.from(bytes));
    t.is(r.ok, offset === undefined);
    if (!r.ok) t.deepEqual({ offset: r.offset }, { offset });
  });
}
