// Hostile archives, hand-built: each must be refused with the exact entry and reason, plain and
// gzipped, and leave the chute's root exactly as it was (nothing half-extracted, no temp dir).
import test from 'ava';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractArchive } from '../../../src/platform/fetch/extract.js';
import { ParadropError } from '../../../src/errors.js';
import * as tar from './helpers/tar-writer.js';
import { listTree, makeTemp, removeTemp } from './helpers/tree.js';

const temps: string[] = [];
test.after.always(() => {
  for (const d of temps) removeTemp(d);
});

/** A chute root with an earlier version's files at /srv/www, and a sentinel outside it. */
function world(): { base: string; root: string; outside: string; archive: string } {
  const base = makeTemp('extract');
  temps.push(base);
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'srv', 'www', 'old'), { recursive: true });
  writeFileSync(join(root, 'srv', 'www', 'old', 'index.html'), 'old version');
  mkdirSync(outside);
  writeFileSync(join(outside, 'passwd'), 'root:x:0:0');
  return { base, root, outside, archive: join(base, 'archive') };
}

const good = tar.file('good.txt', 'fine');
const longDots = '../' + 'x'.repeat(150);

interface Case {
  title: string;
  parts: Buffer[];
  code: 'ARCHIVE_UNSAFE' | 'ARCHIVE_CORRUPT';
  /** Exact message after `file "site": `. */
  message: string;
  /** Build the archive without the end-of-archive blocks. */
  raw?: boolean;
  limits?: { maxBytes: number; maxEntries: number };
}

const cases: Case[] = [
  { title: 'an absolute path', parts: [good, tar.file('/etc/evil', 'x')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "/etc/evil" refused: its path is absolute' },
  { title: 'a ".." path', parts: [good, tar.file('../x', 'x')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "../x" refused: its path has a ".." component' },
  { title: 'a ".." inside a path', parts: [good, tar.file('a/b/../../../x', 'x')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "a/b/../../../x" refused: its path has a ".." component' },
  { title: 'a symlink to /etc, then a file through it', parts: [good, tar.symlink('etc', '/etc'), tar.file('etc/evil', 'x')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "etc" refused: its link target "/etc" is absolute, outside the destination' },
  { title: 'a file through a symlink extracted earlier', parts: [good, tar.dir('sub/'), tar.symlink('lnk', 'sub'), tar.file('lnk/evil', 'x')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "lnk/evil" refused: its path passes through the symlink "lnk" extracted earlier' },
  { title: 'a symlink climbing out', parts: [good, tar.symlink('a/up', '../../outside')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "a/up" refused: its link target "../../outside" points outside the destination' },
  { title: 'a link chain that climbs after another link', parts: [good, tar.symlink('a/b/c/top', '../../..'), tar.symlink('a/b/c/t', 'top/..')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "a/b/c/t" refused: its link target "top/.." has ".." after a name, which another link could redirect outside the destination' },
  { title: 'an empty link target', parts: [good, tar.symlink('e', '')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "e" refused: its link target is empty' },
  { title: 'a hardlink to /etc/passwd', parts: [good, tar.hardlink('pw', '/etc/passwd')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "pw" refused: its hardlink target "/etc/passwd" is refused: its path is absolute' },
  { title: 'a hardlink climbing out', parts: [good, tar.hardlink('pw', '../outside/passwd')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "pw" refused: its hardlink target "../outside/passwd" is refused: its path has a ".." component' },
  { title: 'a hardlink to something not extracted', parts: [good, tar.hardlink('pw', 'nothing')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "pw" refused: its hardlink target "nothing" is not a regular file extracted earlier' },
  { title: 'a character device', parts: [good, tar.entry({ name: 'dev/mem', type: '3' })], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "dev/mem" refused: it is a character device' },
  { title: 'a block device', parts: [good, tar.entry({ name: 'dev/sda', type: '4' })], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "dev/sda" refused: it is a block device' },
  { title: 'a FIFO', parts: [good, tar.entry({ name: 'pipe', type: '6' })], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "pipe" refused: it is a FIFO' },
  { title: 'an unknown type', parts: [good, tar.entry({ name: 'sparse', type: 'S' })], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "sparse" refused: it has an unsupported type "S"' },
  { title: 'a pax path with ".."', parts: [good, tar.pax({ path: 'a/../../evil' }), tar.file('innocent', 'x')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "a/../../evil" refused: its path has a ".." component' },
  { title: 'a global pax path with ".."', parts: [good, tar.pax({ path: '../g' }, 'g'), tar.file('innocent', 'x')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "../g" refused: its path has a ".." component' },
  { title: 'a pax linkpath leaving', parts: [good, tar.pax({ linkpath: '/etc/shadow' }), tar.symlink('l', 'harmless')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "l" refused: its link target "/etc/shadow" is absolute, outside the destination' },
  { title: 'a pax path with a NUL', parts: [good, tar.pax({ path: 'ok\0/../../x' }), tar.file('innocent', 'x')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "ok\\u0000/../../x" refused: its name contains a NUL byte' },
  { title: 'a GNU long name with ".."', parts: [good, tar.gnuLong(longDots), tar.file('short', 'x')], code: 'ARCHIVE_UNSAFE',
    message: `archive entry "${longDots}" refused: its path has a ".." component` },
  { title: 'a GNU long link leaving', parts: [good, tar.gnuLong('/' + 'y'.repeat(120), 'K'), tar.symlink('l', 'short')], code: 'ARCHIVE_UNSAFE',
    message: `archive entry "l" refused: its link target "/${'y'.repeat(120)}" is absolute, outside the destination` },
  { title: 'a directory replaced by a link', parts: [good, tar.dir('d/'), tar.symlink('d', '.')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "d" refused: it would replace a directory extracted earlier' },
  { title: 'an implicit directory replaced by a link', parts: [tar.file('d/f', 'x'), tar.symlink('d', '.')], code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "d" refused: it would replace a directory extracted earlier' },
  { title: 'a bad checksum', parts: [good, tar.entry({ name: 'tampered.txt', body: 'x', checksumDelta: 1 })], code: 'ARCHIVE_CORRUPT',
    message: /archive is corrupt: header of entry "tampered.txt" at byte 1024: header checksum is \d+ \(octal\), computed \d+/.source },
  { title: 'a truncated body', parts: [good, tar.entry({ name: 'cut.txt', body: 'abc', size: 4000 })], raw: true, code: 'ARCHIVE_CORRUPT',
    message: 'archive is corrupt: it is truncated inside the contents of entry "cut.txt"' },
  { title: 'a missing end marker', parts: [good], raw: true, code: 'ARCHIVE_CORRUPT',
    message: 'archive is corrupt: it ends at byte 1024 without the end-of-archive marker' },
  { title: 'a truncated header', parts: [good, Buffer.alloc(100, 0x41)], raw: true, code: 'ARCHIVE_CORRUPT',
    message: 'archive is corrupt: it is truncated: the header at byte 1024 has 100 of 512 bytes' },
  { title: 'a tar bomb (declared size)', parts: [good, tar.entry({ name: 'bomb', body: '', size: 10 * 1024 * 1024 })], raw: true, code: 'ARCHIVE_UNSAFE',
    limits: { maxBytes: 1024 * 1024, maxEntries: 100 },
    message: 'archive entry "bomb" refused: it brings the archive\'s contents to 10485764 bytes, more than the limit of 1048576' },
  { title: 'too many entries', parts: [good, tar.file('b', ''), tar.file('c', ''), tar.file('d', '')], code: 'ARCHIVE_UNSAFE',
    limits: { maxBytes: 1024 * 1024, maxEntries: 3 },
    message: 'archive entry "d" refused: the archive has more than 3 entries' },
];

for (const c of cases) {
  for (const gz of [false, true]) {
    test(`refuses ${c.title}${gz ? ' (gzip)' : ''}, leaving the root unchanged`, async (t) => {
      const w = world();
      const plain = c.raw ? Buffer.concat(c.parts) : tar.archive(...c.parts);
      writeFileSync(w.archive, gz ? tar.gzip(plain) : plain);
      const before = listTree(w.base);
      const err = await t.throwsAsync(extractArchive(w.archive, w.root, '/srv/www', 'site', c.limits), { instanceOf: ParadropError });
      t.is(err?.code, c.code);
      if (c.message.startsWith('archive is corrupt: header')) t.regex(err?.message ?? '', new RegExp(`^file "site": ${c.message}$`));
      else t.is(err?.message, `file "site": ${c.message}`);
      t.deepEqual(listTree(w.base), before);
    });
  }
}

test('refuses a damaged gzip stream as corrupt', async (t) => {
  const w = world();
  const gz = tar.gzip(tar.archive(good, tar.file('b.txt', 'more')));
  // Flip bytes in the deflate data, keep the gzip magic.
  for (let i = 12; i < gz.length - 8; i += 7) gz[i] = (gz[i] ?? 0) ^ 0x5a;
  writeFileSync(w.archive, gz);
  const before = listTree(w.base);
  const err = await t.throwsAsync(extractArchive(w.archive, w.root, '/srv/www', 'site'), { instanceOf: ParadropError });
  t.is(err?.code, 'ARCHIVE_CORRUPT');
  t.regex(err?.message ?? '', /^file "site": archive is corrupt: /);
  t.deepEqual(listTree(w.base), before);
});

test('refuses a truncated gzip stream as corrupt', async (t) => {
  const w = world();
  const gz = tar.gzip(tar.archive(good, tar.file('b.txt', 'more'.repeat(1000))));
  writeFileSync(w.archive, gz.subarray(0, gz.length - 30));
  const before = listTree(w.base);
  const err = await t.throwsAsync(extractArchive(w.archive, w.root, '/srv/www', 'site'), { instanceOf: ParadropError });
  t.is(err?.code, 'ARCHIVE_CORRUPT');
  t.deepEqual(listTree(w.base), before);
});

test('a symlink planted in the chute root on the way to the destination is refused, not followed', async (t) => {
  const w = world();
  symlinkSync(w.outside, join(w.root, 'opt'));
  writeFileSync(w.archive, tar.archive(good));
  const before = listTree(w.base);
  const err = await t.throwsAsync(extractArchive(w.archive, w.root, '/opt/app', 'site'), { instanceOf: ParadropError });
  t.is(err?.code, 'PATH_UNSAFE');
  t.is(err?.message, 'file "site": "/opt" in the chute\'s root is a symlink; refusing to follow or replace it');
  t.deepEqual(listTree(w.base), before);
});

test('a refused archive leaves not even the missing parent directories of its destination', async (t) => {
  const w = world();
  writeFileSync(w.archive, tar.archive(good, tar.file('../x', 'x')));
  const before = listTree(w.base);
  const err = await t.throwsAsync(extractArchive(w.archive, w.root, '/opt/vendor/app', 'site'), { instanceOf: ParadropError });
  t.is(err?.code, 'ARCHIVE_UNSAFE');
  t.deepEqual(listTree(w.base), before);
});
