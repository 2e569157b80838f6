// cgroup layout detection and cgroup location, from mountinfo and /proc/PID/cgroup text (pure),
// v2 usage parsing from a fake cgroup directory tree (a temp dir: no cgroup2 controllers here),
// and detection on this host for real.
import test from 'ava';
import { mkdtemp, writeFile, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMountinfo } from '../../../src/platform/lxc/mountinfo.js';
import { cgroupLayoutFrom, detectCgroup, type CgroupMode } from '../../../src/platform/lxc/cgroup-detect.js';
import { containerCgroupFrom, cgroupFileDir } from '../../../src/platform/lxc/cgroup-locate.js';
import { readCgroupUsageV2, readCgroupUsageV1 } from '../../../src/platform/lxc/cgroup-usage.js';
import { ParadropError } from '../../../src/errors.js';

const V1 = `
25 1 0:22 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
26 25 0:23 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:7 - cgroup cgroup rw,cpu,cpuacct
27 25 0:24 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:8 - cgroup cgroup rw,memory
28 25 0:25 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
29 25 0:26 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
`;
const V2 = `
30 1 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;
const HYBRID = V1 + `31 25 0:28 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n`;
const NONE = `22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n`;

const modes: Array<[string, string, CgroupMode, string[]]> = [
  ['v1 controllers only', V1, 'v1', ['cpu', 'cpuacct', 'freezer', 'memory', 'name=systemd']],
  ['cgroup2 only', V2, 'v2', []],
  ['v1 controllers plus a cgroup2 mount', HYBRID, 'hybrid', ['cpu', 'cpuacct', 'freezer', 'memory', 'name=systemd']],
  ['named v1 hierarchy only, with cgroup2', `29 25 0:26 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n` + V2, 'v2', ['name=systemd']],
];
for (const [what, text, mode, controllers] of modes) {
  test(`detect: ${what} is ${mode}`, (t) => {
    const layout = cgroupLayoutFrom(parseMountinfo(text), mode === 'v2' ? 'cpu memory pids' : '');
    t.is(layout.mode, mode);
    t.is(layout.limitsVersion, mode === 'v2' ? 'v2' : 'v1');
    t.deepEqual(Object.keys(layout.v1).sort(), controllers);
    if (mode === 'v2') t.deepEqual(layout.v2Controllers, ['cpu', 'memory', 'pids']);
  });
}

test('detect: co-mounted controllers share one mount point', (t) => {
  const layout = cgroupLayoutFrom(parseMountinfo(V1));
  t.is(layout.v1.cpu?.mountPoint, '/sys/fs/cgroup/cpu,cpuacct');
  t.is(layout.v1.cpuacct?.mountPoint, '/sys/fs/cgroup/cpu,cpuacct');
});

test('detect: no cgroup mount at all is CGROUP_UNAVAILABLE', (t) => {
  t.throws(() => cgroupLayoutFrom(parseMountinfo(NONE)), { instanceOf: ParadropError, code: 'CGROUP_UNAVAILABLE' });
});

test('detect on this host finds the v1 controllers the LXC tests rely on', async (t) => {
  const layout = await detectCgroup();
  t.not(layout.mode, 'v2');
  for (const c of ['cpu', 'cpuacct', 'cpuset', 'memory', 'freezer', 'pids']) {
    t.truthy(layout.v1[c], c);
    t.true((await readFile('/proc/self/mountinfo', 'utf8')).includes(layout.v1[c]!.mountPoint));
  }
});

const PROC_V1 = `5:freezer:/lxc.payload.pd-cam
4:memory:/lxc.payload.pd-cam/inner
3:cpu,cpuacct:/lxc.payload.pd-cam
1:name=systemd:/lxc.payload.pd-cam
0::/lxc.payload.pd-cam
`;

test('locate v1: each controller\'s dir; a child cgroup made inside the chute maps back to the payload cgroup', (t) => {
  const cg = containerCgroupFrom(cgroupLayoutFrom(parseMountinfo(HYBRID)), PROC_V1, 'pd-cam');
  t.is(cg.version, 'v1');
  t.deepEqual(cg.v1, {
    freezer: '/sys/fs/cgroup/freezer/lxc.payload.pd-cam',
    memory: '/sys/fs/cgroup/memory/lxc.payload.pd-cam',
    cpu: '/sys/fs/cgroup/cpu,cpuacct/lxc.payload.pd-cam',
    cpuacct: '/sys/fs/cgroup/cpu,cpuacct/lxc.payload.pd-cam',
    'name=systemd': '/sys/fs/cgroup/systemd/lxc.payload.pd-cam',
  });
  t.is(cg.unified, '/sys/fs/cgroup/unified/lxc.payload.pd-cam');
  t.is(cgroupFileDir(cg, 'memory.limit_in_bytes'), '/sys/fs/cgroup/memory/lxc.payload.pd-cam');
  t.is(cgroupFileDir(cg, 'cpuacct.usage'), '/sys/fs/cgroup/cpu,cpuacct/lxc.payload.pd-cam');
  t.throws(() => cgroupFileDir(cg, 'pids.max'), { code: 'CGROUP_UNAVAILABLE', message: /"pids" controller/ });
});

test('locate v2: the unified dir; a hierarchy mounted at a sub-root (inside a container) is accounted for', (t) => {
  const cg = containerCgroupFrom(cgroupLayoutFrom(parseMountinfo(V2)), '0::/lxc.payload.pd-cam\n', 'pd-cam');
  t.is(cg.version, 'v2');
  t.is(cg.unified, '/sys/fs/cgroup/lxc.payload.pd-cam');
  t.is(cgroupFileDir(cg, 'memory.max'), '/sys/fs/cgroup/lxc.payload.pd-cam');
  const nested = cgroupLayoutFrom(parseMountinfo('30 1 0:27 /gw /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n'));
  t.is(containerCgroupFrom(nested, '0::/gw/lxc.payload.pd-cam\n', 'pd-cam').unified, '/sys/fs/cgroup/lxc.payload.pd-cam');
  t.throws(() => containerCgroupFrom(nested, '0::/elsewhere/x\n', 'pd-cam'), { code: 'CGROUP_UNAVAILABLE' });
});

async function fakeTree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pd-cgroup-fake-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

test('usage v2 parsed from a fake cgroup directory tree (plain files in a temp dir)', async (t) => {
  const dir = await fakeTree({
    'memory.current': '52428800\n',
    'memory.peak': '67108864\n',
    'memory.max': '134217728\n',
    'memory.events': 'low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n',
    'cpu.stat': 'usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n',
    'cpu.weight': '25\n',
    'pids.current': '4\n',
    'cgroup.events': 'populated 1\nfrozen 1\n',
  });
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  t.deepEqual(await readCgroupUsageV2(dir), {
    version: 'v2', memoryBytes: 52428800, memoryPeakBytes: 67108864, memoryLimitBytes: 134217728,
    memoryLimitHits: 12, oomKills: 2, cpuUsageNs: 1_500_000_000, cpuShares: null, cpuWeight: 25, pids: 4, frozen: true,
  });
});

test('usage v2 from a fake tree: "max" is no limit; files an older kernel lacks are null, not 0', async (t) => {
  const dir = await fakeTree({ 'memory.current': '100\n', 'memory.max': 'max\n', 'cgroup.events': 'populated 1\nfrozen 0\n' });
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const u = await readCgroupUsageV2(dir);
  t.is(u.memoryLimitBytes, null);
  t.is(u.memoryPeakBytes, null);
  t.is(u.oomKills, null);
  t.is(u.cpuUsageNs, null);
  t.is(u.frozen, false);
});

test('usage v1 from a fake tree: the unlimited sentinel reads as no limit', async (t) => {
  const dir = await fakeTree({
    'memory.usage_in_bytes': '4096\n', 'memory.limit_in_bytes': '9223372036854771712\n',
    'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 5\n', 'freezer.state': 'THAWED\n',
  });
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const u = await readCgroupUsageV1({ memory: dir, freezer: dir });
  t.is(u.memoryLimitBytes, null);
  t.is(u.oomKills, 5);
  t.is(u.frozen, false);
  t.is(u.cpuUsageNs, null);
});
