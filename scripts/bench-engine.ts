// Engine figures for `npm run bench` (printed, never asserted): install time with the chute's
// files already cached, start and stop time, and the peak RSS of CLI commands and of a resident
// engine (what the daemon will hold) against a bare `node -e 0`. Needs root, LXC and a built
// dist/paradrop.js; works in a private temporary state directory and removes it afterwards.
// Chutes here have no network interfaces, so nothing touches the host's network.
import { build } from 'esbuild';
import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const CLI = join(process.cwd(), 'dist/paradrop.js');

interface Figure { min: number; median: number; max: number }

function figure(xs: number[]): Figure {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
}

const fmt = (f: Figure, unit = 'ms'): string =>
  `median ${f.median.toFixed(0)} ${unit} (min ${f.min.toFixed(0)}, max ${f.max.toFixed(0)})`;

/** Peak RSS in KiB of `node args...`, from /usr/bin/time's %M. */
async function peakRss(args: string[], env: Record<string, string>): Promise<number> {
  const r = await execa('/usr/bin/time', ['-f', 'PEAKRSS %M', 'node', ...args], { env, reject: false });
  const m = /PEAKRSS (\d+)/.exec(String(r.stderr));
  if (!m) throw new Error(`no RSS figure for node ${args.join(' ')}: ${r.stderr}`);
  return Number(m[1]);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('bench-engine: needs root (LXC, mounts, cgroups); skipped');
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'pd-bench-'));
  const env = {
    ...process.env, PARADROP_STATE_DIR: join(root, 'state'), PARADROP_STORE: join(root, 'store'),
    PARADROP_CHUTE_INIT: join(process.cwd(), 'files/usr/lib/paradrop/chute-init'),
  } as Record<string, string>;
  const name = `bench${process.pid % 100000}`;
  const run = async (...args: string[]): Promise<number> => {
    const t0 = performance.now();
    const r = await execa('node', [CLI, ...args, '-q'], { env, reject: false });
    if (r.exitCode !== 0) throw new Error(`paradrop ${args.join(' ')}: ${r.stderr}`);
    return performance.now() - t0;
  };
  try {
    await mkdir(join(root, 'store'), { recursive: true });
    await mkdir(join(root, 'chute'), { recursive: true });
    const payload = Buffer.alloc(256 * 1024, 7);
    await writeFile(join(root, 'store', 'payload.bin'), payload);
    await writeFile(join(root, 'chute', 'chute.json'), JSON.stringify({
      name, version: '1', description: 'bench', owner: 'bench', struct: { net: {} },
      files: [{ name: 'payload', path: '/root/payload.bin', location: '@paradrop.server(payload.bin)', sha1: createHash('sha1').update(payload).digest('hex') }],
      runtime: [{ name: 'sleep', program: '/bin/sleep', args: ['100000'] }],
    }));
    const chute = join(root, 'chute');
    const first = await run('install', chute);
    await run('remove', name);
    const install: number[] = [];
    const remove: number[] = [];
    const start: number[] = [];
    const stop: number[] = [];
    for (let i = 0; i < 5; i++) {
      install.push(await run('install', chute));
      stop.push(await run('stop', name));
      start.push(await run('start', name));
      remove.push(await run('remove', name));
    }
    console.log(`engine install, first (fetch into the cache): ${first.toFixed(0)} ms`);
    console.log(`engine install, files cached: ${fmt(figure(install))}`);
    console.log(`engine start: ${fmt(figure(start))}`);
    console.log(`engine stop: ${fmt(figure(stop))}`);
    console.log(`engine remove: ${fmt(figure(remove))}`);

    await run('install', chute);
    const bare = await peakRss(['-e', '0'], env);
    const list = await peakRss([CLI, 'list'], env);
    const status = await peakRss([CLI, 'status', name], env);
    const reconcile = await peakRss([CLI, 'reconcile', '-q'], env);
    // The daemon is not written yet: the engine bundled like dist/paradrop.js into one process
    // that runs reconcile and status ten times stands in for its resident size.
    const standIn = join(root, 'daemon-stand-in.mjs');
    await build({
      stdin: {
        contents: [
          "import { engineContext } from './src/cli/settings.js';",
          "import { reconcile, chuteStatus } from './src/engine/index.js';",
          "import { processIo } from './src/cli/io.js';",
          "const ctx = await engineContext({}, processIo(), { info() {} });",
          `for (let i = 0; i < 10; i++) { await reconcile(ctx); await chuteStatus(ctx, '${name}'); }`,
        ].join('\n'),
        resolveDir: process.cwd(), sourcefile: 'stand-in.ts', loader: 'ts',
      },
      outfile: standIn, bundle: true, platform: 'node', target: 'node18', format: 'esm', minify: true, logLevel: 'warning',
      banner: { js: "import { createRequire as __c } from 'node:module';const require = __c(import.meta.url);" },
    });
    const resident = await peakRss([standIn], env);
    console.log(`RSS node -e 0: ${bare} KiB`);
    console.log(`RSS paradrop list: ${list} KiB (+${list - bare} over node)`);
    console.log(`RSS paradrop status: ${status} KiB (+${status - bare})`);
    console.log(`RSS paradrop reconcile: ${reconcile} KiB (+${reconcile - bare})`);
    console.log(`RSS resident engine (10 reconciles in one process, daemon stand-in): ${resident} KiB (+${resident - bare})`);
    await run('remove', name);
  } finally {
    await execa('sh', ['-c', `lxc-stop -P '${join(root, 'state', 'lxc')}' -n 'pd-${name}' -k 2>/dev/null; grep -o '${root}[^ ]*' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`], { reject: false });
    await rm(root, { recursive: true, force: true });
  }
}

await main();
