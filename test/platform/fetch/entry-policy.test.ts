// Entry path, symlink target and per-entry decisions (pure), table-driven.
import test from 'ava';
import { checkSymlinkTarget, splitChutePath, splitEntryPath } from '../../../src/platform/fetch/entry-path.js';
import { planEntry, type ExtractedKind } from '../../../src/platform/fetch/entry-policy.js';

const paths: [string, string[] | string][] = [
  ['a/b', ['a', 'b']],
  ['./a//b/', ['a', 'b']],
  ['./', []],
  ['a/./b', ['a', 'b']],
  ['..', 'its path has a ".." component'],
  ['a/..', 'its path has a ".." component'],
  ['/a', 'its path is absolute'],
  ['', 'its name is empty'],
  ['a\0b', 'its name contains a NUL byte'],
  ['x'.repeat(256), 'a name in its path is longer than 255 bytes'],
];
for (const [raw, want] of paths) {
  test(`entry path ${JSON.stringify(raw.slice(0, 20))}`, (t) => {
    const got = splitEntryPath(raw);
    t.deepEqual(got, typeof want === 'string' ? { ok: false, reason: want } : { ok: true, parts: want });
  });
}

const targets: [string[], string, boolean][] = [
  [['a', 'l'], 'b', true],
  [['a', 'l'], '../b', true],
  [['a', 'l'], '../../b', false],
  [['l'], '..', false],
  [['a', 'b', 'l'], './../../x/y', true],
  [['a', 'l'], 'x/../y', false],
  [['l'], '/etc', false],
  [['l'], '', false],
  [['l'], 'a\0', false],
];
for (const [parts, target, ok] of targets) {
  test(`symlink ${parts.join('/')} -> ${JSON.stringify(target)} is ${ok ? 'allowed' : 'refused'}`, (t) => {
    t.is(checkSymlinkTarget(parts, target).ok, ok);
  });
}

test('chute paths', (t) => {
  t.deepEqual(splitChutePath('/'), { ok: true, parts: [] });
  t.deepEqual(splitChutePath('/srv/www'), { ok: true, parts: ['srv', 'www'] });
  t.false(splitChutePath('srv').ok);
  t.false(splitChutePath('/srv/../x').ok);
});

const base = { linkpath: '', typeflag: '0', mode: 0o644 };
const seen = new Map<string, ExtractedKind>([['d', 'dir'], ['f', 'file'], ['l', 'symlink']]);

test('plans for allowed entries', (t) => {
  t.deepEqual(planEntry({ ...base, path: 'd/new', type: 'file', mode: 0o4777 }, seen), { kind: 'file', parts: ['d', 'new'], mode: 0o755 });
  t.deepEqual(planEntry({ ...base, path: 'd', type: 'dir', mode: 0o1775 }, seen), { kind: 'dir', parts: ['d'], mode: 0o755 });
  t.deepEqual(planEntry({ ...base, path: './', type: 'dir' }, seen), { kind: 'skip' });
  t.deepEqual(planEntry({ ...base, path: 'h', type: 'hardlink', linkpath: './f' }, seen), { kind: 'hardlink', parts: ['h'], targetParts: ['f'] });
  t.deepEqual(planEntry({ ...base, path: 'f', type: 'file' }, seen), { kind: 'file', parts: ['f'], mode: 0o644 });
});

const refusals: [Partial<Parameters<typeof planEntry>[0]>, string][] = [
  [{ path: 'l/x', type: 'file' }, 'its path passes through the symlink "l" extracted earlier'],
  [{ path: 'f/x', type: 'file' }, 'its path passes through the file "f" extracted earlier'],
  [{ path: 'f', type: 'dir' }, 'it would replace a file extracted earlier with a directory'],
  [{ path: 'd', type: 'file' }, 'it would replace a directory extracted earlier'],
  [{ path: 'h', type: 'hardlink', linkpath: 'l' }, 'its hardlink target "l" is not a regular file extracted earlier'],
  [{ path: 'h', type: 'hardlink', linkpath: 'd' }, 'its hardlink target "d" is not a regular file extracted earlier'],
  [{ path: 'f', type: 'hardlink', linkpath: 'f' }, 'it is a hardlink to itself'],
  [{ path: '.', type: 'file' }, 'it names the destination directory itself'],
  [{ path: 'x', type: 'unknown', typeflag: 'V' }, 'it has an unsupported type "V"'],
];
for (const [entry, reason] of refusals) {
  test(`refuses ${JSON.stringify(entry)}`, (t) => {
    t.deepEqual(planEntry({ ...base, path: '', type: 'file', ...entry }, seen), { kind: 'refuse', reason });
  });
}
