// scripts/package.mjs's tar writer: round trips through our reader and the system tar, long names
// go into the ustar prefix, names ustar cannot hold are refused rather than cut.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTar } from './tar-reader.js';
import { packager } from './build.js';

/** n characters: directories of 19 characters each, ending in a file name. */
const long = (n: number): string => Array.from({ length: n }, (_, i) => (i % 20 === 19 && i !== n - 1 ? '/' : 'x')).join('');

const NAMES: string[] = ['./a', `./${'n'.repeat(98)}`, `./${long(150)}`, `./${long(240)}`];

test('names up to ustar\'s limits round-trip through our reader and the system tar', async (t) => {
  const { writeTar } = await packager();
  const entries = NAMES.map((name, i) => ({ name, type: 'file', mode: i % 2 ? 0o755 : 0o644, data: Buffer.from(`file ${i}\n`) }));
  entries.push({ name: './link', type: 'link', mode: 0o777, linkname: 'a', data: Buffer.alloc(0) } as never);
  const tar: Buffer = writeTar(entries, 1234567890);
  t.is(tar.length % 10240, 0, 'padded to whole records');
  const back = readTar(tar);
  t.deepEqual(back.map((e) => e.name), [...NAMES, './link']);
  t.deepEqual(back.map((e) => e.mode), [0o644, 0o755, 0o644, 0o755, 0o777]);
  t.is(back[3]!.data.toString(), 'file 3\n');
  t.is(back[4]!.type, '2');
  t.is(back[4]!.linkname, 'a');
  const dir = mkdtempSync(join(tmpdir(), 'pd-tar-'));
  writeFileSync(join(dir, 't.tar'), tar);
  t.deepEqual(execFileSync('tar', ['-tf', join(dir, 't.tar')], { encoding: 'utf8' }).trim().split('\n'), [...NAMES, './link']);
});

test('a name ustar cannot hold is refused', async (t) => {
  const { writeTar } = await packager();
  const tooLong = `./${'z'.repeat(120)}`;
  t.throws(() => writeTar([{ name: tooLong, type: 'file', mode: 0o644, data: Buffer.alloc(0) }], 0), { message: /too long/ });
});
