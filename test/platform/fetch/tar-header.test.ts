// Header blocks, numbers and pax records (pure).
import test from 'ava';
import { parseHeader, parseNumber, parsePax } from '../../../src/platform/fetch/tar-header.js';
import * as tar from './helpers/tar-writer.js';

test('a ustar header with a prefix is parsed', (t) => {
  const got = parseHeader(tar.header({ name: 'file.txt', prefix: 'a/b', body: 'abc', mode: 0o755 }));
  t.deepEqual(got, { kind: 'header', header: { name: 'a/b/file.txt', mode: 0o755, size: 3, typeflag: '0', linkname: '', format: 'ustar' } });
});

test('old GNU headers ignore the prefix field', (t) => {
  const got = parseHeader(tar.header({ name: 'f', prefix: 'junk', format: 'gnu' }));
  t.is(got.kind === 'header' ? got.header.name : '', 'f');
  t.is(got.kind === 'header' ? got.header.format : '', 'gnu');
});

test('an all-zero block ends the archive', (t) => {
  t.deepEqual(parseHeader(Buffer.alloc(512)), { kind: 'end' });
});

test('a wrong checksum is reported with the entry name', (t) => {
  const got = parseHeader(tar.header({ name: 'x', checksumDelta: 1 }));
  t.is(got.kind, 'bad');
  t.is(got.kind === 'bad' ? got.name : '', 'x');
  t.regex(got.kind === 'bad' ? got.reason : '', /^header checksum is \d+ \(octal\), computed \d+$/);
});

test('a signed checksum (old tars) is accepted', (t) => {
  const block = tar.header({ name: 'caf\u00e9' });
  let signed = 0;
  block.fill(0x20, 148, 156);
  for (const b of block) signed += b > 127 ? b - 256 : b;
  block.write(signed.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  t.is(parseHeader(block).kind, 'header');
});

const numbers: [string, Buffer, number | undefined][] = [
  ['octal', Buffer.from('0000644\0'), 0o644],
  ['space padded', Buffer.from('   644 \0'), 0o644],
  ['empty', Buffer.alloc(8), 0],
  ['garbage', Buffer.from('12x4\0\0\0\0'), undefined],
  ['base-256', Buffer.from([0x80, 0, 0, 0, 0, 0, 1, 0]), 256],
  ['negative base-256', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), undefined],
];
for (const [title, buf, want] of numbers) {
  test(`numbers: ${title}`, (t) => {
    t.is(parseNumber(buf, 0, buf.length), want);
  });
}

test('pax records, including multi-byte values and NUL padding', (t) => {
  const data = Buffer.concat([Buffer.from('20 path=caf\u00e9/x.txt\n'), Buffer.from('14 size=12345\n'), Buffer.alloc(20)]);
  const got = parsePax(data);
  t.true(got.ok);
  if (got.ok) t.deepEqual([...got.records], [['path', 'caf\u00e9/x.txt'], ['size', '12345']]);
});

const badPax: [string, string][] = [['a wrong length', '99 path=x\n'], ['no key', '9 =value\n'], ['no length', 'path=x\n'], ['no newline', '9 path=xy']];
for (const [title, text] of badPax) {
  test(`pax: ${title} is refused`, (t) => {
    const got = parsePax(Buffer.from(text));
    t.false(got.ok);
  });
}
