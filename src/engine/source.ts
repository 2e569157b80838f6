// Where `paradrop install` takes a chute from: a chute directory, a chute.json file, or the URL of
// a chute.json (fetched into a private temporary directory, then read like a file; its file
// locations should be @paradrop.server(...) or URLs, as a relative path has nothing to be relative
// to). Returns the normalized chute and the notes the loader made.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadChute } from '../chute/load.js';
import type { Chute } from '../chute/types.js';
import { ParadropError, quote } from '../errors.js';
import { httpGet } from '../platform/fetch/http-get.js';

/** A chute.json is a few kB; the same cap as the loader's per-part limit. */
const MAX_CHUTE_JSON = 1024 * 1024;

export interface ChuteFromSource {
  chute: Chute;
  /** What to record as its source: the absolute path, or the URL. */
  source: string;
  notes: string[];
}

export async function loadChuteSource(arg: string, cwd: string, timeoutMs = 30_000): Promise<ChuteFromSource> {
  if (!/^https?:\/\//i.test(arg)) {
    const path = resolve(cwd, arg);
    const { chute, source } = await loadChute(path, { label: arg });
    return { chute, source: path, notes: source.notes };
  }
  const res = await httpGet(arg, { timeoutMs, maxBytes: MAX_CHUTE_JSON, fileName: 'chute.json' });
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > MAX_CHUTE_JSON) {
        throw new ParadropError('FILE_TOO_LARGE', `chute ${quote(arg)} is larger than ${MAX_CHUTE_JSON} bytes; a chute.json is a few kB`,
          { value: arg, expected: `at most ${MAX_CHUTE_JSON} bytes` });
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof ParadropError) throw err;
    throw new ParadropError('FETCH_FAILED', `cannot read chute ${quote(arg)}: ${(err as Error).message}`, { value: arg, cause: err });
  } finally {
    res.body.destroy();
  }
  const dir = await mkdtemp(join(tmpdir(), 'paradrop-chute-'));
  try {
    const file = join(dir, 'chute.json');
    await writeFile(file, Buffer.concat(chunks), { mode: 0o600 });
    const { chute, source } = await loadChute(file, { label: arg });
    return { chute, source: arg, notes: source.notes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
