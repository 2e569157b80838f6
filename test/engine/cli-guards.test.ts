// The CLI's guards and argument forms around the engine commands: root is checked up front
// (by the real uid: the child runs as nobody), global options may come before the command,
// `-n1`/`--lines=1`, and exit codes: a file that does not exist is the user's mistake (1), a
// network failure the system's (2).
import test from 'ava';
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../../src/cli/args.js';
import { bufferIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { engineExitCode } from '../../src/cli/output.js';
import { ParadropError } from '../../src/errors.js';

// The child runs as nobody, who may not be able to read the checkout (CI clones into a 0700
// directory), so it runs a world-readable copy of the self-contained bundle (`npm run build`).
const BUNDLE = fileURLToPath(new URL('../../../dist/paradrop.js', import.meta.url));
let readableBundle: Promise<string> | undefined;
function bundleForNobody(): Promise<string> {
  readableBundle ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pd-nobody-'));
    await chmod(dir, 0o755);
    const copy = join(dir, 'paradrop.mjs');
    await copyFile(BUNDLE, copy);
    await chmod(copy, 0o644);
    return copy;
  })();
  return readableBundle;
}
test.after.always(async () => {
  if (readableBundle) await rm(join(await readableBundle, '..'), { recursive: true, force: true });
});

async function runAsNobody(args: string[]): Promise<{ code: number; stderr: string }> {
  const bundle = await bundleForNobody();
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle, ...args], { uid: 65534, gid: 65534, cwd: '/', timeout: 30_000 },
      (err, _o, stderr) => resolve({ code: (err as { code?: number } | null)?.code ?? 0, stderr }));
  });
}

const ROOT_ONLY = ['install', 'remove', 'start', 'stop', 'restart', 'freeze', 'unfreeze', 'set-resources', 'reconcile', 'status', 'list', 'logs', 'daemon'];

test('system commands refuse a non-root user up front, with exit 1 and the reason', async (t) => {
  t.timeout(120_000);
  if (process.getuid?.() !== 0) { t.fail('this test runs its child as nobody, which needs root'); return; }
  for (const cmd of ROOT_ONLY) {
    const r = await runAsNobody([cmd, 'x']);
    t.is(r.code, 1, `${cmd}: ${r.stderr}`);
    t.is(r.stderr, `paradrop ${cmd} must run as root (it manages LXC containers, mounts and cgroups): run it with sudo\n`);
  }
  const v = await runAsNobody(['validate', '/nonexistent']);
  t.false(v.stderr.includes('must run as root'), 'validate does not need root');
  const g = await runAsNobody(['--json', 'list']);
  t.regex(g.stderr, /^paradrop list must run as root/, 'also with a global option first');
});

test('global options work before the command as after it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pd-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const argv of [['--json', '--state-dir', dir, 'list'], ['--state-dir=' + dir, '--json', 'list'], ['list', '--json', '--state-dir', dir]]) {
    const io = bufferIo();
    io.env = { PARADROP_DIRECT: '1', PARADROP_PROFILE: '' };
    delete io.env.PARADROP_PROFILE;
    const code = await runCli(argv, io);
    t.is(code, 0, `${argv.join(' ')}: ${io.err}`);
    t.notThrows(() => JSON.parse(io.out), `${argv.join(' ')}: JSON output`);
  }
});

test('a short option takes an attached value (-n1), a long one --lines=1', (t) => {
  const spec = { '--follow': 'boolean', '--lines': 'string' } as const;
  const aliases = { '-f': '--follow', '-n': '--lines' };
  for (const args of [['c', '-n1'], ['c', '--lines=1'], ['c', '-n', '1']]) {
    const p = parseArgs(args, spec, 'usage', aliases);
    t.is(p.options.lines, '1', args.join(' '));
    t.deepEqual(p.positional, ['c']);
  }
  t.throws(() => parseArgs(['-fx'], spec, 'usage', aliases), { message: /unknown option "-fx"/ });
});

test('exit codes: a file or URL that names nothing is a user error; a failing network a system error', (t) => {
  const step = (cause: ParadropError): ParadropError => new ParadropError('STEP_FAILED', 'install c: step 1/9 failed', { cause });
  t.is(engineExitCode(step(new ParadropError('FILE_NOT_FOUND', 'no such file'))), 1);
  t.is(engineExitCode(new ParadropError('FILE_NOT_FOUND', 'HTTP 404')), 1);
  t.is(engineExitCode(step(new ParadropError('FETCH_FAILED', 'connection refused'))), 2);
});

test('install of a URL that answers 404 is a user error (exit 1); a refused connection a system error (exit 2)', async (t) => {
  const { createServer } = await import('node:http');
  const { loadChuteSource } = await import('../../src/engine/source.js');
  const server = createServer((_req, res) => { res.statusCode = 404; res.end('no'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const err = await t.throwsAsync(loadChuteSource(`http://127.0.0.1:${port}/nope.json`, '/'), { instanceOf: ParadropError });
  t.is(err?.code, 'FILE_NOT_FOUND');
  t.regex(err!.message, /nope\.json failed: HTTP 404/);
  t.is(engineExitCode(err), 1);
  server.close();
  await new Promise((r) => setTimeout(r, 50));
  const refused = await t.throwsAsync(loadChuteSource(`http://127.0.0.1:${port}/nope.json`, '/'), { instanceOf: ParadropError });
  t.is(engineExitCode(refused), 2);
});
