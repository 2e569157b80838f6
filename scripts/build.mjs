// Bundles the whole program into one executable file, dist/paradrop.js, for the Node.js that
// OpenWrt ships (23.05: node 18.20). Only the bundle goes to the router, so size matters.
import { build } from 'esbuild';
import { chmodSync, readFileSync, statSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Two bundles from the same source (see src/target.ts): the generic one for any Linux host, and
// the router's, without the plain-Linux applier and the `uci` subset.
const targets = [
  { outfile: 'dist/paradrop.js', target: 'any' },
  { outfile: 'dist/openwrt/paradrop.js', target: 'openwrt' },
];

for (const { outfile, target } of targets) {
  await build({
    entryPoints: ['src/main.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    banner: {
      // A shebang so the file runs as a command; createRequire because some CommonJS
      // dependencies (debug) call require() for node built-ins inside an ESM bundle.
      js: "#!/usr/bin/env node\nimport { createRequire as __pdCreateRequire } from 'node:module';const require = __pdCreateRequire(import.meta.url);",
    },
    define: { PARADROP_VERSION: JSON.stringify(pkg.version), PARADROP_TARGET: JSON.stringify(target) },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
  console.log(`${outfile}: ${statSync(outfile).size} bytes (${target})`);
}
