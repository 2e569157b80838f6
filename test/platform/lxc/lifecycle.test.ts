// Real LXC, as root: a chute's whole life. Start runs its program under chute-init (output in its
// log, pid in the status file); a killed program comes back with back-off; signals reach it;
// freeze stops its progress; stop leaves no process; teardown leaves nothing on the system.
import test from 'ava';
import { readFile, access, stat } from 'node:fs/promises';
import { execa } from 'execa';
import {
  createContainer, startContainer, stopContainer, destroyContainer, freezeContainer, unfreezeContainer,
} from '../../../src/platform/lxc/container.js';
import { containerInfo, listContainers } from '../../../src/platform/lxc/container-state.js';
import { execInContainer, signalContainerInit } from '../../../src/platform/lxc/container-exec.js';
import { prepareChuteDirs, destroyChuteDirs } from '../../../src/platform/lxc/chute-dirs.js';
import { readContainerUsage } from '../../../src/platform/lxc/cgroup-limits.js';
import { readMountinfo } from '../../../src/platform/lxc/mountinfo.js';
import { ParadropError } from '../../../src/errors.js';
import {
  makeTestChute, cleanupTestChute, waitFor, statusOf, processesOf, cgroupDirsOf, type TestChute,
} from './helpers.js';

const chutes: TestChute[] = [];
test.afterEach.always(async (t) => {
  for (const c of chutes.splice(0)) {
    const errors = await cleanupTestChute(c);
    if (errors.length > 0) t.log(`cleanup of ${c.plan.container}: ${errors.join('; ')}`);
  }
});

// Writes a growing counter to /srv/counter, says hello on stdout, and reports SIGUSR1 in its log.
const COUNTER = [
  '/bin/sh', '-c',
  'trap "echo got-usr1" USR1; echo "hello from $(hostname)"; i=0; while :; do i=$((i+1)); echo $i > /srv/counter.tmp; mv /srv/counter.tmp /srv/counter; sleep 0.1; done',
];

async function startChute(c: TestChute): Promise<void> {
  chutes.push(c);
  await prepareChuteDirs(c.plan);
  await createContainer(c.plan, { lxcPath: c.lxcPath });
  await startContainer(c.plan.container, { lxcPath: c.lxcPath });
}

async function counter(c: TestChute): Promise<number> {
  return Number(await readFile(`${c.plan.dir}/data/srv/counter`, 'utf8').catch(() => '0'));
}

test.serial('start runs the program under chute-init; kill brings it back with back-off; stop and teardown leave nothing', async (t) => {
  const c = await makeTestChute({ programs: [{ name: 'counter', argv: COUNTER }] });
  const o = { lxcPath: c.lxcPath };
  await startChute(c);
  await startContainer(c.plan.container, o); // idempotent

  const info = await containerInfo(c.plan.container, o);
  t.is(info.state, 'RUNNING');
  t.true(info.pid !== null);
  t.deepEqual((await listContainers(o)).map((i) => i.name), [c.plan.container]);

  const log = `${c.plan.dir}/data/var/log/paradrop/counter.log`;
  await waitFor('hello in the log', 10_000, async () => ((await readFile(log, 'utf8')).includes(`hello from ${c.plan.name}`) ? true : undefined));
  const first = await waitFor('status running', 10_000, async () => {
    const s = await statusOf(c.plan, 'counter');
    return s?.state === 'running' && s.pid !== null ? s : undefined;
  });
  t.is(first.restarts, 0);
  t.is(first.lastExit, null);

  // The pid in the status file is the program's, in the chute's pid namespace.
  const comm = await execInContainer(c.plan.container, ['cat', `/proc/${first.pid}/cmdline`], o);
  t.is(comm.exitCode, 0);
  t.true(comm.stdout.startsWith('/bin/sh\0-c\0'), comm.stdout);

  // Commands run with a cleared environment; their exit code is returned, not thrown.
  process.env.PD_TEST_SECRET = 'must-not-leak';
  const env = await execInContainer(c.plan.container, ['env'], o);
  delete process.env.PD_TEST_SECRET;
  t.notRegex(env.stdout, /PD_TEST_SECRET/);
  t.regex(env.stdout, /^PATH=\/usr\/sbin:\/usr\/bin:\/sbin:\/bin$/m);
  t.is((await execInContainer(c.plan.container, ['sh', '-c', 'echo oops >&2; exit 7'], o)).exitCode, 7);

  // Kill the program: chute-init restarts it, counts it, records the signal.
  const killed = await execInContainer(c.plan.container, ['kill', '-9', String(first.pid)], o);
  t.is(killed.exitCode, 0, killed.stderr);
  const second = await waitFor('restart after kill', 10_000, async () => {
    const s = await statusOf(c.plan, 'counter');
    return s?.state === 'running' && s.restarts === 1 ? s : undefined;
  });
  t.is(second.lastExit, 137);
  t.not(second.pid, first.pid);
  t.regex(await readFile(log, 'utf8'), /'counter' exited with status 137 after \d+s; restart 1 in 1s/);

  // Back-off grows: the second quick death waits 2s.
  await execInContainer(c.plan.container, ['kill', '-9', String(second.pid)], o);
  await waitFor('second restart', 10_000, async () => ((await statusOf(c.plan, 'counter'))?.restarts === 2 ? true : undefined));
  t.regex(await readFile(log, 'utf8'), /restart 2 in 2s/);

  // SIGUSR1 to the init reaches the program.
  await waitFor('running again', 10_000, async () => ((await statusOf(c.plan, 'counter'))?.state === 'running' ? true : undefined));
  await signalContainerInit(c.plan.container, 'SIGUSR1', o);
  await waitFor('USR1 forwarded', 5_000, async () => ((await readFile(log, 'utf8')).includes('got-usr1') ? true : undefined));

  // Stop: graceful (chute-init exits on SIGTERM, well before the 10 s kill), nothing left running.
  const before = await processesOf(c.plan.container);
  t.true(before.length >= 3, `processes: ${before.join(',')}`);
  const t0 = Date.now();
  await stopContainer(c.plan.container, 10, o);
  t.true(Date.now() - t0 < 5_000, `stop took ${Date.now() - t0} ms`);
  t.is((await containerInfo(c.plan.container, o)).state, 'STOPPED');
  t.deepEqual(await processesOf(c.plan.container), []);
  for (const pid of before) t.false(await access(`/proc/${pid}`).then(() => true, () => false), `pid ${pid} alive`);
  t.is((await statusOf(c.plan, 'counter'))?.state, 'stopped');
  await stopContainer(c.plan.container, 10, o); // idempotent

  // Teardown: no container, mount, loop device, directory or cgroup remains.
  await destroyContainer(c.plan.container, o);
  await destroyContainer(c.plan.container, o);
  await destroyChuteDirs(c.plan);
  await destroyChuteDirs(c.plan);
  t.is((await containerInfo(c.plan.container, o)).state, 'ABSENT');
  const ls = await execa('lxc-ls', ['-P', c.lxcPath, '-1']);
  t.is(ls.stdout.trim(), '');
  t.deepEqual((await readMountinfo()).filter((m) => m.mountPoint.startsWith(c.tmp)), []);
  const loops = await execa('losetup', ['-a']);
  t.false(loops.stdout.includes(c.tmp), loops.stdout);
  t.false(await access(c.plan.dir).then(() => true, () => false));
  t.deepEqual(await cgroupDirsOf(c.plan.container), []);
});

test.serial('freeze stops the program\'s progress and unfreeze resumes it', async (t) => {
  const c = await makeTestChute({ programs: [{ name: 'counter', argv: COUNTER }] });
  const o = { lxcPath: c.lxcPath };
  await startChute(c);
  const running = await waitFor('counter advancing', 10_000, async () => ((await counter(c)) > 2 ? counter(c) : undefined));
  t.true(running > 2);

  await freezeContainer(c.plan.container, o);
  await freezeContainer(c.plan.container, o); // idempotent
  t.is((await containerInfo(c.plan.container, o)).state, 'FROZEN');
  t.is((await readContainerUsage(c.plan.container, o)).frozen, true);
  const frozenAt = await counter(c);
  // Bounded observation: ten 100 ms ticks of the program's loop pass without a single increment.
  const deadline = Date.now() + 1_000;
  while (Date.now() < deadline) {
    t.is(await counter(c), frozenAt);
    await new Promise((r) => setTimeout(r, 100));
  }
  await t.throwsAsync(execInContainer(c.plan.container, ['true'], o), { instanceOf: ParadropError, code: 'CONTAINER_NOT_RUNNING' });

  await unfreezeContainer(c.plan.container, o);
  await unfreezeContainer(c.plan.container, o); // idempotent
  t.is((await containerInfo(c.plan.container, o)).state, 'RUNNING');
  t.is((await readContainerUsage(c.plan.container, o)).frozen, false);
  await waitFor('counter advancing again', 5_000, async () => ((await counter(c)) > frozenAt + 2 ? true : undefined));

  // Stopping a frozen container thaws it first, so the stop is still graceful.
  await freezeContainer(c.plan.container, o);
  const t0 = Date.now();
  await stopContainer(c.plan.container, 10, o);
  t.true(Date.now() - t0 < 5_000, `stop took ${Date.now() - t0} ms`);
  t.deepEqual(await processesOf(c.plan.container), []);
});

test.serial('chute-init as pid 1 under busybox ash (OpenWrt\'s shell): runs, restarts, stops gracefully', async (t) => {
  const c = await makeTestChute({ programs: [{ name: 'counter', argv: COUNTER }] });
  c.plan.lxcConfig = c.plan.lxcConfig.replace('lxc.init.cmd = /.paradrop/init', 'lxc.init.cmd = /usr/bin/busybox ash /.paradrop/init');
  const o = { lxcPath: c.lxcPath };
  await startChute(c);
  const info = await containerInfo(c.plan.container, o);
  t.regex(await readFile(`/proc/${info.pid}/cmdline`, 'utf8'), /^\/usr\/bin\/busybox\0ash\0/);
  const first = await waitFor('running', 10_000, async () => {
    const s = await statusOf(c.plan, 'counter');
    return s?.state === 'running' ? s : undefined;
  });
  await execInContainer(c.plan.container, ['kill', '-9', String(first.pid)], o);
  await waitFor('restarted', 10_000, async () => {
    const s = await statusOf(c.plan, 'counter');
    return s?.state === 'running' && s.restarts === 1 ? true : undefined;
  });
  const t0 = Date.now();
  await stopContainer(c.plan.container, 10, o);
  t.true(Date.now() - t0 < 5_000, `stop took ${Date.now() - t0} ms`);
  t.is((await statusOf(c.plan, 'counter'))?.state, 'stopped');
  t.deepEqual(await processesOf(c.plan.container), []);
});

test.serial('errors name the container and what was expected', async (t) => {
  const c = await makeTestChute({ programs: [] });
  const o = { lxcPath: c.lxcPath };
  chutes.push(c);
  const absent = await t.throwsAsync(startContainer(c.plan.container, o), { instanceOf: ParadropError, code: 'CONTAINER_NOT_FOUND' });
  t.true(absent.message.includes(c.plan.container));
  await t.throwsAsync(freezeContainer(c.plan.container, o), { instanceOf: ParadropError, code: 'CONTAINER_NOT_FOUND' });
  await t.notThrowsAsync(stopContainer(c.plan.container, 1, o));
  await t.throwsAsync(containerInfo('user-box', o), { instanceOf: ParadropError, code: 'FIELD_INVALID' });

  // A config LXC rejects: the error carries LXC's own words.
  await prepareChuteDirs(c.plan);
  await createContainer({ ...c.plan, lxcConfig: c.plan.lxcConfig + 'lxc.mount.entry = /nonexistent-pd srv none ro,bind 0 0\n' }, o);
  const failed = await t.throwsAsync(startContainer(c.plan.container, o), { instanceOf: ParadropError, code: 'COMMAND_FAILED' });
  t.true(failed.message.includes(c.plan.container), failed.message);
  t.regex(failed.message, /failed to start \(lxc-start exited with 1\): .*nonexistent-pd/);
  t.is((await stat(c.plan.dir)).isDirectory(), true);
});
