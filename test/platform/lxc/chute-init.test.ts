// chute-init run directly on the host (not as a container's pid 1) under both shells it must run
// on, dash (Debian) and busybox ash (OpenWrt), with its paths pointed at a temp dir: status file,
// back-off and its reset, log rotation, signal forwarding, fast clean exit on SIGTERM.
import test from 'ava';
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, rm, readFile, writeFile, stat, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toProgramsFile } from '../../../src/platform/lxc/programs-file.js';
import { parseStatusFile, type ProgramStatus } from '../../../src/platform/lxc/chute-status.js';
import type { ProgramPlan } from '../../../src/plan/types.js';
import { CHUTE_INIT, waitFor } from './helpers.js';

const SHELLS: Array<[string, string[]]> = [['dash', ['dash']], ['busybox ash', ['busybox', 'ash']]];

interface Run {
  dir: string;
  proc: ResultPromise;
  status: () => Promise<ProgramStatus[]>;
  log: (name: string) => Promise<string>;
}

async function runInit(shell: string[], programs: Array<{ name: string; argv: string[] }>,
  env: Record<string, string> = {}, logMaxBytes?: number): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'pd-init-'));
  const runtime: ProgramPlan[] = programs.map((p) => ({ ...p, origin: 'program' }));
  await writeFile(join(dir, 'programs'), toProgramsFile('t', runtime, logMaxBytes === undefined ? {} : { logMaxBytes }));
  // Its own process group, so a teardown can kill supervisors and programs with it.
  const proc = execa(shell[0]!, [...shell.slice(1), CHUTE_INIT], {
    reject: false, cwd: dir, stdin: 'ignore', detached: true,
    env: { PD_PROGRAMS: join(dir, 'programs'), PD_RUN_DIR: join(dir, 'run'), PD_LOG_DIR: join(dir, 'log'), PD_TICK: '1', ...env },
  });
  return {
    dir, proc,
    status: async () => parseStatusFile(await readFile(join(dir, 'run/status'), 'utf8').catch(() => '')),
    log: async (name) => readFile(join(dir, 'log', `${name}.log`), 'utf8').catch(() => ''),
  };
}

async function stopInit(t: { teardown: (fn: () => Promise<void>) => void }, run: Run): Promise<void> {
  t.teardown(async () => {
    try { process.kill(-run.proc.pid!, 'SIGKILL'); } catch { /* already gone */ }
    await run.proc;
    await rm(run.dir, { recursive: true, force: true });
  });
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

for (const [shellName, shell] of SHELLS) {
  test(`${shellName}: status lines, forwarded signals, fast clean exit on SIGTERM with no child left`, async (t) => {
    const listener = ['/bin/sh', '-c', 'trap "echo got-usr1" USR1; trap "echo got-hup" HUP; trap "echo got-term; exit 0" TERM; echo up; while :; do sleep 0.1; done'];
    const deaf = ['sh', '-c', 'trap "" USR1 HUP; exec sleep 600'];
    const run = await runInit(shell, [{ name: 'listener', argv: listener }, { name: 'idle', argv: deaf }]);
    await stopInit(t, run);
    const st = await waitFor('both running', 10_000, async () => {
      const s = await run.status();
      return s.length === 2 && s.every((x) => x.state === 'running') && (await run.log('listener')).includes('up') ? s : undefined;
    });
    t.deepEqual(st.map((s) => [s.name, s.restarts, s.lastExit]), [['listener', 0, null], ['idle', 0, null]]);
    t.true(st.every((s) => s.pid !== null && alive(s.pid) && s.lastStart !== null));

    run.proc.kill('SIGUSR1');
    await waitFor('USR1 forwarded', 5_000, async () => ((await run.log('listener')).includes('got-usr1') ? true : undefined));
    run.proc.kill('SIGHUP');
    await waitFor('HUP forwarded', 5_000, async () => ((await run.log('listener')).includes('got-hup') ? true : undefined));
    // Forwarded signals do not restart anything.
    t.deepEqual((await run.status()).map((s) => s.restarts), [0, 0]);

    const t0 = Date.now();
    run.proc.kill('SIGTERM');
    const r = await run.proc;
    t.true(Date.now() - t0 < 3_000, `exit took ${Date.now() - t0} ms`);
    t.is(r.exitCode, 0, String(r.stderr));
    t.true((await run.log('listener')).includes('got-term'));
    const end = await run.status();
    t.deepEqual(end.map((s) => s.state), ['stopped', 'stopped']);
    t.is(end[0]!.lastExit, 0);
    t.is(end[1]!.lastExit, 143, 'sleep killed by SIGTERM');
    for (const s of st) t.false(alive(s.pid!), `pid ${s.pid} still alive`);
  });

  test(`${shellName}: SIGPWR (LXC's default halt signal) stops it like SIGTERM`, async (t) => {
    const run = await runInit(shell, [{ name: 'idle', argv: ['sleep', '600'] }]);
    await stopInit(t, run);
    const s = await waitFor('running', 10_000, async () => {
      const x = (await run.status())[0];
      return x?.state === 'running' ? x : undefined;
    });
    run.proc.kill('SIGPWR');
    const r = await run.proc;
    t.is(r.exitCode, 0);
    t.is((await run.status())[0]?.state, 'stopped');
    t.false(alive(s.pid!));
  });

  test(`${shellName}: a program that does not handle a forwarded SIGUSR1 ends and is restarted`, async (t) => {
    const run = await runInit(shell, [{ name: 'naive', argv: ['sleep', '600'] }]);
    await stopInit(t, run);
    await waitFor('running', 10_000, async () => ((await run.status())[0]?.state === 'running' ? true : undefined));
    run.proc.kill('SIGUSR1');
    const s = await waitFor('restarted', 10_000, async () => {
      const x = (await run.status())[0];
      return x?.restarts === 1 && x.state === 'running' ? x : undefined;
    });
    t.is(s.lastExit, 138, '128 + SIGUSR1');
  });

  test(`${shellName}: a failing program restarts after 1s, 2s, then the cap; the count and exit status are recorded`, async (t) => {
    const t0 = Date.now();
    const run = await runInit(shell, [{ name: 'flaky', argv: ['sh', '-c', 'echo try; exit 3'] }], { PD_BACKOFF_MAX: '2' });
    await stopInit(t, run);
    const s = await waitFor('three exits', 15_000, async () => {
      const x = (await run.status())[0];
      return x !== undefined && x.restarts >= 3 ? x : undefined;
    });
    // Exits at about 0 s, 1 s and 3 s: without back-off there would be hundreds by now.
    const elapsed = Date.now() - t0;
    t.true(elapsed >= 2_500, `third exit after ${elapsed} ms`);
    t.true(s.restarts <= 4);
    t.is(s.lastExit, 3);
    t.not(s.state, 'missing');
    const log = await run.log('flaky');
    t.regex(log, /restart 1 in 1s/);
    t.regex(log, /restart 2 in 2s/);
    t.regex(log, /restart 3 in 2s/);
    t.true((log.match(/^try$/gm) ?? []).length >= 3);
  });

  test(`${shellName}: the back-off resets once a run lasted long enough`, async (t) => {
    const run = await runInit(shell, [{ name: 'slow', argv: ['sh', '-c', 'sleep 1.2; exit 1'] }], { PD_STABLE_AFTER: '1' });
    await stopInit(t, run);
    await waitFor('two restarts', 15_000, async () => (((await run.status())[0]?.restarts ?? 0) >= 2 ? true : undefined));
    const log = await run.log('slow');
    t.regex(log, /restart 1 in 1s/);
    t.regex(log, /restart 2 in 1s/);
  });

  test(`${shellName}: logs are appended, copied to .1 and truncated past the cap`, async (t) => {
    const chatty = ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo "line $i 0123456789012345678901234567890123456789012345678901234567890123456789"; sleep 0.02; done'];
    const run = await runInit(shell, [{ name: 'chatty', argv: chatty }], {}, 4096);
    await stopInit(t, run);
    const rotated = join(run.dir, 'log', 'chatty.log.1');
    await waitFor('a rotation', 10_000, async () => access(rotated).then(() => true, () => undefined));
    t.true((await stat(rotated)).size > 4096);
    // The writer goes on at the start of the truncated file (O_APPEND), not at its old offset.
    await waitFor('fresh lines after the rotation', 5_000, async () => {
      const text = await run.log('chatty');
      return text.length > 0 && text.length < 4096 * 3 && !text.startsWith('\0') && /^line \d+/.test(text) ? true : undefined;
    });
    t.false((await readFile(join(run.dir, 'log', 'chatty.log'))).includes(0));
  });

  test(`${shellName}: without a programs file it runs nothing and still stops cleanly`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'pd-init-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const proc = execa(shell[0]!, [...shell.slice(1), CHUTE_INIT], {
      reject: false, detached: true, env: { PD_PROGRAMS: join(dir, 'none'), PD_RUN_DIR: join(dir, 'run'), PD_LOG_DIR: join(dir, 'log'), PD_TICK: '1' },
    });
    await waitFor('empty status', 5_000, async () => access(join(dir, 'run/status')).then(() => true, () => undefined));
    proc.kill('SIGTERM');
    const r = await proc;
    t.is(r.exitCode, 0);
    t.regex(r.stderr, /no programs file/);
    t.is(await readFile(join(dir, 'run/status'), 'utf8'), '');
  });
}

test('chute-init parses under both shells (sh -n) and is a #!/bin/sh script', async (t) => {
  for (const [, shell] of SHELLS) {
    const r = await execa(shell[0]!, [...shell.slice(1), '-n', CHUTE_INIT], { reject: false });
    t.is(r.exitCode, 0, r.stderr);
  }
  t.regex(await readFile(CHUTE_INIT, 'utf8'), /^#!\/bin\/sh\n/);
});
