// fetchToCache against a real HTTP server on 127.0.0.1: verification, cache hits (counted
// requests), redirects, HTTP errors, timeouts, size caps, both store kinds and local files.
import test from 'ava';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetchToCache, type FetchOptions } from '../../../src/platform/fetch/fetch-to-cache.js';
import { cacheEntryPath, cleanCacheTemps } from '../../../src/platform/fetch/cache.js';
import type { Progress } from '../../../src/platform/fetch/progress.js';
import type { ChuteFile, FileLocation } from '../../../src/chute/types.js';
import { ParadropError, type ErrorCode } from '../../../src/errors.js';
import { serve, startServer, type TestServer } from './helpers/http-server.js';
import { makeTemp, removeTemp, sha } from './helpers/tree.js';

const A = 'hello from the chute store\n';
const BIG = Buffer.alloc(300 * 1024, 7);

let server: TestServer;
const temps: string[] = [];

test.before(async () => {
  server = await startServer({
    '/a.txt': serve(A),
    '/a2.txt': serve(A),
    '/a3.txt': serve(A),
    '/a4.txt': serve(A),
    '/a5.txt': serve(A),
    '/once.txt': serve(A),
    '/big.bin': serve(BIG),
    '/redirect': (_req, res) => { res.statusCode = 302; res.setHeader('location', '/a2.txt'); res.end(); },
    '/relative-redirect': (_req, res) => { res.statusCode = 307; res.setHeader('location', 'a5.txt'); res.end(); },
    '/loop': (_req, res) => { res.statusCode = 301; res.setHeader('location', '/loop'); res.end(); },
    '/server-error': (_req, res) => { res.statusCode = 500; res.end('boom'); },
    '/slow-headers': () => { /* never answers */ },
    '/slow-body': (_req, res) => { res.setHeader('content-length', 100); res.write('0123456789'); },
    '/huge-announced': (_req, res) => { res.setHeader('content-length', 50 * 1024 * 1024); res.write('x'); },
    '/huge-chunked': (_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const pump = () => {
        // Bounded so a broken client can't make the test run forever.
        while (sent < 64 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) { res.once('drain', pump); return; }
        }
        res.end();
      };
      pump();
    },
    '/store/sub/x.txt': serve('store file\n'),
    '/store/my%20file.txt': serve('spaced\n'),
  });
});

test.after.always(async () => {
  await server.close();
  for (const d of temps) removeTemp(d);
});

function setup(): { cacheDir: string; storeDir: string; opts: FetchOptions } {
  const dir = makeTemp('fetch');
  temps.push(dir);
  const cacheDir = join(dir, 'cache');
  const storeDir = join(dir, 'store');
  mkdirSync(join(storeDir, 'sub'), { recursive: true });
  writeFileSync(join(storeDir, 'sub', 'x.txt'), 'store file\n');
  return { cacheDir, storeDir, opts: { store: { kind: 'dir', path: storeDir }, cacheDir, timeoutMs: 2000, maxBytes: 1024 * 1024 } };
}

function chuteFile(location: FileLocation, body: string | Buffer, algorithm: 'sha1' | 'sha256' = 'sha1', name = 'site'): ChuteFile {
  return { name, path: '/srv/file', location, hash: { algorithm, hex: sha(algorithm, body) }, extract: false };
}

/** Nothing half-written may stay behind after a failure. */
function assertCacheEmpty(t: import('ava').ExecutionContext, cacheDir: string): void {
  for (const sub of ['tmp', 'sha1', 'sha256']) {
    const p = join(cacheDir, sub);
    t.deepEqual(existsSync(p) ? readdirSync(p) : [], [], `${sub} holds no file`);
  }
}

test('an http file is fetched, verified and cached; the second fetch makes no request', async (t) => {
  const { opts, cacheDir } = setup();
  const file = chuteFile({ kind: 'url', url: `${server.url}/once.txt` }, A);
  const first = await fetchToCache(file, opts);
  t.false(first.cached);
  t.is(first.bytes, Buffer.byteLength(A));
  t.is(first.path, cacheEntryPath(cacheDir, file.hash));
  t.is(readFileSync(first.path, 'utf8'), A);
  t.is(server.count('/once.txt'), 1);
  const second = await fetchToCache(file, opts);
  t.true(second.cached);
  t.is(second.path, first.path);
  t.is(server.count('/once.txt'), 1, 'the cache hit made zero requests');
  t.deepEqual(readdirSync(join(cacheDir, 'tmp')), []);
});

test('sha256 is accepted, and an upper-case hash is the same key', async (t) => {
  const { opts } = setup();
  const file = chuteFile({ kind: 'url', url: `${server.url}/a4.txt` }, A, 'sha256');
  file.hash.hex = file.hash.hex.toUpperCase();
  const got = await fetchToCache(file, opts);
  t.is(readFileSync(got.path, 'utf8'), A);
  t.true(got.path.endsWith(join('sha256', sha('sha256', A))));
});

test('a hash mismatch names file, location, expected and actual hash; nothing is cached', async (t) => {
  const { opts, cacheDir } = setup();
  const wrong = sha('sha1', 'something else');
  const file: ChuteFile = { ...chuteFile({ kind: 'url', url: `${server.url}/a.txt` }, A), hash: { algorithm: 'sha1', hex: wrong } };
  const err = await t.throwsAsync(fetchToCache(file, opts), { instanceOf: ParadropError });
  t.is(err?.code, 'HASH_MISMATCH');
  t.regex(err?.message ?? '', /file "site"/);
  t.true(err?.message.includes(`${server.url}/a.txt`));
  t.true(err?.message.includes(`expected ${wrong}`));
  t.true(err?.message.includes(`got ${sha('sha1', A)}`));
  assertCacheEmpty(t, cacheDir);
});

test('redirects are followed (absolute and relative Location)', async (t) => {
  const { opts } = setup();
  const a = await fetchToCache(chuteFile({ kind: 'url', url: `${server.url}/redirect` }, A), opts);
  t.is(readFileSync(a.path, 'utf8'), A);
  const { opts: opts2 } = setup();
  const b = await fetchToCache(chuteFile({ kind: 'url', url: `${server.url}/relative-redirect` }, A), opts2);
  t.is(readFileSync(b.path, 'utf8'), A);
});

const failures: { title: string; path: string; code: ErrorCode; pattern: RegExp; extra?: Partial<FetchOptions> }[] = [
  { title: '404', path: '/missing.txt', code: 'FILE_NOT_FOUND', pattern: /GET http:\/\/127\.0\.0\.1:\d+\/missing\.txt failed: HTTP 404 Not Found/ },
  { title: '500', path: '/server-error', code: 'FETCH_FAILED', pattern: /\/server-error failed: HTTP 500/ },
  { title: 'a redirect loop', path: '/loop', code: 'FETCH_FAILED', pattern: /\/loop failed: more than 5 redirects/ },
  { title: 'no headers in time', path: '/slow-headers', code: 'FETCH_FAILED', pattern: /\/slow-headers failed: no progress for 300 ms \(timeout\)/, extra: { timeoutMs: 300 } },
  { title: 'a stalled body', path: '/slow-body', code: 'FETCH_FAILED', pattern: /\/slow-body failed: no progress for 300 ms \(timeout\)/, extra: { timeoutMs: 300 } },
  { title: 'an announced size over the cap', path: '/huge-announced', code: 'FILE_TOO_LARGE', pattern: /announces 52428800 bytes, more than the limit of 1048576/ },
  { title: 'a streamed body over the cap', path: '/huge-chunked', code: 'FILE_TOO_LARGE', pattern: /from http:\/\/127\.0\.0\.1:\d+\/huge-chunked is larger than the limit of 1048576 bytes/ },
  { title: 'a deadline', path: '/slow-body', code: 'FETCH_FAILED', pattern: /\/slow-body failed: the deadline of 200 ms passed/, extra: { deadlineMs: 200 } },
];

for (const f of failures) {
  test(`fetch fails on ${f.title}: the error names the URL, nothing is cached`, async (t) => {
    const { opts, cacheDir } = setup();
    const file = chuteFile({ kind: 'url', url: `${server.url}${f.path}` }, A);
    const err = await t.throwsAsync(fetchToCache(file, { ...opts, ...f.extra }), { instanceOf: ParadropError });
    t.is(err?.code, f.code);
    t.regex(err?.message ?? '', f.pattern);
    t.regex(err?.message ?? '', /file "site"/);
    assertCacheEmpty(t, cacheDir);
  });
}

test('a connection refused names the URL', async (t) => {
  const { opts } = setup();
  // Port 1 on loopback: nothing listens there in the test environment.
  const err = await t.throwsAsync(fetchToCache(chuteFile({ kind: 'url', url: 'http://127.0.0.1:1/x' }, A), opts), { instanceOf: ParadropError });
  t.is(err?.code, 'FETCH_FAILED');
  t.regex(err?.message ?? '', /GET http:\/\/127\.0\.0\.1:1\/x failed: .*ECONNREFUSED/);
});

test('the store as a directory', async (t) => {
  const { opts } = setup();
  const got = await fetchToCache(chuteFile({ kind: 'store', path: 'sub/x.txt' }, 'store file\n'), opts);
  t.is(readFileSync(got.path, 'utf8'), 'store file\n');
});

test('the store as a URL base; PATH is literal and percent-encoded', async (t) => {
  const { opts } = setup();
  const store = { kind: 'url' as const, base: `${server.url}/store` };
  const got = await fetchToCache(chuteFile({ kind: 'store', path: 'sub/x.txt' }, 'store file\n'), { ...opts, store });
  t.is(readFileSync(got.path, 'utf8'), 'store file\n');
  t.is(server.count('/store/sub/x.txt'), 1);
  const spaced = await fetchToCache(chuteFile({ kind: 'store', path: 'my file.txt' }, 'spaced\n'), { ...opts, store });
  t.is(readFileSync(spaced.path, 'utf8'), 'spaced\n');
});

for (const path of ['../secret', 'sub/../../secret', '%2e%2e/secret', 'sub/%2E%2E/%2e%2e/x', '%252e%252e/x', '..%2fx', '/etc/passwd', 'a\\..\\b', '']) {
  test(`store path ${JSON.stringify(path)} is refused for both store kinds without a request`, async (t) => {
    const { opts, storeDir } = setup();
    // A server of its own, so that requests of tests running alongside don't count.
    const own = await startServer({});
    try {
      for (const store of [{ kind: 'dir' as const, path: storeDir }, { kind: 'url' as const, base: `${own.url}/store/` }]) {
        const err = await t.throwsAsync(fetchToCache(chuteFile({ kind: 'store', path }, 'x'), { ...opts, store }), { instanceOf: ParadropError });
        t.is(err?.code, 'STORE_PATH_INVALID');
        t.true(err?.message.includes(JSON.stringify(path)));
      }
      t.is(own.count(), 0);
    } finally {
      await own.close();
    }
  });
}

test('local files (absolute, file:// and relative to the chute) go through the same verification', async (t) => {
  const { opts, storeDir } = setup();
  const abs = join(storeDir, 'sub', 'x.txt');
  const body = 'store file\n';
  for (const location of [{ kind: 'file', path: abs }, { kind: 'url', url: pathToFileURL(abs).href }, { kind: 'file', path: 'sub/x.txt' }] as FileLocation[]) {
    const { opts: fresh } = setup();
    const got = await fetchToCache(chuteFile(location, body), { ...fresh, chuteDir: storeDir });
    t.is(readFileSync(got.path, 'utf8'), body);
    t.false(got.cached);
  }
  const err = await t.throwsAsync(fetchToCache({ ...chuteFile({ kind: 'file', path: abs }, body), hash: { algorithm: 'sha1', hex: sha('sha1', 'no') } }, opts), { instanceOf: ParadropError });
  t.is(err?.code, 'HASH_MISMATCH');
  t.true(err?.message.includes(abs));
  const missing = await t.throwsAsync(fetchToCache(chuteFile({ kind: 'file', path: join(storeDir, 'nope') }, body), opts), { instanceOf: ParadropError });
  t.is(missing?.code, 'FILE_NOT_FOUND');
  t.true(missing?.message.includes(join(storeDir, 'nope')));
});

test('a corrupt cache entry is not used: it is fetched again', async (t) => {
  const { opts, cacheDir } = setup();
  const file = chuteFile({ kind: 'url', url: `${server.url}/a3.txt` }, A);
  const before = server.count('/a3.txt');
  const first = await fetchToCache(file, opts);
  writeFileSync(first.path, 'flash rot');
  const again = await fetchToCache(file, opts);
  t.false(again.cached);
  t.is(readFileSync(again.path, 'utf8'), A);
  t.is(server.count('/a3.txt'), before + 2);
  t.is(again.path, cacheEntryPath(cacheDir, file.hash));
});

test('progress reports bytes, total and percent up to 100', async (t) => {
  const { opts } = setup();
  const seen: Progress[] = [];
  await fetchToCache(chuteFile({ kind: 'url', url: `${server.url}/big.bin` }, BIG, 'sha1', 'big'), { ...opts, onProgress: (p) => seen.push(p) });
  t.true(seen.length >= 1);
  const last = seen[seen.length - 1];
  t.deepEqual(last, { name: 'big', bytes: BIG.length, total: BIG.length, percent: 100 });
  for (let i = 1; i < seen.length; i++) t.true((seen[i]?.bytes ?? 0) > (seen[i - 1]?.bytes ?? 0));
});

test('a malformed hash is refused before it can name a cache path', async (t) => {
  const { opts } = setup();
  const file: ChuteFile = { ...chuteFile({ kind: 'url', url: `${server.url}/a.txt` }, A), hash: { algorithm: 'sha1', hex: '../../etc/passwd' } };
  const err = await t.throwsAsync(fetchToCache(file, opts), { instanceOf: ParadropError });
  t.is(err?.code, 'FIELD_INVALID');
  t.true(err?.message.includes('"../../etc/passwd"'));
});

test('a store file that does not exist is the author\'s mistake (FILE_NOT_FOUND): the error names the file, the location and the store', async (t) => {
  const { opts, storeDir } = setup();
  const file = chuteFile({ kind: 'store', path: 'nosuchfile.sh' }, A);
  const err = await t.throwsAsync(fetchToCache(file, opts), { instanceOf: ParadropError });
  t.is(err?.code, 'FILE_NOT_FOUND');
  t.is(err?.message, `file "site": @paradrop.server(nosuchfile.sh) does not exist in the store ${storeDir}`);
  const err2 = await t.throwsAsync(fetchToCache(file, { ...opts, store: { kind: 'url', base: `${server.url}/store/` } }), { instanceOf: ParadropError });
  t.is(err2?.code, 'FILE_NOT_FOUND');
  t.regex(err2?.message ?? '', /^file "site": GET http:\/\/127\.0\.0\.1:\d+\/store\/nosuchfile\.sh failed: HTTP 404 Not Found: @paradrop\.server\(nosuchfile\.sh\) does not exist in the store http:\/\/127\.0\.0\.1:\d+\/store\/$/);
});

test('cleanCacheTemps removes partial downloads of dead processes, keeps a live writer\'s; fetch starts with it', async (t) => {
  const { cacheDir, opts } = setup();
  mkdirSync(join(cacheDir, 'tmp'), { recursive: true });
  const dead = `sha1-x.${2 ** 22 + 999}.ab.tmp`;
  const live = `sha1-x.${process.pid}.ab.tmp`;
  for (const n of [dead, live, 'sha1-x.tmp']) writeFileSync(join(cacheDir, 'tmp', n), 'half');
  t.is(await cleanCacheTemps(cacheDir), 2);
  t.deepEqual(readdirSync(join(cacheDir, 'tmp')), [live]);
  writeFileSync(join(cacheDir, 'tmp', dead), 'half');
  await fetchToCache(chuteFile({ kind: 'url', url: `${server.url}/a.txt` }, A), opts);
  t.deepEqual(readdirSync(join(cacheDir, 'tmp')), [live], 'a fetch first sweeps what killed fetches left');
});

test('a deadline that passes before the headers names it too', async (t) => {
  const { opts, cacheDir } = setup();
  const file = chuteFile({ kind: 'url', url: `${server.url}/slow-headers` }, A);
  const err = await t.throwsAsync(fetchToCache(file, { ...opts, deadlineMs: 150 }), { instanceOf: ParadropError });
  t.is(err?.code, 'FETCH_FAILED');
  t.regex(err?.message ?? '', /^file "site": GET http:\/\/127\.0\.0\.1:\d+\/slow-headers failed: the deadline of 150 ms passed$/);
  assertCacheEmpty(t, cacheDir);
});
