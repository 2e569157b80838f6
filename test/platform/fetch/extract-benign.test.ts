// Benign archives made by GNU tar extract exactly; merging into an existing destination.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractArchive } from '../../../src/platform/fetch/extract.js';
import * as tar from './helpers/tar-writer.js';
import { listTree, makeTemp, removeTemp, sha } from './helpers/tree.js';

const temps: string[] = [];
test.after.always(() => {
  for (const d of temps) removeTemp(d);
});

function temp(): string {
  const d = makeTemp('benign');
  temps.push(d);
  return d;
}

const longDir = 'd'.repeat(120);
const longFile = `${'f'.repeat(150)}.txt`;

/** A chute's site: long names, nesting, links inside, a hardlink and an executable. */
function makeSource(src: string): void {
  const put = (rel: string, body: string, mode: number) => {
    mkdirSync(join(src, rel, '..'), { recursive: true });
    writeFileSync(join(src, rel), body);
    chmodSync(join(src, rel), mode);
  };
  put('bin/run.sh', '#!/bin/sh\necho hi\n', 0o755);
  put('www/index.html', '<h1>cam</h1>\n', 0o644);
  put(`www/${longDir}/${longFile}`, 'long\n', 0o644);
  put('a/b/c/d/e/f/g/deep.txt', 'deep\n', 0o600);
  mkdirSync(join(src, 'empty'));
  symlinkSync('index.html', join(src, 'www', 'current'));
  symlinkSync('www/index.html', join(src, 'latest'));
  symlinkSync('../../www', join(src, 'a', 'b', 'up'));
  linkSync(join(src, 'www', 'index.html'), join(src, 'www', 'copy.html'));
  execFileSync('chmod', ['-R', 'go-w', src]);
  for (const d of ['', 'bin', 'www', `www/${longDir}`, 'a', 'a/b', 'a/b/c', 'a/b/c/d', 'a/b/c/d/e', 'a/b/c/d/e/f', 'a/b/c/d/e/f/g', 'empty']) {
    chmodSync(join(src, d), 0o755);
  }
}

function tarNames(archive: string): string[] {
  return execFileSync('tar', ['-tf', archive], { encoding: 'utf8' })
    .split('\n').filter((l) => l !== '')
    .map((l) => l.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((l) => l !== '.' && l !== '')
    .sort();
}

function treeNames(listing: string[]): string[] {
  return listing.map((l) => l.split(' ')[0]?.replace(/\/$/, '') ?? '').sort();
}

for (const [format, flags] of [['gnu', ['--format=gnu']], ['pax', ['--format=posix']], ['gnu+gzip', ['--format=gnu', '-z']], ['pax+gzip', ['--format=posix', '-z']]] as const) {
  test(`a GNU tar archive (${format}) extracts exactly`, async (t) => {
    const base = temp();
    const src = join(base, 'src');
    mkdirSync(src);
    makeSource(src);
    // Named .bin: gzip is recognised by its magic bytes, not the name.
    const archive = join(base, 'site.bin');
    execFileSync('tar', [...flags, '-cf', archive, '-C', src, '.']);
    const root = join(base, 'root');
    mkdirSync(root);
    const got = await extractArchive(archive, root, '/srv/www', 'site');
    const dest = join(root, 'srv', 'www');
    const listing = listTree(dest);
    t.deepEqual(listing, listTree(src));
    t.deepEqual(treeNames(listing), tarNames(archive));
    t.is(got.entries, tarNames(archive).length);
    t.is(lstatSync(join(dest, 'www', 'copy.html')).ino, lstatSync(join(dest, 'www', 'index.html')).ino, 'hardlink kept');
    t.is(readlinkSync(join(dest, 'a', 'b', 'up')), '../../www');
    t.is(readFileSync(join(dest, 'a', 'b', 'up', 'index.html'), 'utf8'), '<h1>cam</h1>\n');
    t.is(lstatSync(join(dest, 'bin', 'run.sh')).mode & 0o777, 0o755);
    t.is(lstatSync(dest).mode & 0o777, 0o755);
    t.deepEqual(listTree(root).filter((l) => l.includes('.pd-')), [], 'no temporary directory left');
  });
}

test('modes are masked: no setuid, setgid, sticky or group/other write; the owner keeps access', async (t) => {
  const base = temp();
  const archive = join(base, 'a.tar');
  writeFileSync(archive, tar.archive(
    tar.dir('open/', 0o1777),
    tar.dir('locked/', 0o500),
    tar.file('locked/suid', 'x', 0o4777),
    tar.file('sgid', 'x', 0o2755),
    tar.file('private', 'x', 0o600),
    tar.file('nothing', 'x', 0o000),
  ));
  const root = join(base, 'root');
  mkdirSync(root);
  await extractArchive(archive, root, '/app', 'site');
  t.deepEqual(listTree(join(root, 'app')), [
    'locked/ 700', `locked/suid 755 ${sha1('x')}`, `nothing 600 ${sha1('x')}`, 'open/ 755', `private 600 ${sha1('x')}`, `sgid 755 ${sha1('x')}`,
  ]);
});

test('a later entry with the same path replaces the earlier file', async (t) => {
  const base = temp();
  const archive = join(base, 'a.tar');
  writeFileSync(archive, tar.archive(tar.file('f', 'one'), tar.hardlink('h', 'f'), tar.file('f', 'two')));
  const root = join(base, 'root');
  mkdirSync(root);
  await extractArchive(archive, root, '/x', 'site');
  t.is(readFileSync(join(root, 'x', 'f'), 'utf8'), 'two');
  t.is(readFileSync(join(root, 'x', 'h'), 'utf8'), 'one');
});

test('extracting over an existing directory merges; links in the way are replaced, never followed', async (t) => {
  const base = temp();
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(outside);
  const dest = join(root, 'srv', 'www');
  mkdirSync(join(dest, 'keep'), { recursive: true });
  mkdirSync(join(dest, 'was-dir', 'inner'), { recursive: true });
  writeFileSync(join(dest, 'keep', 'old.txt'), 'old');
  writeFileSync(join(dest, 'index.html'), 'old index');
  symlinkSync(outside, join(dest, 'assets'));
  symlinkSync(join(outside, 'planted'), join(dest, 'conf'));
  const archive = join(base, 'a.tar.gz');
  writeFileSync(archive, tar.gzip(tar.archive(
    tar.file('index.html', 'new index'),
    tar.file('assets/app.js', 'js'),
    tar.file('conf', 'conf'),
    tar.file('was-dir', 'now a file'),
    tar.file('keep/new.txt', 'new'),
  )));
  await extractArchive(archive, root, '/srv/www', 'site');
  t.deepEqual(listTree(dest), [
    'assets/ 755', `assets/app.js 644 ${sha1('js')}`,
    `conf 644 ${sha1('conf')}`,
    `index.html 644 ${sha1('new index')}`,
    'keep/ 755', `keep/new.txt 644 ${sha1('new')}`, `keep/old.txt 644 ${sha1('old')}`,
    `was-dir 644 ${sha1('now a file')}`,
  ]);
  t.deepEqual(listTree(outside), [], 'nothing written through the planted links');
});

test('an archive extracted at "/" merges into the chute root; a file at the destination is replaced', async (t) => {
  const base = temp();
  const root = join(base, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'hostname'), 'gw');
  writeFileSync(join(root, 'app'), 'a file where a directory goes');
  const archive = join(base, 'a.tar');
  writeFileSync(archive, tar.archive(tar.file('etc/motd', 'hi'), tar.file('app/main.js', 'js')));
  await extractArchive(archive, root, '/', 'rootfs');
  t.deepEqual(listTree(root).filter((l) => !l.startsWith('.')), [
    'app/ 755', `app/main.js 644 ${sha1('js')}`, 'etc/ 755', `etc/hostname 644 ${sha1('gw')}`, `etc/motd 644 ${sha1('hi')}`,
  ].map((l) => (l === 'etc/ 755' ? `etc/ ${(lstatSync(join(root, 'etc')).mode & 0o7777).toString(8)}` : l)));
  t.deepEqual(listTree(root).filter((l) => l.startsWith('.')), []);
});

function sha1(s: string): string {
  return sha('sha1', s).slice(0, 12);
}

test('missing parents are made; a link planted at the destination itself is replaced, not followed', async (t) => {
  const base = temp();
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(outside);
  mkdirSync(join(root, 'srv'), { recursive: true });
  symlinkSync(outside, join(root, 'srv', 'www'));
  const archive = join(base, 'a.tar');
  writeFileSync(archive, tar.archive(tar.file('index.html', 'hi')));
  await extractArchive(archive, root, '/srv/www', 'site');
  await extractArchive(archive, root, '/opt/vendor/app', 'site');
  t.deepEqual(listTree(root), [
    'opt/ 755', 'opt/vendor/ 755', 'opt/vendor/app/ 755', `opt/vendor/app/index.html 644 ${sha1('hi')}`,
    `srv/ ${(lstatSync(join(root, 'srv')).mode & 0o7777).toString(8)}`, 'srv/www/ 755', `srv/www/index.html 644 ${sha1('hi')}`,
  ]);
  t.deepEqual(listTree(outside), []);
});
