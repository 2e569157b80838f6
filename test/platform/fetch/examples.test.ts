// The examples shipped in files/ (the default store) fetch, verify and place through the real
// code: their declared sha1 matches and their archives extract exactly what `tar -t` lists.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchToCache } from '../../../src/platform/fetch/fetch-to-cache.js';
import { placeFile } from '../../../src/platform/fetch/place-file.js';
import type { ChuteFile } from '../../../src/chute/types.js';
import { listTree, makeTemp, removeTemp } from './helpers/tree.js';

const examples = join(process.cwd(), 'files', 'usr', 'share', 'paradrop', 'examples');
const temps: string[] = [];
test.after.always(() => {
  for (const d of temps) removeTemp(d);
});

/** Just enough of Chute.files for this test; src/chute owns the real parser. */
function readFiles(dir: string): ChuteFile[] {
  const text = readFileSync(join(dir, 'Chute.files'), 'utf8');
  return [...text.matchAll(/\{[^{}]*\}/g)].map((m) => {
    const field = (k: string) => new RegExp(`"${k}"\\s*:\\s*"([^"]*)"`).exec(m[0])?.[1];
    const store = /^@paradrop\.server\((.*)\)$/.exec(field('location') ?? '')?.[1] ?? '';
    return {
      name: field('name') ?? '',
      path: field('path') ?? '',
      location: { kind: 'store', path: store },
      hash: { algorithm: 'sha1', hex: field('sha1') ?? '' },
      extract: field('todo') === 'EXTRACT',
    };
  });
}

for (const name of readdirSync(examples).sort()) {
  test(`example ${name}: files fetch from the default store and place`, async (t) => {
    const base = makeTemp('examples');
    temps.push(base);
    mkdirSync(join(base, 'root'));
    const files = readFiles(join(examples, name));
    t.true(files.length > 0);
    for (const file of files) {
      const got = await fetchToCache(file, { store: { kind: 'dir', path: examples }, cacheDir: join(base, 'cache'), timeoutMs: 1000, maxBytes: 1 << 20 });
      await placeFile(got.path, file, join(base, 'root'));
      const placed = join(base, 'root', file.path);
      if (file.extract) {
        const listed = execFileSync('tar', ['-tzf', got.path], { encoding: 'utf8' }).split('\n').filter((l) => l !== '').sort();
        t.deepEqual(listTree(placed).map((l) => l.split(' ')[0]), listed, file.name);
      } else {
        t.deepEqual(readFileSync(placed), readFileSync(got.path), file.name);
      }
    }
  });
}
