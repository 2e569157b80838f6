// Rewrites the sha1 of every file an example chute lists (files/usr/share/paradrop/examples/*/
// Chute.files) from the store file itself, keeping every other byte of Chute.files. Run after
// changing an example's program or web files; the examples test fails until then.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const store = 'files/usr/share/paradrop/examples';
for (const chute of readdirSync(store)) {
  const partPath = join(store, chute, 'Chute.files');
  if (!existsSync(partPath)) continue;
  let text = readFileSync(partPath, 'utf8');
  // Each entry names its store file in @paradrop.server(PATH) and its hash in "sha1": "...".
  const entry = /"location"\s*:\s*"@paradrop\.server\(([^)]+)\)"[^}]*?"sha1"\s*:\s*"([0-9a-f]{40})"/g;
  text = text.replace(entry, (whole, file, old) => {
    const sha1 = createHash('sha1').update(readFileSync(join(store, file))).digest('hex');
    if (sha1 !== old) console.log(`${chute}: ${file} ${old} -> ${sha1}`);
    return whole.replace(old, sha1);
  });
  writeFileSync(partPath, text);
}
