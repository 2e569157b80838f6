// The streaming tar reader over chunked input of every size, with GNU and pax extensions.
import test from 'ava';
import { readTar } from '../../../src/platform/fetch/tar-reader.js';
import * as tar from './helpers/tar-writer.js';

async function* slices(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function collect(data: Buffer, chunk: number, readBodies = true) {
  const out: { path: string; type: string; linkpath: string; body: string }[] = [];
  for await (const e of readTar(slices(data, chunk), { label: 't', maxBytes: 1 << 20, maxEntries: 100 })) {
    let body = '';
    if (readBodies) for await (const c of e.body) body += c.toString();
    out.push({ path: e.path, type: e.type, linkpath: e.linkpath, body });
  }
  return out;
}

const data = tar.archive(
  tar.file('a.txt', 'A'.repeat(700)),
  tar.gnuLong('long/' + 'n'.repeat(200)),
  tar.file('short', 'long body'),
  tar.pax({ path: 'pax/' + 'p'.repeat(300), linkpath: 'target' }),
  tar.symlink('ignored', 'ignored'),
  tar.pax({ path: 'global/' }, 'g'),
  tar.dir('whatever/'),
  tar.gnuLong('k'.repeat(120), 'K'),
  tar.hardlink('h', 'short'),
  tar.entry({ name: 'old-style-dir/', type: '\0' }),
);

const want = [
  { path: 'a.txt', type: 'file', linkpath: '', body: 'A'.repeat(700) },
  { path: 'long/' + 'n'.repeat(200), type: 'file', linkpath: '', body: 'long body' },
  { path: 'pax/' + 'p'.repeat(300), type: 'symlink', linkpath: 'target', body: '' },
  { path: 'global/', type: 'dir', linkpath: '', body: '' },
  { path: 'global/', type: 'hardlink', linkpath: 'k'.repeat(120), body: '' },
  { path: 'global/', type: 'dir', linkpath: '', body: '' },
];

for (const chunk of [1, 7, 512, 100000]) {
  test(`reads long names, pax and global headers in chunks of ${chunk}`, async (t) => {
    t.deepEqual(await collect(data, chunk), want);
  });
}

test('unread bodies are skipped', async (t) => {
  t.deepEqual((await collect(data, 333, false)).map((e) => e.path), want.map((e) => e.path));
});

test('a pax size overrides the header size', async (t) => {
  const big = tar.archive(tar.pax({ size: '1000' }), tar.entry({ name: 'f', body: 'z'.repeat(1000), size: 0 }));
  t.deepEqual(await collect(big, 64), [{ path: 'f', type: 'file', linkpath: '', body: 'z'.repeat(1000) }]);
});

test('an extended header right before the end is corrupt', async (t) => {
  const err = await t.throwsAsync(collect(tar.archive(tar.pax({ path: 'x' })), 512));
  t.is(err?.message, 'file "t": archive is corrupt: it ends right after the extended header at byte 0');
});
