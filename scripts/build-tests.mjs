// Transpiles src/, test/ and scripts/*.ts file by file into build/ (no bundling, no type check:
// `npm run typecheck` does that) so that ava runs plain ES modules quickly.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync, cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// PARADROP_BUILD_DIR lets several builds coexist (parallel work); it must stay at the repo root
// because tests find fixtures relative to their own location.
const outdir = process.env.PARADROP_BUILD_DIR ?? 'build';
rmSync(outdir, { recursive: true, force: true });
const entryPoints = [...walk('src'), ...walk('test'), ...walk('scripts')];
await build({
  entryPoints,
  outdir,
  outbase: '.',
  bundle: false,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'inline',
  define: { PARADROP_VERSION: '"test"', PARADROP_TARGET: '"any"' },
  logLevel: 'warning',
});
// Golden files and fixtures are read relative to the test sources, not the build.
console.log(`${outdir}/: ${entryPoints.length} files`);
