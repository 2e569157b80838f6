// resolveLocation and store settings (pure), table-driven: what each location resolves to, and
// the exact refusal for every way out of the store.
import test from 'ava';
import { resolveLocation, storeFromSetting, type Store } from '../../../src/platform/fetch/resolve-location.js';
import type { FileLocation } from '../../../src/chute/types.js';
import { ParadropError, type ErrorCode } from '../../../src/errors.js';

const dir: Store = { kind: 'dir', path: '/usr/share/paradrop/files' };
const url: Store = { kind: 'url', base: 'https://store.example/chutes' };

const ok: { loc: FileLocation; store: Store; want: ReturnType<typeof resolveLocation>; chuteDir?: string }[] = [
  { loc: { kind: 'store', path: 'seccam/site.tar.gz' }, store: dir, want: { kind: 'file', path: '/usr/share/paradrop/files/seccam/site.tar.gz' } },
  { loc: { kind: 'store', path: 'seccam/site.tar.gz' }, store: url, want: { kind: 'url', url: 'https://store.example/chutes/seccam/site.tar.gz' } },
  { loc: { kind: 'store', path: 'a b/c#d?.txt' }, store: url, want: { kind: 'url', url: 'https://store.example/chutes/a%20b/c%23d%3F.txt' } },
  { loc: { kind: 'store', path: '...' }, store: dir, want: { kind: 'file', path: '/usr/share/paradrop/files/...' } },
  { loc: { kind: 'store', path: 'x' }, store: { kind: 'url', base: 'http://h/base/?q=1#f' }, want: { kind: 'url', url: 'http://h/base/x' } },
  { loc: { kind: 'url', url: 'http://10.0.0.1:8080/x.tar' }, store: dir, want: { kind: 'url', url: 'http://10.0.0.1:8080/x.tar' } },
  { loc: { kind: 'url', url: 'file:///srv/x%20y.tar' }, store: dir, want: { kind: 'file', path: '/srv/x y.tar' } },
  { loc: { kind: 'file', path: '/srv/./a//b.tar' }, store: dir, want: { kind: 'file', path: '/srv/a/b.tar' } },
  { loc: { kind: 'file', path: 'files/b.tar' }, store: dir, chuteDir: '/home/u/seccam', want: { kind: 'file', path: '/home/u/seccam/files/b.tar' } },
];

for (const c of ok) {
  test(`resolves ${JSON.stringify(c.loc)} with a ${c.store.kind} store`, (t) => {
    t.deepEqual(resolveLocation(c.loc, c.store, c.chuteDir === undefined ? {} : { chuteDir: c.chuteDir }), c.want);
  });
}

const bad: { loc: FileLocation; store: Store; code: ErrorCode; message: string }[] = [
  { loc: { kind: 'store', path: '../x' }, store: dir, code: 'STORE_PATH_INVALID', message: 'file "f": store path "../x" is refused: it has a ".." part' },
  { loc: { kind: 'store', path: 'a/./b' }, store: dir, code: 'STORE_PATH_INVALID', message: 'file "f": store path "a/./b" is refused: it has a "." part' },
  { loc: { kind: 'store', path: '/etc/passwd' }, store: url, code: 'STORE_PATH_INVALID', message: 'file "f": store path "/etc/passwd" is refused: it is absolute' },
  { loc: { kind: 'store', path: 'a//b' }, store: url, code: 'STORE_PATH_INVALID', message: 'file "f": store path "a//b" is refused: it has an empty part ("//" or a trailing "/")' },
  { loc: { kind: 'store', path: '%2e%2e/x' }, store: url, code: 'STORE_PATH_INVALID', message: 'file "f": store path "%2e%2e/x" is refused: its part "%2e%2e" decodes to ".." (encoded traversal)' },
  { loc: { kind: 'store', path: 'a%2F..%2Fb' }, store: url, code: 'STORE_PATH_INVALID', message: 'file "f": store path "a%2F..%2Fb" is refused: its part "a%2F..%2Fb" decodes to "a/../b" (encoded traversal)' },
  { loc: { kind: 'store', path: '%25252e%25252e' }, store: url, code: 'STORE_PATH_INVALID', message: 'file "f": store path "%25252e%25252e" is refused: its part "%25252e%25252e" decodes to ".." (encoded traversal)' },
  { loc: { kind: 'store', path: 'a\\b' }, store: dir, code: 'STORE_PATH_INVALID', message: 'file "f": store path "a\\\\b" is refused: it contains a backslash' },
  { loc: { kind: 'store', path: 'C:x' }, store: dir, code: 'STORE_PATH_INVALID', message: 'file "f": store path "C:x" is refused: it starts with a drive letter' },
  { loc: { kind: 'store', path: 'a\nb' }, store: dir, code: 'STORE_PATH_INVALID', message: 'file "f": store path "a\\nb" is refused: it contains a control character' },
  { loc: { kind: 'url', url: 'ftp://h/x' }, store: dir, code: 'FIELD_INVALID', message: 'file "f": location "ftp://h/x" has an unsupported scheme "ftp:"' },
  { loc: { kind: 'url', url: 'not a url' }, store: dir, code: 'FIELD_INVALID', message: 'file "f": location "not a url" is not a valid URL' },
  { loc: { kind: 'file', path: 'rel.tar' }, store: dir, code: 'FIELD_INVALID', message: 'file "f": relative file location "rel.tar" needs the chute\'s directory, and there is none' },
  { loc: { kind: 'store', path: 'x' }, store: { kind: 'url', base: 'ftp://h/' }, code: 'FIELD_INVALID', message: 'chute store "ftp://h/" is not an http(s) URL' },
];

for (const c of bad) {
  test(`refuses ${JSON.stringify(c.loc)} with a ${c.store.kind} store`, (t) => {
    const err = t.throws(() => resolveLocation(c.loc, c.store, { fileName: 'f' }), { instanceOf: ParadropError });
    t.is(err?.code, c.code);
    t.is(err?.message, c.message);
  });
}

test('store settings: URL bases and directories', (t) => {
  t.deepEqual(storeFromSetting('https://s.example/c', '/pkg/files'), { kind: 'url', base: 'https://s.example/c/' });
  t.deepEqual(storeFromSetting('/srv/store', '/pkg/files'), { kind: 'dir', path: '/srv/store' });
  t.deepEqual(storeFromSetting('examples', '/pkg/files'), { kind: 'dir', path: '/pkg/files/examples' });
});
