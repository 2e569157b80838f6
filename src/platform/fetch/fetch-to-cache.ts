// Brings one chute file into the hash-keyed cache: looks in the cache first (re-hashing the entry,
// see cache.ts), else resolves the location, streams it (HTTP or a local file) through the hash
// into a temporary file and renames it into place only when the hash matches.
// Used by the engine's fetch step for `paradrop install` and updates.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import debug from '../../log.js';
import { ParadropError, quote } from '../../errors.js';
import type { ChuteFile } from '../../chute/types.js';
import { cleanCacheTemps, lookupCache, storeVerified } from './cache.js';
import { checkHash } from './hash.js';
import { httpGet } from './http-get.js';
import { percentOf, type Progress } from './progress.js';
import { resolveLocation, type Store } from './resolve-location.js';

const log = debug('paradrop:fetch:fetch-to-cache');

export interface FetchOptions {
  store: Store;
  cacheDir: string;
  onProgress?: (p: Progress) => void;
  /** Longest wait without progress (connect, headers, body). */
  timeoutMs: number;
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Optional bound on the whole transfer, in ms. */
  deadlineMs?: number;
  maxRedirects?: number;
  /** Directory of the chute, for relative `file` locations. */
  chuteDir?: string;
}

export interface FetchResult {
  path: string;
  /** True when the cache already held the file and nothing was read from its location. */
  cached: boolean;
  bytes: number;
}

function locationText(file: ChuteFile): string {
  const l = file.location;
  return l.kind === 'store' ? `@paradrop.server(${l.path})` : l.kind === 'url' ? l.url : quote(l.path);
}

function whereText(file: ChuteFile, store: Store): string {
  if (file.location.kind !== 'store') return '';
  return ` in the store ${store.kind === 'dir' ? store.path : store.base}`;
}

export async function fetchToCache(file: ChuteFile, opts: FetchOptions): Promise<FetchResult> {
  const hash = checkHash(file.hash, file.name);
  // Partial downloads of killed processes would otherwise stay on flash for ever.
  await cleanCacheTemps(opts.cacheDir);
  const hit = await lookupCache(opts.cacheDir, hash);
  if (hit !== undefined) {
    log('cache hit %s for %s', quote(hit.path), quote(file.name));
    return { path: hit.path, cached: true, bytes: hit.bytes };
  }
  const source = resolveLocation(file.location, opts.store, {
    fileName: file.name,
    ...(opts.chuteDir === undefined ? {} : { chuteDir: opts.chuteDir }),
  });
  const store = (origin: string, body: AsyncIterable<Buffer>) =>
    storeVerified(body, { cacheDir: opts.cacheDir, hash, maxBytes: opts.maxBytes, fileName: file.name, origin });

  if (source.kind === 'file') {
    const origin = source.path;
    let size: number;
    try {
      const st = await stat(source.path);
      if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      size = st.size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ParadropError('FILE_NOT_FOUND', `file ${quote(file.name)}: ${locationText(file)} does not exist${whereText(file, opts.store)}`,
          { path: `files.${file.name}.location`, value: source.path, expected: 'an existing file' });
      }
      throw new ParadropError('FETCH_FAILED', `file ${quote(file.name)}: cannot read ${quote(source.path)}: ${(err as Error).message}`,
        { path: `files.${file.name}.location`, value: source.path, expected: 'a readable regular file', cause: err });
    }
    if (size > opts.maxBytes) {
      throw new ParadropError('FILE_TOO_LARGE', `file ${quote(file.name)} at ${quote(origin)} has ${size} bytes, more than the limit of ${opts.maxBytes}`,
        { path: `files.${file.name}`, value: size, expected: `at most ${opts.maxBytes} bytes` });
    }
    const stream = createReadStream(source.path);
    // Reading starts later (storeVerified prepares its file first); the iteration reports errors.
    stream.on('error', () => undefined);
    const body = counted(stream, file.name, size, opts.onProgress);
    try {
      const got = await store(quote(origin), body);
      return { path: got.path, cached: false, bytes: got.bytes };
    } finally {
      stream.destroy();
    }
  }

  const controller = new AbortController();
  const abortReason = `the deadline of ${opts.deadlineMs} ms passed`;
  const deadline = opts.deadlineMs === undefined ? undefined : setTimeout(() => controller.abort(), opts.deadlineMs);
  try {
    const res = await httpGet(source.url, {
      timeoutMs: opts.timeoutMs,
      maxBytes: opts.maxBytes,
      signal: controller.signal,
      abortReason,
      fileName: file.name,
      ...(opts.maxRedirects === undefined ? {} : { maxRedirects: opts.maxRedirects }),
    }).catch((err: unknown) => {
      if (err instanceof ParadropError && err.code === 'FILE_NOT_FOUND') {
        throw new ParadropError('FILE_NOT_FOUND', `${err.message}: ${locationText(file)} does not exist${whereText(file, opts.store)}`,
          { path: `files.${file.name}.location`, value: source.url, expected: 'an existing file', cause: err });
      }
      throw err;
    });
    const origin = res.url === source.url ? source.url : `${source.url} (redirected to ${res.url})`;
    log('GET %s: %s bytes announced', res.url, res.total ?? 'unknown');
    try {
      const got = await store(origin, counted(res.body, file.name, res.total, opts.onProgress));
      if (res.total !== undefined && got.bytes !== res.total) {
        // Unreachable in practice: node fails short bodies itself; kept so a short read is never silent.
        throw new ParadropError('FETCH_FAILED', `file ${quote(file.name)}: GET ${origin} ended after ${got.bytes} of ${res.total} bytes`,
          { value: got.bytes, expected: `${res.total} bytes` });
      }
      return { path: got.path, cached: false, bytes: got.bytes };
    } catch (err) {
      res.body.destroy();
      if (err instanceof ParadropError) throw err;
      const why = controller.signal.aborted ? abortReason : (err as Error).message;
      throw new ParadropError('FETCH_FAILED', `file ${quote(file.name)}: GET ${origin} failed: ${why}`,
        { path: `files.${file.name}.location`, value: source.url, expected: 'the whole file', cause: err });
    }
  } finally {
    if (deadline !== undefined) clearTimeout(deadline);
  }
}

/** Passes chunks through, reporting progress after each. */
async function* counted(source: AsyncIterable<Buffer>, name: string, total: number | undefined,
  onProgress: ((p: Progress) => void) | undefined): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (onProgress !== undefined) {
      onProgress(total === undefined ? { name, bytes } : { name, bytes, total, percent: percentOf(bytes, total) });
    }
    yield chunk;
  }
}
