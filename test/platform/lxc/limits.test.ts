// Real LXC and cgroup v1, as root: the limits hold. A program growing past its memory limit is
// OOM-killed inside the chute (and restarted by chute-init) while the chute and host carry on;
// two busy chutes pinned to one core share it by their cpu.shares; limits change live.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { createContainer, startContainer } from '../../../src/platform/lxc/container.js';
import { prepareChuteDirs } from '../../../src/platform/lxc/chute-dirs.js';
import { containerInfo } from '../../../src/platform/lxc/container-state.js';
import { readContainerUsage, setLimits, containerCgroup } from '../../../src/platform/lxc/cgroup-limits.js';
import { detectCgroup } from '../../../src/platform/lxc/cgroup-detect.js';
import { ParadropError } from '../../../src/errors.js';
import { makeTestChute, cleanupTestChute, waitFor, statusOf, type TestChute, type PlanOptions } from './helpers.js';

const chutes: TestChute[] = [];
test.afterEach.always(async (t) => {
  for (const c of chutes.splice(0)) {
    const errors = await cleanupTestChute(c);
    if (errors.length > 0) t.log(`cleanup of ${c.plan.container}: ${errors.join('; ')}`);
  }
});

async function startChute(o: PlanOptions): Promise<TestChute> {
  const c = await makeTestChute(o);
  chutes.push(c);
  await prepareChuteDirs(c.plan);
  await createContainer(c.plan, { lxcPath: c.lxcPath });
  await startContainer(c.plan.container, { lxcPath: c.lxcPath });
  return c;
}

const MiB = 1024 * 1024;
// Grows by 8 MiB of touched memory every 20 ms, forever.
const HOG = ['/usr/bin/node', '-e', 'const a = []; setInterval(() => { a.push(Buffer.alloc(8 << 20, 1)); }, 20);'];
const SPIN = ['/bin/sh', '-c', 'while :; do :; done'];

test.serial('a program allocating past the memory limit is OOM-killed inside the chute and restarted; the chute lives on', async (t) => {
  const limit = 160 * MiB;
  const c = await startChute({ programs: [{ name: 'hog', argv: HOG }], memoryBytes: limit });
  const o = { lxcPath: c.lxcPath };
  const before = await readContainerUsage(c.plan.container, o);
  t.is(before.version, 'v1');
  t.is(before.memoryLimitBytes, limit);
  t.is(before.oomKills, 0);

  const s = await waitFor('an OOM kill and a restart', 60_000, async () => {
    const st = await statusOf(c.plan, 'hog');
    return st !== undefined && st.restarts >= 1 ? st : undefined;
  });
  t.is(s.lastExit, 137, 'killed by SIGKILL');
  const after = await readContainerUsage(c.plan.container, o);
  t.true((after.oomKills ?? 0) >= 1, `oom kills ${after.oomKills}`);
  t.true((after.memoryLimitHits ?? 0) >= 1);
  t.true((after.memoryPeakBytes ?? Infinity) <= limit, `peak ${after.memoryPeakBytes}`);
  t.regex(await readFile(`${c.plan.dir}/data/var/log/paradrop/hog.log`, 'utf8'), /'hog' exited with status 137/);
  // chute-init survived (the OOM killer took the program, not pid 1) and the container runs.
  t.is((await containerInfo(c.plan.container, o)).state, 'RUNNING');
  t.true(process.memoryUsage().rss < 1024 * MiB);
});

test.serial('setLimits changes memory and CPU limits of a running chute; a v2 limit on a v1 host is refused', async (t) => {
  const c = await startChute({ programs: [{ name: 'idle', argv: ['/bin/sleep', '3600'] }], memoryBytes: 64 * MiB, cpuShares: 512 });
  const o = { lxcPath: c.lxcPath };
  let u = await readContainerUsage(c.plan.container, o);
  t.is(u.memoryLimitBytes, 64 * MiB);
  t.is(u.cpuShares, 512);
  t.true((u.pids ?? 0) >= 2, `pids ${u.pids}`);
  t.true(u.memoryBytes !== null && u.memoryBytes > 0);
  t.true(u.cpuUsageNs !== null);
  t.is(u.frozen, false);

  await setLimits(c.plan.container, {
    version: 'v1', cpuShares: 2048, cpuWeight: 200, memoryBytes: 96 * MiB,
    files: { 'memory.limit_in_bytes': String(96 * MiB), 'cpu.shares': '2048' },
  }, o);
  u = await readContainerUsage(c.plan.container, o);
  t.is(u.memoryLimitBytes, 96 * MiB);
  t.is(u.cpuShares, 2048);

  const wrong = await t.throwsAsync(setLimits(c.plan.container, {
    version: 'v2', cpuShares: 1024, cpuWeight: 100, memoryBytes: 32 * MiB, files: { 'memory.max': String(32 * MiB) },
  }, o), { instanceOf: ParadropError, code: 'CGROUP_UNAVAILABLE' });
  t.true(wrong.message.includes(c.plan.container));
  t.is((await readContainerUsage(c.plan.container, o)).memoryLimitBytes, 96 * MiB, 'nothing written');

  // The kernel refuses a nonsense value; the error names the container and the file.
  const bad = await t.throwsAsync(setLimits(c.plan.container, {
    version: 'v1', cpuShares: 0, cpuWeight: 1, memoryBytes: 0, files: { 'cpu.shares': 'lots' },
  }, o), { instanceOf: ParadropError, code: 'COMMAND_FAILED' });
  t.regex(bad.message, /cpu\.shares/);
});

test.serial('two busy chutes pinned to one core at cpu.shares 1024 and 256 share it about 4:1', async (t) => {
  const layout = await detectCgroup();
  t.not(layout.mode, 'v2', 'this test drives v1 cpu.shares');
  const big = await startChute({ programs: [{ name: 'spin', argv: SPIN }], cpuShares: 1024, cpuset: '0' });
  const small = await startChute({ programs: [{ name: 'spin', argv: SPIN }], cpuShares: 256, cpuset: '0' });
  for (const c of [big, small]) {
    await waitFor('spinning', 10_000, async () => ((await statusOf(c.plan, 'spin'))?.state === 'running' ? true : undefined));
    const cg = await containerCgroup(c.plan.container, { lxcPath: c.lxcPath });
    t.is((await readFile(`${cg.v1.cpuset}/cpuset.cpus`, 'utf8')).trim(), '0');
  }
  const usage = async (c: TestChute) => (await readContainerUsage(c.plan.container, { lxcPath: c.lxcPath })).cpuUsageNs ?? 0;
  // Let both reach steady state, then measure over a 3 s window.
  await waitFor('both consuming CPU', 10_000, async () => ((await usage(small)) > 50e6 && (await usage(big)) > 200e6 ? true : undefined));
  const [b0, s0] = [await usage(big), await usage(small)];
  const end = Date.now() + 3_000;
  await waitFor('the measuring window', 10_000, async () => (Date.now() >= end ? true : undefined));
  const [b1, s1] = [await usage(big), await usage(small)];
  const ratio = (b1 - b0) / (s1 - s0);
  t.log(`cpu ns over 3 s: 1024 shares ${b1 - b0}, 256 shares ${s1 - s0}, ratio ${ratio.toFixed(2)}`);
  t.true(ratio > 2.5 && ratio < 6, `ratio ${ratio}`);
  // Together they got about one core, not two.
  t.true((b1 - b0) + (s1 - s0) < 4.5e9);
});
