// Pure pieces of the LXC layer: LXC config and mountinfo reading, lxc-info and status parsing,
// the generated /etc, the chute view's path mapping; and v2 limit writing into a fake cgroup
// directory tree (plain files in a temp dir, since this host has no v2 controllers).
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountEntriesOf, rootfsPathOf } from '../../../src/platform/lxc/lxc-config.js';
import { parseMountinfo, mountsUnder } from '../../../src/platform/lxc/mountinfo.js';
import { parseLxcInfo } from '../../../src/platform/lxc/container-state.js';
import { parseStatusFile } from '../../../src/platform/lxc/chute-status.js';
import { chuteEtcFiles } from '../../../src/platform/lxc/chute-etc.js';
import { chuteViewOf, hostPathOf } from '../../../src/platform/lxc/chute-view.js';
import { writeLimits } from '../../../src/platform/lxc/cgroup-limits.js';
import type { InterfacePlan } from '../../../src/plan/types.js';
import { ParadropError } from '../../../src/errors.js';
import { makeTestChute } from './helpers.js';

test('LXC config: rootfs path without the dir: prefix; mount entries with absolute targets and flags', (t) => {
  const text = [
    '# comment', 'lxc.rootfs.path = dir:/srv/pd/cam/rootfs',
    'lxc.mount.entry = /usr usr none ro,bind,optional 0 0',
    'lxc.mount.entry = /srv/pd/cam/data/my\\040dir srv/x none rw,bind 0 0',
    'lxc.mount.entry = /usr/lib/paradrop/chute-init .paradrop/init none ro,bind,create=file 0 0',
    'lxc.mount.entry = tmpfs run tmpfs rw,size=1m 0 0',
  ].join('\n');
  t.is(rootfsPathOf(text), '/srv/pd/cam/rootfs');
  t.deepEqual(mountEntriesOf(text).map((e) => [e.source, e.target, e.isBind, e.readOnly, e.isFile]), [
    ['/usr', '/usr', true, true, false],
    ['/srv/pd/cam/data/my dir', '/srv/x', true, false, false],
    ['/usr/lib/paradrop/chute-init', '/.paradrop/init', true, true, true],
    ['tmpfs', '/run', false, false, false],
  ]);
  t.is(rootfsPathOf('lxc.rootfs.path = /plain\n'), '/plain');
  t.is(rootfsPathOf(''), undefined);
});

test('mountinfo: escaped paths, optional fields, mounts under a dir', (t) => {
  const text = [
    '36 25 7:0 / /tmp/pd/my\\040chute/data rw,nosuid,nodev shared:9 master:1 - ext4 /dev/loop0 rw',
    '37 25 254:0 /usr /tmp/pd/my\\040chute/rootfs/usr ro - ext4 /dev/vda rw',
    '38 25 254:0 / /tmp/pd/my\\040chute-other rw - ext4 /dev/vda rw',
  ].join('\n');
  const m = parseMountinfo(text);
  t.deepEqual(m[0], { root: '/', mountPoint: '/tmp/pd/my chute/data', fstype: 'ext4', source: '/dev/loop0', superOptions: ['rw'] });
  t.is(m[1]?.root, '/usr');
  t.deepEqual(mountsUnder(m, '/tmp/pd/my chute').map((x) => x.mountPoint), ['/tmp/pd/my chute/data', '/tmp/pd/my chute/rootfs/usr']);
});

test('lxc-info output: state, pid, addresses', (t) => {
  t.deepEqual(parseLxcInfo('pd-cam', 'State:          RUNNING\nPID:            6753\nIP:             10.0.3.2\nIP:             fd00::2\n'),
    { name: 'pd-cam', state: 'RUNNING', pid: 6753, ips: ['10.0.3.2', 'fd00::2'] });
  t.deepEqual(parseLxcInfo('pd-cam', 'State:          STOPPED\n'), { name: 'pd-cam', state: 'STOPPED', pid: null, ips: [] });
  t.is(parseLxcInfo('pd-cam', 'State:          FROZEN\nPID: 7\n').state, 'FROZEN');
});

test('status file: each field; unreadable lines are skipped', (t) => {
  const text = 'web 12 3 137 1796316593 running\ndhcp - 0 - - missing\nbroken line\nx 1 y - - running\n';
  t.deepEqual(parseStatusFile(text), [
    { name: 'web', pid: 12, restarts: 3, lastExit: 137, lastStart: 1796316593, state: 'running' },
    { name: 'dhcp', pid: null, restarts: 0, lastExit: null, lastStart: null, state: 'missing' },
  ]);
});

const wan: InterfacePlan = {
  name: 'wan', type: 'wan', intfName: 'eth0', uciInterface: 'pdab0', zone: 'pdab0', bridge: 'br-pdab0', hostVeth: 'vpdab0',
  mac: '02:00:00:00:ab:00', chuteAddress: '10.100.13.2', gatewayAddress: '10.100.13.1', prefixLength: 24,
  netmask: '255.255.255.0', subnet: '10.100.13.0/24',
};

test('generated /etc: DNS through the wan gateway address; hostname from lxc.uts.name; nothing copied from the host', async (t) => {
  const { plan, tmp } = await makeTestChute({ programs: [] });
  t.teardown(() => rm(tmp, { recursive: true, force: true }));
  const files = Object.fromEntries(chuteEtcFiles({ ...plan, interfaces: [wan] }).map((f) => [f.name, f]));
  t.regex(files['resolv.conf']!.content, /^nameserver 10\.100\.13\.1$/m);
  t.is(files.hostname!.content, `${plan.name}\n`);
  t.regex(files.hosts!.content, new RegExp(`127\\.0\\.1\\.1\\t${plan.name}`));
  t.false(files.passwd!.replace);
  t.true(files['resolv.conf']!.replace);
  const hostPasswd = await readFile('/etc/passwd', 'utf8');
  t.not(files.passwd!.content, hostPasswd);
  t.deepEqual(files.passwd!.content.split('\n').filter(Boolean).map((l) => l.split(':')[0]), ['root', 'nobody']);
  t.notRegex(chuteEtcFiles(plan).find((f) => f.name === 'resolv.conf')!.content, /nameserver/);
});

test('chute view: a chute path maps to its bind source, the rootfs, or nothing on a non-bind mount', async (t) => {
  const { plan, tmp } = await makeTestChute({ programs: [] });
  t.teardown(() => rm(tmp, { recursive: true, force: true }));
  const view = chuteViewOf({ ...plan, lxcConfig: plan.lxcConfig + 'lxc.mount.entry = tmpfs run tmpfs rw 0 0\n' });
  const d = plan.dir;
  const cases: Array<[string, string | null]> = [
    ['/usr/bin/node', '/usr/bin/node'],
    ['/srv/app/run', `${d}/data/srv/app/run`],
    ['/srv', `${d}/data/srv`],
    ['/srvx', `${d}/rootfs/srvx`],
    ['/.paradrop/run/status', `${d}/data/.paradrop/run/status`],
    ['/.paradrop/init', join(process.cwd(), 'files/usr/lib/paradrop/chute-init')],
    ['/etc/../etc/passwd', `${d}/data/etc/passwd`],
    ['/run/x', null],
    ['/', `${d}/rootfs`],
  ];
  for (const [p, host] of cases) t.is(hostPathOf(view, p), host, p);
});

test('writeLimits v2 into a fake cgroup directory tree (plain files in a temp dir)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pd-cgroup-fake-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'memory.max'), 'max\n');
  await writeFile(join(dir, 'cpu.weight'), '100\n');
  const cg = { container: 'pd-cam', version: 'v2' as const, v1: {}, unified: dir };
  await writeLimits(cg, { version: 'v2', cpuShares: 256, cpuWeight: 25, memoryBytes: 67108864,
    files: { 'memory.max': '67108864', 'cpu.weight': '25' } });
  t.is(await readFile(join(dir, 'memory.max'), 'utf8'), '67108864');
  t.is(await readFile(join(dir, 'cpu.weight'), 'utf8'), '25');

  const err = await t.throwsAsync(writeLimits(cg, { version: 'v1', cpuShares: 1, cpuWeight: 1, memoryBytes: 1, files: {} }),
    { instanceOf: ParadropError, code: 'CGROUP_UNAVAILABLE' });
  t.regex(err.message, /pd-cam.*compiled for cgroup v1.*uses v2/);
  await t.throwsAsync(writeLimits(cg, { version: 'v2', cpuShares: 1, cpuWeight: 1, memoryBytes: 1, files: { '../escape': '1' } }),
    { instanceOf: ParadropError, code: 'FIELD_INVALID' });
});
