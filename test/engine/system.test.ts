// The engine end to end, as root with real LXC, through the built CLI: install runs the chute's
// program in a container; status, list and logs report it; stop, start, freeze and unfreeze
// reach the container; set-resources asks first (resources.json + SIGURG), then forces the
// cgroup limits, and the values persist; updates and --keep-data keep the chute's data; removal
// leaves no container, cgroup, mount, loop device or file of the chute: checked on the system.
import test from 'ava';
import { readFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { ALIVE, cli, makeSysEnv, snapshot, uniqueName, waitFor, writeChute, type SysEnv } from './helpers/system.js';

const HELLO = { name: 'hello', program: '/bin/sh', args: ['-c', 'echo hello-from-$(hostname); exec sleep 100000'] };
// Keeps a counter on its disk (/root/count survives updates) and answers set-resources' SIGURG.
const COUNTER = {
  name: 'counter', program: '/bin/sh',
  args: ['-c', 'trap "cp /.paradrop/run/resources.json /tmp/seen" URG; n=$(cat /root/count 2>/dev/null || echo 0); while :; do n=$((n+1)); echo $n > /root/count; sleep 0.2 & wait $!; done'],
};

async function json<T>(e: SysEnv, args: string[]): Promise<T> {
  const r = await cli(e, [...args, '--json']);
  if (r.exitCode !== 0) throw new Error(`paradrop ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

function dataOf(e: SysEnv, name: string, path: string): string {
  return join(e.stateDir, 'chutes', name, 'data', path);
}

async function growing(path: string): Promise<boolean> {
  const a = await readFile(path, 'utf8').catch(() => '');
  await new Promise((r) => setTimeout(r, 1300));
  const b = await readFile(path, 'utf8').catch(() => '');
  return b.length > a.length;
}

test('install runs the program; status, list and logs report it; remove leaves nothing on the system', async (t) => {
  const e = await makeSysEnv(t);
  const name = uniqueName('sys');
  const dir = await writeChute(e, name, {
    files: [{ name: 'script', path: '/root', store: 'hello.sh', content: 'echo hi\n' }],
    runtime: [ALIVE, HELLO],
  });
  const before = await snapshot(e, [name]);
  const inst = await cli(e, ['install', dir]);
  t.is(inst.exitCode, 0, inst.stderr);
  t.regex(inst.stdout, new RegExp(`installed ${name} 1`));

  await waitFor('the program writing /tmp/alive', 10_000, async () => ((await readFile(dataOf(e, name, 'tmp/alive'), 'utf8')).length > 0 ? true : undefined));
  t.true(await growing(dataOf(e, name, 'tmp/alive')), 'the program keeps running');
  t.is(await readFile(dataOf(e, name, 'root/hello.sh'), 'utf8'), 'echo hi\n', 'a file whose path is a directory lands inside it');

  const status = await waitFor('both programs running', 10_000, async () => {
    const s = await json<{ state: string; initPid: number; uptimeSeconds: number; programs: Array<{ name: string; state: string; pid: number }>; usage: { memoryBytes: number } }>(e, ['status', name]);
    return s.programs.filter((p) => p.state === 'running').length === 2 ? s : undefined;
  });
  t.is(status.state, 'RUNNING');
  t.true(status.initPid > 1);
  t.true(status.usage.memoryBytes > 0);
  const human = await cli(e, ['status', name]);
  t.regex(human.stdout, /state: +running \(should be running\), up \d+s, init pid \d+/);
  t.regex(human.stdout, /alive +running/);

  const list = await json<Array<{ name: string; state: string; desired: string }>>(e, ['list']);
  t.deepEqual(list.map((c) => [c.name, c.state, c.desired]), [[name, 'RUNNING', 'running']]);
  const logs = await waitFor('hello in the log', 10_000, async () => {
    const r = await cli(e, ['logs', name, '--program', 'hello']);
    return r.stdout.includes(`hello-from-${name}`) ? r : undefined;
  });
  t.is(logs.exitCode, 0);

  const rm = await cli(e, ['remove', name]);
  t.is(rm.exitCode, 0, rm.stderr);
  const after = await snapshot(e, [name]);
  t.deepEqual(after.containers, {}, 'no container');
  t.deepEqual(after.cgroups, [], 'no cgroup');
  t.deepEqual(after.mounts, [], 'no mount');
  t.deepEqual(after.loops, [], 'no loop device');
  t.deepEqual(after.chuteDirs, {}, 'no chute directory');
  t.deepEqual(after.state, {});
  t.deepEqual(after, { ...before, journal: [] });
  const ps = await readFile('/proc/self/mountinfo', 'utf8');
  t.false(ps.includes(`chutes/${name}`));
});

test('stop, start, freeze, unfreeze and restart reach the container; desired states persist', async (t) => {
  const e = await makeSysEnv(t);
  const name = uniqueName('run');
  t.is((await cli(e, ['install', await writeChute(e, name)])).exitCode, 0);
  const state = async (): Promise<string> => (await json<{ state: string }>(e, ['status', name])).state;
  const table: Array<[string, string, string]> = [
    ['stop', 'STOPPED', 'stopped'], ['start', 'RUNNING', 'running'], ['freeze', 'FROZEN', 'frozen'],
    ['unfreeze', 'RUNNING', 'running'], ['restart', 'RUNNING', 'running'],
  ];
  for (const [verb, container, desired] of table) {
    const r = await cli(e, [verb, name]);
    t.is(r.exitCode, 0, `${verb}: ${r.stderr}`);
    t.is(await state(), container, verb);
    t.is((await snapshot(e, [name])).state[name]?.desired, desired, verb);
  }
  await cli(e, ['freeze', name]);
  t.false(await growing(dataOf(e, name, 'tmp/alive')), 'a frozen chute makes no progress');
  await cli(e, ['unfreeze', name]);
  t.true(await growing(dataOf(e, name, 'tmp/alive')));
  // The container died behind our back: reconcile starts it again.
  await cli(e, ['stop', name]);
  const stopped = await cli(e, ['freeze', name]);
  t.is(stopped.exitCode, 1);
  t.regex(stopped.stderr, /is stopped, so it cannot be frozen; start it first/);
  await cli(e, ['start', name]);
  const { execa } = await import('execa');
  await execa('lxc-stop', ['-P', join(e.stateDir, 'lxc'), '-n', `pd-${name}`, '-k']);
  t.is(await state(), 'STOPPED');
  t.is((await cli(e, ['reconcile'])).exitCode, 0);
  t.is(await state(), 'RUNNING');
  t.is((await cli(e, ['remove', name])).exitCode, 0);
});

test('set-resources: the chute sees the request and the signal, then the cgroup gets the new limits, which persist', async (t) => {
  const e = await makeSysEnv(t);
  e.env.PARADROP_GRACE = '1';
  const name = uniqueName('res');
  t.is((await cli(e, ['install', await writeChute(e, name, { runtime: [COUNTER] })])).exitCode, 0);
  await waitFor('counter running', 10_000, async () => ((await readFile(dataOf(e, name, 'root/count'), 'utf8')) !== '' ? true : undefined));
  const started = Date.now();
  const r = await cli(e, ['set-resources', name, '--memory', '48M', '--cpu', '256']);
  t.is(r.exitCode, 0, r.stderr);
  t.true(Date.now() - started >= 1000, 'the grace period was waited');
  const seen = JSON.parse(await readFile(dataOf(e, name, 'tmp/seen'), 'utf8')) as { memoryBytes: number; cpuShares: number; deadline: string };
  t.is(seen.memoryBytes, 48 << 20, 'the program read the request when it got SIGURG');
  t.is(seen.cpuShares, 256);
  const snap = await snapshot(e, [name]);
  t.is(snap.cgroupLimits[`${name}/memory.limit_in_bytes`], String(48 << 20));
  t.is(snap.cgroupLimits[`${name}/cpu.shares`], '256');
  t.deepEqual(snap.state[name]?.overrides, { memoryBytes: 48 << 20, cpuShares: 256 });
  // The program was asked, not killed: SIGURG is ignored by default and trapped here.
  t.is((await json<{ programs: Array<{ restarts: number }> }>(e, ['status', name])).programs[0]?.restarts, 0);
  // They persist across a restart (the LXC config carries them).
  t.is((await cli(e, ['restart', name])).exitCode, 0);
  t.is((await snapshot(e, [name])).cgroupLimits[`${name}/memory.limit_in_bytes`], String(48 << 20));
  const bad = await cli(e, ['set-resources', name, '--net', 'wan:down=5000']);
  t.is(bad.exitCode, 1);
  t.regex(bad.stderr, new RegExp(`chute "${name}" has no interface "wan" \\(it has no network interfaces\\)`));
});

test('update keeps the data directory; remove --keep-data keeps the disk for the next install', async (t) => {
  const e = await makeSysEnv(t);
  const name = uniqueName('upd');
  const v1 = await writeChute(e, name, { runtime: [COUNTER], files: [{ name: 'conf', path: '/srv/app.conf', store: 'conf-1', content: 'one\n' }] });
  t.is((await cli(e, ['install', v1])).exitCode, 0);
  const count = async (): Promise<number> => Number(await readFile(dataOf(e, name, 'root/count'), 'utf8').catch(() => '0'));
  await waitFor('the counter past 3', 10_000, async () => ((await count()) > 3 ? true : undefined));
  const v2 = await writeChute(e, name, { version: '2', runtime: [{ ...COUNTER, name: 'counter2' }], files: [{ name: 'conf', path: '/srv/app.conf', store: 'conf-2', content: 'two\n' }] });
  const before = await count();
  const up = await cli(e, ['install', v2]);
  t.is(up.exitCode, 0, up.stderr);
  t.regex(up.stdout, new RegExp(`updated ${name} 2`));
  t.is(await readFile(dataOf(e, name, 'srv/app.conf'), 'utf8'), 'two\n');
  await waitFor('the counter going on from where it was', 10_000, async () => ((await count()) > before ? true : undefined));
  t.is((await json<{ version: string; programs: Array<{ name: string }> }>(e, ['status', name])).programs[0]?.name, 'counter2');

  t.is((await cli(e, ['remove', name, '--keep-data'])).exitCode, 0);
  const kept = await snapshot(e, [name]);
  t.deepEqual(kept.chuteDirs[name], ['disk.img']);
  t.deepEqual([kept.mounts, kept.loops, kept.containers], [[], [], {}]);
  t.is((await cli(e, ['reconcile'])).exitCode, 0);
  t.deepEqual((await snapshot(e, [name])).chuteDirs[name], ['disk.img'], 'reconcile leaves kept data alone');
  const last = await count();
  t.is((await cli(e, ['install', v2])).exitCode, 0);
  await waitFor('the counter going on after a reinstall', 10_000, async () => ((await count()) > last ? true : undefined));
  t.is((await cli(e, ['remove', name])).exitCode, 0);
  await t.throwsAsync(access(join(e.stateDir, 'chutes', name)));
});

test('install from a URL: the chute.json and its files come over HTTP (the store as a URL base)', async (t) => {
  const { startServer, serve } = await import('../platform/fetch/helpers/http-server.js');
  const { sha1 } = await import('./helpers/system.js');
  const e = await makeSysEnv(t);
  const name = uniqueName('url');
  const script = 'echo from-the-web\n';
  const chute = {
    name, version: '3', struct: { net: {} },
    files: [{ name: 'script', path: '/root/web.sh', location: '@paradrop.server(web/web.sh)', sha1: sha1(script) }],
    runtime: [{ name: 'web', program: '/bin/sh', args: ['-c', 'sh /root/web.sh; exec sleep 100000'] }],
  };
  const server = await startServer({ '/chutes/web.json': serve(JSON.stringify(chute)), '/store/web/web.sh': serve(script) });
  t.teardown(() => server.close());
  e.env.PARADROP_STORE = `${server.url}/store`;
  const r = await cli(e, ['install', `${server.url}/chutes/web.json`, '--json']);
  t.is(r.exitCode, 0, r.stderr);
  t.like(JSON.parse(r.stdout), { op: 'install', chute: name, version: '3' });
  t.is(server.count('/store/web/web.sh'), 1);
  const logs = await waitFor('the program\'s output', 10_000, async () => {
    const l = await cli(e, ['logs', name]);
    return l.stdout.includes('from-the-web') ? l : undefined;
  });
  t.is(logs.exitCode, 0);
  const status = JSON.parse((await cli(e, ['status', name, '--json'])).stdout) as { source: string };
  t.is(status.source, `${server.url}/chutes/web.json`);
  t.is((await cli(e, ['remove', name])).exitCode, 0);
});
