// scripts/sim-home: the simulated home comes up with the documented namespaces, addresses and
// programs, the "Internet" answers the laptop through the gateway's own masquerade (and does not
// without it), the profile it prints compiles the example chutes, and down removes everything,
// twice, or after a partial home; the root namespace is left as it was.
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { loadChute } from '../../src/chute/load.js';
import { compile } from '../../src/plan/compile.js';
import { parseProfile } from '../../src/plan/profile.js';
import { join } from 'node:path';
import { run, SIM_HOME, SimHome, STORE } from './helpers.js';

const home = new SimHome();
const bare = new SimHome();
const ROLES = ['internet', 'gateway', 'laptop', 'camera', 'sensor'];

async function netnsList(): Promise<string[]> {
  return String((await run('ip', ['netns', 'list'])).stdout).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
}

/** IPv4 addresses and routes of the root namespace (what the sim must never change). */
async function rootNetwork(): Promise<string> {
  const addrs = String((await run('ip', ['-4', '-o', 'addr', 'show'])).stdout).split('\n').map((l) => l.replace(/\s+valid_lft.*/, '')).sort();
  const routes = String((await run('ip', ['-4', 'route', 'show', 'table', 'all'])).stdout).split('\n').sort();
  return [...addrs, ...routes].join('\n');
}

let rootBefore = '';

test.before(async () => {
  rootBefore = await rootNetwork();
  await home.up(['--camera-motion-every', '0']);
});

test.after.always(async () => {
  await home.teardown();
  await bare.teardown();
});

test.serial('sim-home up: the five namespaces with the documented addresses', async (t) => {
  const names = await netnsList();
  for (const role of ROLES) t.true(names.includes(home.ns(role)), `${home.ns(role)} exists`);
  const brief = async (role: string) => String((await home.ip(role, '-4', '-br', 'addr', 'show')).stdout);
  t.regex(await brief('internet'), /^eth0\S*\s+UP\s+203\.0\.113\.1\/24/m);
  t.regex(await brief('gateway'), /^eth1\S*\s+UP\s+203\.0\.113\.2\/24/m);
  t.regex(await brief('gateway'), /^br-lan\s+\S+\s+192\.168\.1\.1\/24/m);
  t.regex(await brief('laptop'), /^eth0\S*\s+UP\s+192\.168\.1\.100\/24/m);
  t.regex(String((await home.ip('laptop', 'route')).stdout), /^default via 192\.168\.1\.1 dev eth0/m);
  t.regex(String((await home.ip('gateway', 'route')).stdout), /^default via 203\.0\.113\.1 dev eth1/m);
  t.is(String((await home.exec('gateway', 'cat', ['/proc/sys/net/ipv4/ip_forward'])).stdout).trim(), '1');
  // The device links: gateway ends down and on no bridge, device ends without an address.
  for (const [dev, peer, role] of [['vcam', 'cam0', 'camera'], ['vsen', 'sen0', 'sensor']] as const) {
    const link = String((await home.ip('gateway', '-o', 'link', 'show', dev)).stdout);
    t.regex(link, /state DOWN/, dev);
    t.notRegex(link, /master/, dev);
    t.is(String((await home.ip(role, '-4', '-o', 'addr', 'show', 'dev', peer)).stdout).trim(), '', `${peer} has no IPv4 address`);
  }
  const table = String((await home.exec('gateway', 'nft', ['list', 'table', 'inet', 'home'])).stdout);
  t.regex(table, /oifname "eth1" masquerade/);
  t.notRegex(table, /hook (input|forward|output) /, 'the home table filters nothing');
});

test.serial('sim-home up: the programs run with their pids recorded', async (t) => {
  for (const name of ['internet', 'camera', 'sensor']) {
    const pid = readFileSync(join(home.runDir, `${name}.pid`), 'utf8').trim();
    t.regex(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), new RegExp(`paradrop/sim/${name}\\.js`));
  }
  const status = await home.sim(['status'], false);
  t.is(status.exitCode, 0);
  t.regex(String(status.stdout), /state: up/);
  t.regex(String(status.stdout), /process camera: pid \d+ running/);
});

test.serial('sim-home: the laptop reaches the internet web server, masqueraded by the gateway', async (t) => {
  const page = await home.http('laptop', 'GET', 'http://203.0.113.1/');
  t.is(page.status, 200);
  t.regex(page.text, /simulated internet/);
  const who = await home.json<{ remoteAddress: string }>('laptop', 'GET', 'http://203.0.113.1/whoami');
  t.is(who.remoteAddress, '203.0.113.2');
});

test.serial('sim-home up --no-home-nat: without the gateway\'s masquerade the internet cannot answer the LAN', async (t) => {
  await bare.up(['--no-home-nat', '--no-devices']);
  t.is((await bare.exec('gateway', 'nft', ['list', 'table', 'inet', 'home'], false)).exitCode !== 0, true);
  // The internet has no route back to 192.168.1.0/24: the request goes out, the reply cannot.
  await t.throwsAsync(bare.http('laptop', 'GET', 'http://203.0.113.1/whoami'), { message: /timeout|aborted|TimeoutError/i });
  t.false(existsSync(join(bare.runDir, 'camera.pid')), '--no-devices starts no camera');
  await bare.sim(['down']);
});

test.serial('sim-home profile: a gateway profile for this home that compiles both example chutes', async (t) => {
  const profile = parseProfile(JSON.parse(String((await home.sim(['profile'])).stdout)));
  t.deepEqual([profile.lan.device, profile.lan.ipaddr, profile.lan.netmask, profile.lan.zone], ['br-lan', '192.168.1.1', '255.255.255.0', 'lan']);
  t.deepEqual([profile.wan.device, profile.wan.ipaddr, profile.wan.netmask, profile.wan.zone], ['eth1', '203.0.113.2', '255.255.255.0', 'wan']);
  t.deepEqual(profile.radios, []);
  const hasV1Memory = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => / - cgroup \S+ \S*\bmemory\b/.test(l));
  t.is(profile.cgroup, hasV1Memory ? 'v1' : 'v2');
  const chutes = await Promise.all(['seccam', 'envsense'].map(async (n) => ({ chute: (await loadChute(join(STORE, n))).chute })));
  const desired = compile(profile, chutes);
  t.deepEqual(desired.chutes.map((c) => c.name), ['envsense', 'seccam']);
  t.true(desired.notes.some((n) => /radio/i.test(n)), 'no radio: the SSIDs are not broadcast, and render says so');
});

test.serial('sim-home exec gateway: the gateway\'s network namespace with its own /sys and the host\'s cgroup mounts; paradrop runs there', async (t) => {
  const exec = (args: string[]) => run(SIM_HOME, ['exec', '--prefix', home.prefix, 'gateway', ...args], { reject: false });
  t.deepEqual(String((await exec(['ls', '/sys/class/net'])).stdout).split('\n').filter(Boolean).sort(), ['br-lan', 'eth1', 'lan1', 'lo', 'vcam', 'vsen'],
    '/sys shows the gateway\'s links (LXC asks sysfs whether a link is a bridge)');
  const hostCg = String((await run('findmnt', ['-rno', 'FSTYPE', '-R', '/sys/fs/cgroup'])).stdout).split('\n').filter(Boolean).sort();
  const gwCg = String((await exec(['findmnt', '-rno', 'FSTYPE', '-R', '/sys/fs/cgroup'])).stdout).split('\n').filter(Boolean).sort();
  t.true(hostCg.length > 0);
  // As sets: the host may hold the same hierarchy mounted twice (another namespace's rbind).
  t.deepEqual([...new Set(gwCg)], [...new Set(hostCg)], 'the cgroup mounts are kept');
  const mnt = async (args: string[]) => String((await run('readlink', args)).stdout).trim();
  t.not(String((await exec(['readlink', '/proc/self/ns/mnt'])).stdout).trim(), await mnt(['/proc/self/ns/mnt']), 'a private mount namespace');
  const list = await run(SIM_HOME, ['paradrop', '--prefix', home.prefix, 'list', '--json'], { reject: false, env: { PATH: `/usr/sbin:/usr/bin:/sbin:/bin:${process.env.PATH ?? ''}` } });
  t.is(list.exitCode, 0, String(list.stderr));
  t.deepEqual(JSON.parse(String(list.stdout)), [], 'paradrop runs on the gateway with the home\'s (empty) state');
});

test.serial('sim-home attach-camera: refuses what is not a bridge of the gateway', async (t) => {
  const r = await home.sim(['attach-camera', 'eth1'], false);
  t.is(r.exitCode, 1);
  t.regex(String(r.stderr), /not a bridge/);
  const none = await home.sim(['attach-camera', 'br-nothere'], false);
  t.is(none.exitCode, 1);
  t.regex(String(none.stderr), /no interface 'br-nothere'/);
});

test.serial('sim-home up: refuses to run over an existing home', async (t) => {
  const r = await home.sim(['up'], false);
  t.is(r.exitCode, 1);
  t.regex(String(r.stderr), /exists: the home is up/);
});

test.serial('sim-home down: removes namespaces, processes and run directory; twice is fine', async (t) => {
  const pids = ['internet', 'camera', 'sensor'].map((n) => readFileSync(join(home.runDir, `${n}.pid`), 'utf8').trim());
  const down = await home.sim(['down']);
  t.regex(String(down.stdout), /removed 5 namespaces/);
  const names = await netnsList();
  for (const role of ROLES) t.false(names.includes(home.ns(role)), `${home.ns(role)} is gone`);
  for (const pid of pids) t.false(existsSync(`/proc/${pid}`), `process ${pid} is gone`);
  // Nothing of this home anywhere: no process names its run directory (udhcpc's lease files).
  const cmdlines = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  });
  t.false(cmdlines.some((c) => c.includes(home.runDir)));
  t.false(existsSync(home.runDir));
  const again = await home.sim(['down']);
  t.is(again.exitCode, 0);
  t.regex(String(again.stdout), /removed 0 namespaces/);
  const status = await home.sim(['status'], false);
  t.is(status.exitCode, 3);
  t.regex(String(status.stdout), /state: down/);
});

test.serial('sim-home down: cleans up a partial home', async (t) => {
  const partial = new SimHome();
  await run('ip', ['netns', 'add', partial.ns('laptop')]);
  try {
    const status = await partial.sim(['status'], false);
    t.is(status.exitCode, 3);
    t.regex(String(status.stdout), /state: partial/);
    t.is((await partial.sim(['up'], false)).exitCode, 1);
    const down = await partial.sim(['down']);
    t.regex(String(down.stdout), /removed 1 namespaces/);
    t.false((await netnsList()).includes(partial.ns('laptop')));
  } finally {
    await run('ip', ['netns', 'delete', partial.ns('laptop')], { reject: false });
  }
});

test.serial('sim-home up: a failure half-way removes what was made; down afterwards is fine', async (t) => {
  const broken = new SimHome();
  // A sim directory whose internet.js is missing: the namespaces get made, then the server fails.
  const simDir = await mkdtemp(join(tmpdir(), 'pd-sim-broken-'));
  await writeFile(join(simDir, 'camera.js'), '');
  try {
    const up = await run(SIM_HOME, ['up', '--prefix', broken.prefix], { reject: false, env: { PARADROP_SIM_DIR: simDir } });
    t.is(up.exitCode, 1);
    t.regex(String(up.stderr), /internet did not start[\s\S]*up failed; removing what was made/);
    const names = await netnsList();
    for (const role of ROLES) t.false(names.includes(broken.ns(role)), `${broken.ns(role)} was removed`);
    t.false(existsSync(broken.runDir));
    t.is((await broken.sim(['down'])).exitCode, 0);
  } finally {
    await broken.sim(['down'], false);
    await rm(simDir, { recursive: true, force: true });
  }
});

test.serial('sim-home: the root namespace\'s IPv4 addresses and routes are as they were', async (t) => {
  t.is(await rootNetwork(), rootBefore);
});
