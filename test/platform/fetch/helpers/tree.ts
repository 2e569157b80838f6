// Snapshots of a directory tree for before/after comparisons: every path with its type, mode,
// link target and a content hash. Never follows links.
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const path = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(full);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out.push(`${path} -> ${readlinkSync(full)}`);
      else if (st.isDirectory()) {
        out.push(`${path}/ ${mode}`);
        walk(full, path);
      } else if (st.isFile()) {
        out.push(`${path} ${mode} ${createHash('sha1').update(readFileSync(full)).digest('hex').slice(0, 12)}`);
      } else out.push(`${path} special`);
    }
  };
  walk(root, '');
  return out;
}

export function makeTemp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pd-${prefix}-`));
}

export function removeTemp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function sha(algorithm: 'sha1' | 'sha256', data: Buffer | string): string {
  return createHash(algorithm).update(data).digest('hex');
}
