// placeFile into a real temporary chute root, including symlinks planted by an earlier version.
import test from 'ava';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { placeFile } from '../../../src/platform/fetch/place-file.js';
import type { ChuteFile } from '../../../src/chute/types.js';
import { ParadropError } from '../../../src/errors.js';
import * as tar from './helpers/tar-writer.js';
import { listTree, makeTemp, removeTemp, sha } from './helpers/tree.js';

const temps: string[] = [];
test.after.always(() => {
  for (const d of temps) removeTemp(d);
});

function world(body = 'content\n'): { base: string; root: string; outside: string; cached: string } {
  const base = makeTemp('place');
  temps.push(base);
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, 'passwd'), 'root:x:0:0');
  const cached = join(base, 'cached');
  writeFileSync(cached, body);
  return { base, root, outside, cached };
}

function chuteFile(path: string, extract = false): ChuteFile {
  return { name: 'cfg', path, location: { kind: 'store', path: 'x' }, hash: { algorithm: 'sha1', hex: sha('sha1', 'x') }, extract };
}

test('a file is copied to its path, parents created, mode 0644, no temporary file left', async (t) => {
  const w = world();
  const got = await placeFile(w.cached, chuteFile('/etc/app/conf.json'), w.root);
  t.is(got.target, join(w.root, 'etc', 'app', 'conf.json'));
  t.deepEqual(listTree(w.root), ['etc/ 755', 'etc/app/ 755', `etc/app/conf.json 644 ${sha('sha1', 'content\n').slice(0, 12)}`]);
});

test('an existing file is replaced', async (t) => {
  const w = world('new\n');
  mkdirSync(join(w.root, 'etc'));
  writeFileSync(join(w.root, 'etc', 'conf'), 'old\n');
  await placeFile(w.cached, chuteFile('/etc/conf'), w.root);
  t.is(readFileSync(join(w.root, 'etc', 'conf'), 'utf8'), 'new\n');
  t.deepEqual(listTree(w.root).length, 2);
});

test('a symlink planted on the way is refused, nothing is written outside', async (t) => {
  const w = world();
  symlinkSync(w.outside, join(w.root, 'etc'));
  const before = listTree(w.base);
  const err = await t.throwsAsync(placeFile(w.cached, chuteFile('/etc/passwd'), w.root), { instanceOf: ParadropError });
  t.is(err?.code, 'PATH_UNSAFE');
  t.is(err?.message, 'file "cfg": "/etc" in the chute\'s root is a symlink; refusing to follow or replace it');
  t.deepEqual(listTree(w.base), before);
});

test('a symlink planted deeper on the way is refused', async (t) => {
  const w = world();
  mkdirSync(join(w.root, 'srv', 'www'), { recursive: true });
  symlinkSync('../../../outside', join(w.root, 'srv', 'www', 'data'));
  const before = listTree(w.base);
  const err = await t.throwsAsync(placeFile(w.cached, chuteFile('/srv/www/data/x'), w.root), { instanceOf: ParadropError });
  t.is(err?.code, 'PATH_UNSAFE');
  t.true(err?.message.includes('"/srv/www/data"'));
  t.deepEqual(listTree(w.base), before);
});

test('a symlink planted at the target itself is replaced, not written through', async (t) => {
  const w = world('mine\n');
  mkdirSync(join(w.root, 'etc'));
  symlinkSync(join(w.outside, 'passwd'), join(w.root, 'etc', 'conf'));
  await placeFile(w.cached, chuteFile('/etc/conf'), w.root);
  t.false(lstatSync(join(w.root, 'etc', 'conf')).isSymbolicLink());
  t.is(readFileSync(join(w.root, 'etc', 'conf'), 'utf8'), 'mine\n');
  t.is(readFileSync(join(w.outside, 'passwd'), 'utf8'), 'root:x:0:0');
});

test('a non-directory on the way and a directory at the target are refused', async (t) => {
  const w = world();
  writeFileSync(join(w.root, 'etc'), 'a file');
  mkdirSync(join(w.root, 'srv', 'dir'), { recursive: true });
  const before = listTree(w.base);
  const a = await t.throwsAsync(placeFile(w.cached, chuteFile('/etc/conf'), w.root));
  t.is(a?.message, 'file "cfg": "/etc" in the chute\'s root is not a directory; refusing to follow or replace it');
  const b = await t.throwsAsync(placeFile(w.cached, chuteFile('/srv/dir'), w.root), { instanceOf: ParadropError });
  t.is(b?.code, 'PATH_UNSAFE');
  t.is(b?.message, 'file "cfg": "/srv/dir" in the chute\'s root is a directory; a file can\'t replace it');
  for (const bad of ['/', 'relative', '/a/../../x']) {
    const c = await t.throwsAsync(placeFile(w.cached, chuteFile(bad), w.root), { instanceOf: ParadropError });
    t.is(c?.code, 'PATH_UNSAFE', bad);
  }
  t.deepEqual(listTree(w.base), before);
});

test('a root directory reached through a symlink of the gateway is fine', async (t) => {
  const w = world();
  const alias = join(w.base, 'alias');
  symlinkSync(w.root, alias);
  await placeFile(w.cached, chuteFile('/x'), alias);
  t.is(readFileSync(join(w.root, 'x'), 'utf8'), 'content\n');
  t.is(readlinkSync(alias), w.root);
});

test('extract: true unpacks into the path', async (t) => {
  const w = world();
  writeFileSync(w.cached, tar.gzip(tar.archive(tar.file('index.html', 'hi'), tar.symlink('home.html', 'index.html'))));
  const got = await placeFile(w.cached, chuteFile('/srv/www', true), w.root);
  t.is(got.entries, 2);
  t.deepEqual(listTree(w.root), ['srv/ 755', 'srv/www/ 755', 'srv/www/home.html -> index.html', `srv/www/index.html 644 ${sha('sha1', 'hi').slice(0, 12)}`]);
});
