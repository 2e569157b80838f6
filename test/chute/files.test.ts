// files: names, paths inside the chute, locations (store, URL, file), hashes; hostile paths included.
import test from 'ava';
import { parseChute } from '../../src/chute/parse.js';
import { type Case, HEX40, HEX64, edited, messagesOf, problemsOf } from './helpers.js';

test('files: the base file is normalized field by field', (t) => {
  const { files } = parseChute(edited((c) => {
    c.files.push({ name: 'root', path: '/root/seccam.js', location: 'https://store.example/seccam.js', sha256: HEX64.toUpperCase() });
  }));
  t.deepEqual(files, [
    { name: 'www', path: '/srv/www', location: { kind: 'store', path: 'seccam/www.tar.gz' }, hash: { algorithm: 'sha1', hex: HEX40 }, extract: true },
    { name: 'root', path: '/root/seccam.js', location: { kind: 'url', url: 'https://store.example/seccam.js' }, hash: { algorithm: 'sha256', hex: HEX64 }, extract: false },
  ]);
});

const locationOf = (location: string, baseDir?: string): unknown =>
  parseChute(edited((c) => { c.files[0].location = location; }), baseDir === undefined ? {} : { baseDir }).files[0]!.location;

test('files: locations', (t) => {
  t.deepEqual(locationOf('@paradrop.server( seccam/www/a-1_b.tar.gz )'), { kind: 'store', path: 'seccam/www/a-1_b.tar.gz' });
  t.deepEqual(locationOf('http://10.0.0.1:8080/a.tar.gz'), { kind: 'url', url: 'http://10.0.0.1:8080/a.tar.gz' });
  t.deepEqual(locationOf('/opt//chutes/./www.tar.gz'), { kind: 'file', path: '/opt/chutes/www.tar.gz' });
  t.deepEqual(locationOf('www.tar.gz', '/srv/chutes/seccam'), { kind: 'file', path: '/srv/chutes/seccam/www.tar.gz' });
  t.deepEqual(locationOf('./sub/www.tar.gz', '/srv/chutes/seccam'), { kind: 'file', path: '/srv/chutes/seccam/sub/www.tar.gz' });
});

const f0 = 'files[0]';
const cases: Case[] = [
  // the chapter's misprints
  { title: 'shal for sha1', edit: (c) => { c.files[0].shal = c.files[0].sha1; delete c.files[0].sha1; }, messages: [`${f0}: unknown field "shal" (did you mean "sha1"?)`] },
  { title: 'shal holding a non-hex hash', edit: (c) => { c.files[0].shal = '1633eald6351929cc2c8717d1611dcb41681b585'; delete c.files[0].sha1; },
    messages: [`${f0}: unknown field "shal" (did you mean "sha1"?)`, `${f0}.shal: "1633eald6351929cc2c8717d1611dcb41681b585" is not a SHA-1 hash: "l" at character 7 is not a hex digit (expected 40 hex digits)`] },
  { title: 'non-hex sha1', edit: (c) => { c.files[0].sha1 = '1633eald6351929cc2c8717d1611dcb41681b585'; },
    messages: [`${f0}.sha1: "1633eald6351929cc2c8717d1611dcb41681b585" is not a SHA-1 hash: "l" at character 7 is not a hex digit (expected 40 hex digits)`] },
  { title: 'short sha1', edit: (c) => { c.files[0].sha1 = HEX40.slice(1); }, messages: [`${f0}.sha1: "${HEX40.slice(1)}" is not a SHA-1 hash: it has 39 digits (expected 40 hex digits)`] },
  { title: 'sha1 as sha256', edit: (c) => { c.files[0].sha256 = HEX40; delete c.files[0].sha1; }, messages: [`${f0}.sha256: "${HEX40}" is not a SHA-256 hash: it has 40 digits (expected 64 hex digits)`] },
  { title: 'sha1 a number', edit: (c) => { c.files[0].sha1 = 526; }, messages: [`${f0}.sha1: must be a string, not a number (526)`] },
  { title: 'two hashes', edit: (c) => { c.files[0].sha256 = HEX64; }, messages: [`${f0}.sha256: give "sha1" or "sha256", not both`] },
  { title: 'no hash', edit: (c) => { delete c.files[0].sha1; }, messages: [`${f0}: missing field "sha1" (or "sha256"): the file is verified before the chute starts`] },
  // path inside the chute
  { title: 'relative path', edit: (c) => { c.files[0].path = 'srv/www'; }, messages: [`${f0}.path: "srv/www" is not an absolute path (expected e.g. "/srv/www")`] },
  { title: 'path climbing out', edit: (c) => { c.files[0].path = '/srv/../../etc/shadow'; }, messages: [`${f0}.path: "/srv/../../etc/shadow" contains ".." (expected an absolute path inside the chute, without "..")`] },
  { title: 'path of the root', edit: (c) => { c.files[0].path = '//./'; }, messages: [`${f0}.path: "//./" is the chute's root directory (expected a file or directory below "/")`] },
  { title: 'path with NUL', edit: (c) => { c.files[0].path = '/srv/\u0000www'; }, messages: [`${f0}.path: "/srv/\\u0000www" contains a control character (expected an absolute path inside the chute, without "..")`] },
  { title: 'path normalized', edit: (c) => { c.files[0].path = '//srv/./www/'; c.files.push({ name: 'b', path: '/srv/www', location: '/x', sha1: HEX40 }); }, messages: ['files[1].path: "/srv/www" is already the path of files[0] (to place several files in a directory, end the path with "/": "/srv/www/")'] },
  { title: 'path of a directory keeps its "/"; the file lands inside under its location\'s name', edit: (c) => {
    c.files.push({ name: 'a', path: '/root/', location: '@paradrop.server(seccam/a.py)', sha1: HEX40 }, { name: 'b', path: '/root//', location: 'https://x.example/b.py?v=1', sha1: HEX40 });
  }, messages: [] },
  { title: 'two files landing on one path through a directory path', edit: (c) => {
    c.files.push({ name: 'a', path: '/root/', location: '@paradrop.server(seccam/a.py)', sha1: HEX40 }, { name: 'b', path: '/root/a.py', location: '/x', sha1: HEX40 });
  }, messages: ['files[2].path: "/root/a.py" is already the path of files[1]'] },
  { title: 'a directory path with a location ending in no file name', edit: (c) => {
    c.files.push({ name: 'a', path: '/root/', location: 'https://x.example/', sha1: HEX40 });
  }, messages: ['files[1].path: "/root/" names a directory, but the location "https://x.example/" ends in no plain file name to place in it (expected a full file path, e.g. "/root/app.js")'] },
  // location
  { title: 'store path climbing out', edit: (c) => { c.files[0].location = '@paradrop.server(../../etc/shadow)'; }, messages: [`${f0}.location: "@paradrop.server(../../etc/shadow)": the store path has a ".." segment`] },
  { title: 'store path hidden climb', edit: (c) => { c.files[0].location = '@paradrop.server(seccam/./../../x)'; }, messages: [`${f0}.location: "@paradrop.server(seccam/./../../x)": the store path has a "." segment`] },
  { title: 'store path with an empty segment', edit: (c) => { c.files[0].location = '@paradrop.server(seccam//x)'; }, messages: [`${f0}.location: "@paradrop.server(seccam//x)": the store path has an empty segment ("//" or a trailing "/")`] },
  { title: 'store path percent-encoded', edit: (c) => { c.files[0].location = '@paradrop.server(seccam/%252e%252e/x)'; }, messages: [`${f0}.location: "@paradrop.server(seccam/%252e%252e/x)": the store path has the character "%" (expected letters, digits, ".", "_", "-" and "/")`] },
  { title: 'store path with a space', edit: (c) => { c.files[0].location = '@paradrop.server(sec cam/x)'; }, messages: [`${f0}.location: "@paradrop.server(sec cam/x)": the store path has the character " " (expected letters, digits, ".", "_", "-" and "/")`] },
  { title: 'store macro called twice', edit: (c) => { c.files[0].location = '@paradrop.server(x)(y)'; }, messages: [`${f0}.location: "@paradrop.server(x)(y)" is not a well-formed macro (expected @name or @name(ARGS))`] },
  { title: 'store path absolute', edit: (c) => { c.files[0].location = '@paradrop.server(/etc/shadow)'; }, messages: [`${f0}.location: "@paradrop.server(/etc/shadow)": the store path is absolute (expected a path relative to the chute store)`] },
  { title: 'store path empty', edit: (c) => { c.files[0].location = '@paradrop.server()'; }, messages: [`${f0}.location: "@paradrop.server()": the store path names no file`] },
  { title: 'store path with a backslash', edit: (c) => { c.files[0].location = '@paradrop.server(..\\..\\x)'; }, messages: [`${f0}.location: "@paradrop.server(..\\\\..\\\\x)": the store path has the character "\\\\" (expected letters, digits, ".", "_", "-" and "/")`] },
  { title: 'store macro unbalanced', edit: (c) => { c.files[0].location = '@paradrop.server(x'; }, messages: [`${f0}.location: "@paradrop.server(x" is not a well-formed macro (expected @name or @name(ARGS))`] },
  { title: 'store macro misspelt', edit: (c) => { c.files[0].location = '@paradrop.srever(x)'; }, messages: [`${f0}.location: unknown macro "@paradrop.srever" (did you mean "@paradrop.server"?); known here: @paradrop.server(PATH)`] },
  { title: 'retired 2014 macro', edit: (c) => { c.files[0].location = '@paradrop.chute(x)'; }, messages: [`${f0}.location: unknown macro "@paradrop.chute": not supported, use @paradrop.server(PATH), a URL or a path relative to the chute directory; known here: @paradrop.server(PATH)`] },
  { title: 'macro from elsewhere', edit: (c) => { c.files[0].location = '@resource.cpu.DEFAULT'; }, messages: [`${f0}.location: macro "@resource.cpu.DEFAULT" belongs in resource.cpu, not here`] },
  { title: 'unsupported scheme', edit: (c) => { c.files[0].location = 'ftp://x/y'; }, messages: [`${f0}.location: "ftp://x/y" uses an unsupported scheme (expected @paradrop.server(PATH), an http(s) URL, an absolute path or a path relative to the chute directory)`] },
  { title: 'URL without host', edit: (c) => { c.files[0].location = 'http://'; }, messages: [`${f0}.location: "http://" is not a valid URL`] },
  { title: 'relative location climbing out', edit: (c) => { c.files[0].location = '../secret'; }, messages: [`${f0}.location: "../secret" contains ".." (expected @paradrop.server(PATH), an http(s) URL, an absolute path or a path relative to the chute directory)`] },
  { title: 'relative location without a directory', edit: (c) => { c.files[0].location = 'www.tar.gz'; }, messages: [`${f0}.location: "www.tar.gz" is relative, but this chute has no directory to resolve it against`] },
  { title: 'location missing', edit: (c) => { delete c.files[0].location; }, messages: [`${f0}: missing field "location" (expected @paradrop.server(PATH), an http(s) URL, an absolute path or a path relative to the chute directory)`] },
  // todo, names, shapes
  { title: 'todo in lower case', edit: (c) => { c.files[0].todo = 'extract'; }, messages: [] },
  { title: 'todo unknown', edit: (c) => { c.files[0].todo = 'UNPACK'; }, messages: [`${f0}.todo: "UNPACK" is not a file action (expected "EXTRACT")`] },
  { title: 'name twice', edit: (c) => { c.files.push({ ...c.files[0], path: '/srv/other' }); }, messages: ['files[1].name: "www" is already the name of files[0]'] },
  { title: 'name missing', edit: (c) => { delete c.files[0].name; }, messages: [`${f0}: missing field "name" (expected a string)`] },
  { title: 'files an object', edit: (c) => { c.files = c.files[0]; }, messages: ['files: must be a list of files, not an object'] },
  { title: 'file a string', edit: (c) => { c.files = ['www']; }, messages: [`${f0}: must be an object, not a string ("www")`] },
  { title: 'file null', edit: (c) => { c.files = [null]; }, messages: [`${f0}: must be an object, not null`] },
  { title: 'unknown field without a suggestion', edit: (c) => { c.files[0].mode = '0644'; }, messages: [`${f0}: unknown field "mode" (expected one of: name, path, location, sha1, sha256, todo)`] },
];

for (const c of cases) {
  test(`files: ${c.title}`, (t) => {
    t.deepEqual(messagesOf(edited(c.edit)), c.messages);
  });
}

test('files: misprints point at the misprinted key', (t) => {
  const problems = problemsOf(edited((c) => { c.files[0].shal = '1633eald6351929cc2c8717d1611dcb41681b585'; delete c.files[0].sha1; }));
  t.deepEqual(problems.map((p) => [p.code, p.path]), [['FIELD_UNKNOWN', 'files[0].shal'], ['FIELD_INVALID', 'files[0].shal']]);
});

test('files: a plain file\'s directory path keeps its "/"; an archive\'s does not', (t) => {
  const { files } = parseChute(edited((c) => {
    c.files[0].path = '/srv/www/';
    c.files.push({ name: 'a', path: '/root/', location: '@paradrop.server(seccam/a.py)', sha1: HEX40 });
  }));
  t.deepEqual(files.map((f) => f.path), ['/srv/www', '/root/']);
});
