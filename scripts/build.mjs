// Bundles the whole program into one executable file, dist/paradrop.js, for the Node.js that
// OpenWrt ships (23.05: node 18.20). Only the bundle goes to the router, so size matters.
import { build } from 'esbuild';
import { chmodSync, readFileSync, statSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outfile = 'dist/paradrop.js';

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
  define: { PARADROP_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
console.log(`${outfile}: ${statSync(outfile).size} bytes`);
