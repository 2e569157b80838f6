// Runs paradrop's own ubusd-compatible broker (src/ubus/broker.ts) on a unix socket, for trying
// `paradrop daemon` and `ubus`-style calls on a host without OpenWrt's ubusd (Debian, the
// simulated home). Not shipped to routers, which have ubusd. Usage:
//   node scripts/ubus-broker.mjs /run/paradrop-ubus.sock      (Ctrl-C or SIGTERM stops it)
import { build, stop as stopEsbuild } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const socketPath = process.argv[2];
if (!socketPath) {
  console.error('usage: node scripts/ubus-broker.mjs SOCKET_PATH');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'pd-broker-'));
const out = join(dir, 'broker.mjs');
await build({
  entryPoints: [new URL('../src/ubus/broker.ts', import.meta.url).pathname],
  bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning',
  banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
});
await stopEsbuild();
const { UbusBroker } = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });
const broker = await UbusBroker.start({ socketPath });
console.log(`ubus broker listening on ${socketPath}`);
const stop = async () => { await broker.stop(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
