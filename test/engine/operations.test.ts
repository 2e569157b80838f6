// The engine's operations, journal and runner against a test double of the platform (the real
// one needs root and LXC: see system.test.ts and crash.test.ts). Real files for the state,
// journal and lock in a temporary directory.
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Chute } from '../../src/chute/types.js';
import { ParadropError } from '../../src/errors.js';
import {
  installChute, reconcile, removeChute, setResources, setRunState,
} from '../../src/engine/operations.js';
import { Journal, parseTransaction } from '../../src/engine/journal.js';
import type { EngineContext } from '../../src/engine/types.js';
import { HOST_CHUTE_INIT } from '../../src/plan/lxc-config.js';
import { defaultProfile } from '../../src/plan/profile.js';
import { fakePlatform, type FakePlatform } from './helpers/fake-platform.js';

const HEX = 'a'.repeat(40);

function chute(name: string, edit: (c: Chute) => void = () => undefined): Chute {
  const c: Chute = {
    name, version: '1.0', description: '', owner: 'me', struct: { net: [] },
    files: [{ name: 'app', path: '/root/app.sh', location: { kind: 'store', path: 'app.sh' }, hash: { algorithm: 'sha1', hex: HEX }, extract: false }],
    resource: { cpu: { kind: 'default' }, memory: { kind: 'default' }, net: {} },
    runtime: [{ kind: 'program', name: 'app', program: '/bin/sh', args: ['/root/app.sh'] }],
    traffic: [],
  };
  edit(c);
  return c;
}

interface Env { ctx: EngineContext; p: FakePlatform; dir: string; lines: string[] }

async function env(t: { teardown(fn: () => Promise<void>): void }): Promise<Env> {
  const dir = await mkdtemp(join(tmpdir(), 'pd-engine-'));
  t.teardown(async () => rm(dir, { recursive: true, force: true }));
  const profile = defaultProfile();
  profile.paths.chutes = join(dir, 'chutes');
  profile.cgroup = 'v1';
  const p = fakePlatform();
  const lines: string[] = [];
  const ctx: EngineContext = {
    settings: {
      stateDir: dir, stateFile: join(dir, 'state.json'), journalDir: join(dir, 'journal'), lockFile: join(dir, 'lock'),
      configDir: join(dir, 'config'), lxcPath: join(dir, 'lxc'), cacheDir: join(dir, 'cache'), backupDir: join(dir, 'backup'),
      store: { kind: 'dir', path: dir }, profile, graceMs: 0, chuteInit: HOST_CHUTE_INIT, lockTimeoutMs: 2000,
      fetchTimeoutMs: 1000, maxFileBytes: 1 << 20,
    },
    platform: p, reporter: { info: (l) => lines.push(l) }, now: () => new Date('2026-01-02T03:04:05Z'), env: {},
  };
  return { ctx, p, dir, lines };
}

async function stateOf(e: Env): Promise<Record<string, { desired: string; resourceOverrides?: unknown; spec: Chute }>> {
  const text = await readFile(e.ctx.settings.stateFile, 'utf8').catch(() => '{"chutes":{}}');
  return (JSON.parse(text) as { chutes: Record<string, { desired: string; spec: Chute }> }).chutes;
}

async function journalLeft(e: Env): Promise<boolean> {
  return (await new Journal(e.ctx.settings.journalDir).read()) !== null;
}

test('install runs its steps in order, records the chute and closes the journal', async (t) => {
  const e = await env(t);
  const r = await installChute(e.ctx, chute('cam'), '/src/cam');
  t.is(r.op, 'install');
  t.deepEqual(e.p.calls, [
    'fetchFile app', 'prepareChuteDirs cam', 'fetchFile app', 'placeFile /root/app.sh', 'checkPrograms cam',
    'createContainer pd-cam', 'startContainer pd-cam', 'removeTree ' + join(e.dir, 'backup', '20260102T030405000Z-' + process.pid),
  ]);
  const s = await stateOf(e);
  t.is(s.cam?.desired, 'running');
  t.false(await journalLeft(e));
  t.is(e.p.world.containers.get('pd-cam')?.state, 'RUNNING');
});

test('a failing step undoes itself and every earlier step in reverse; the error names the step and the cause', async (t) => {
  const e = await env(t);
  e.p.failOn('startContainer');
  const err = await t.throwsAsync(installChute(e.ctx, chute('cam'), '/src/cam'), { instanceOf: ParadropError });
  t.is(err?.code, 'STEP_FAILED');
  t.regex(err!.message, /^install cam: step 6\/8 start-container pd-cam failed: fake startContainer failed on purpose; rolled back/);
  t.is((err?.cause as ParadropError).code, 'COMMAND_FAILED');
  t.deepEqual(e.p.calls.slice(-4), ['startContainer pd-cam', 'stopContainer pd-cam', 'destroyContainer pd-cam', 'destroyChuteDirs cam']);
  t.is(e.p.world.containers.size, 0);
  t.is(e.p.world.dirs.size, 0);
  t.deepEqual(await stateOf(e), {});
  t.false(await journalLeft(e));
});

test('an update that fails puts the replaced files back and restarts the old version', async (t) => {
  const e = await env(t);
  await installChute(e.ctx, chute('cam'), '/src/cam');
  const data = join(e.dir, 'chutes', 'cam', 'data');
  e.p.world.files.set(`${data}/root/app.sh`, 'edited by the chute');
  e.p.failOn('checkPrograms', 2);
  const v2 = chute('cam', (c) => { c.version = '2.0'; c.files[0]!.hash.hex = 'b'.repeat(40); });
  const err = await t.throwsAsync(installChute(e.ctx, v2, '/src/cam2'), { instanceOf: ParadropError });
  t.regex(err!.message, /^update cam: step \d+\/\d+ check-programs cam failed/);
  t.is(e.p.world.files.get(`${data}/root/app.sh`), 'edited by the chute');
  t.is(e.p.world.containers.get('pd-cam')?.state, 'RUNNING');
  t.is((await stateOf(e)).cam?.spec.version, '1.0');
});

test('a crash before the commit is rolled back by the next operation; after it, finished', async (t) => {
  const e = await env(t);
  e.p.hangOn('startContainer');
  void installChute(e.ctx, chute('cam'), '/src/cam');
  await waitUntil(async () => e.p.calls.includes('startContainer pd-cam'));
  const tx = await new Journal(e.ctx.settings.journalDir).read();
  t.is(tx?.done, 5, 'five steps done, the sixth started');
  t.is(tx?.undo.length, 6);
  await rm(e.ctx.settings.lockFile); // the process holding it "died"
  const r = await reconcile(e.ctx);
  t.deepEqual(r.recovered, { op: 'install', chute: 'cam', outcome: 'rolled back' });
  t.is(e.p.world.containers.size, 0);
  t.is(e.p.world.dirs.size, 0);
  t.false(await journalLeft(e));

  // Removal stuck after its commit: the next operation finishes it (the directories go).
  await installChute(e.ctx, chute('cam'), '/src/cam');
  e.p.hangOn('destroyChuteDirs', 2);
  void removeChute(e.ctx, 'cam');
  await waitUntil(async () => e.p.calls.filter((c) => c.startsWith('destroyChuteDirs')).length === 2);
  await rm(e.ctx.settings.lockFile);
  const r2 = await reconcile(e.ctx);
  t.deepEqual(r2.recovered, { op: 'remove', chute: 'cam', outcome: 'finished' });
  t.deepEqual(await stateOf(e), {});
  t.is(e.p.world.dirs.size, 0);
});

test('a failed undo keeps the journal and says to reconcile; reconcile then completes the rollback', async (t) => {
  const e = await env(t);
  e.p.failOn('startContainer');
  e.p.failOn('destroyContainer');
  const err = await t.throwsAsync(installChute(e.ctx, chute('cam'), '/src/cam'), { instanceOf: ParadropError });
  t.is(err?.code, 'ROLLBACK_FAILED');
  t.regex(err!.message, /undoing step 5\/8 create-container pd-cam failed: .*run `paradrop reconcile`/);
  t.true(await journalLeft(e));
  const r = await reconcile(e.ctx);
  t.is(r.recovered?.outcome, 'rolled back');
  t.is(e.p.world.containers.size, 0);
  t.is(e.p.world.dirs.size, 0);
});

test('start, stop, freeze, unfreeze and restart change the desired state and the container', async (t) => {
  const e = await env(t);
  await installChute(e.ctx, chute('cam'), '/src/cam');
  const table: Array<[Parameters<typeof setRunState>[1], string, string]> = [
    ['stop', 'stopped', 'STOPPED'], ['start', 'running', 'RUNNING'], ['freeze', 'frozen', 'FROZEN'],
    ['unfreeze', 'running', 'RUNNING'], ['restart', 'running', 'RUNNING'],
  ];
  for (const [verb, desired, state] of table) {
    await setRunState(e.ctx, verb, 'cam');
    t.is((await stateOf(e)).cam?.desired, desired, verb);
    t.is(e.p.world.containers.get('pd-cam')?.state as string | undefined, state, verb);
  }
  t.deepEqual(e.p.calls.slice(-2), ['stopContainer pd-cam', 'startContainer pd-cam'], 'restart stops, then starts');
  const again = await setRunState(e.ctx, 'start', 'cam');
  t.is(again.steps, 0, 'starting a running chute does nothing');
  await setRunState(e.ctx, 'stop', 'cam');
  const err = await t.throwsAsync(setRunState(e.ctx, 'freeze', 'cam'), { instanceOf: ParadropError });
  t.is(err?.code, 'CHUTE_STATE');
  t.regex(err!.message, /start it first/);
});

test('set-resources: request, signal, force; the values persist and survive an update that leaves them alone', async (t) => {
  const e = await env(t);
  await installChute(e.ctx, chute('cam'), '/src/cam');
  e.p.calls.length = 0;
  await setResources(e.ctx, 'cam', { memoryBytes: 32 << 20, cpuShares: 512 });
  t.deepEqual(e.p.calls, ['writeRunFile resources.json', 'signalInit pd-cam SIGURG', 'createContainer pd-cam', 'setLimits pd-cam']);
  const req = JSON.parse(e.p.world.runFiles.get(join(e.dir, 'chutes', 'cam', 'resources.json'))!) as Record<string, unknown>;
  t.like(req, { cpuShares: 512, memoryBytes: 32 << 20 });
  t.deepEqual(e.p.world.limits.get('pd-cam'), { 'memory.limit_in_bytes': String(32 << 20), 'cpu.shares': '512' });
  t.deepEqual((await stateOf(e)).cam?.resourceOverrides, { memoryBytes: 32 << 20, cpuShares: 512 });
  // The new version sets its own memory: that override yields, the cpu one stays.
  await installChute(e.ctx, chute('cam', (c) => { c.version = '2'; c.resource.memory = { kind: 'value', value: 48 << 20 }; }), '/src/cam');
  t.deepEqual((await stateOf(e)).cam?.resourceOverrides, { cpuShares: 512 });
});

test('remove: unknown chutes are a user error naming the installed ones; --keep-data keeps the disk', async (t) => {
  const e = await env(t);
  await installChute(e.ctx, chute('cam'), '/src/cam');
  const err = await t.throwsAsync(removeChute(e.ctx, 'nope'), { instanceOf: ParadropError });
  t.is(err?.code, 'CHUTE_NOT_FOUND');
  t.regex(err!.message, /"nope" is not installed \(installed: cam\)/);
  await removeChute(e.ctx, 'cam', { keepData: true });
  t.deepEqual([...e.p.world.dirs.values()], ['unprepared']);
  t.is(e.p.world.containers.size, 0);
  // Kept data is nobody's to touch: reconcile leaves it alone.
  e.p.calls.length = 0;
  await reconcile(e.ctx);
  t.deepEqual(e.p.calls, []);
});

test('reconcile brings containers back to the recorded state and removes orphans', async (t) => {
  const e = await env(t);
  await installChute(e.ctx, chute('cam'), '/src/cam');
  e.p.world.containers.get('pd-cam')!.state = 'STOPPED'; // crashed
  e.p.world.containers.set('pd-ghost', { config: 'x', state: 'RUNNING', pid: 7 });
  e.p.calls.length = 0;
  await reconcile(e.ctx);
  t.deepEqual(e.p.calls, ['startContainer pd-cam', 'stopContainer pd-ghost', 'destroyContainer pd-ghost']);
  t.false(e.p.world.containers.has('pd-ghost'));
});

test('reconcile: a chute that cannot be brought back does not hold the others up; the error names it', async (t) => {
  const e = await env(t);
  await installChute(e.ctx, chute('aaa'), '/src/a');
  await installChute(e.ctx, chute('bbb'), '/src/b');
  for (const c of e.p.world.containers.values()) c.state = 'STOPPED';
  e.p.failOn('startContainer', 3);
  const err = await t.throwsAsync(reconcile(e.ctx), { instanceOf: ParadropError });
  t.is(err?.code, 'STEP_FAILED');
  t.regex(err!.message, /^reconcile: 1 chute could not be brought to the recorded state \(the others were\): aaa: reconcile aaa: step 1\/2 start-container pd-aaa failed/);
  t.is(e.p.world.containers.get('pd-aaa')?.state, 'STOPPED');
  t.is(e.p.world.containers.get('pd-bbb')?.state, 'RUNNING');
  t.false(await journalLeft(e));
});

test('one operation at a time: a live lock makes the next wait; a dead owner\'s lock is taken over', async (t) => {
  const e = await env(t);
  await writeFile(e.ctx.settings.lockFile, JSON.stringify({ pid: process.pid, start: null, op: 'install' }));
  e.ctx.settings.lockTimeoutMs = 300;
  const err = await t.throwsAsync(reconcile(e.ctx), { instanceOf: ParadropError });
  t.is(err?.code, 'BUSY');
  t.regex(err!.message, /another paradrop operation \(install, pid \d+\)/);
  await writeFile(e.ctx.settings.lockFile, JSON.stringify({ pid: 2 ** 22 + 12345, start: 1, op: 'install' }));
  await t.notThrowsAsync(reconcile(e.ctx));
});

test('the journal refuses what paradrop did not write', (t) => {
  const bad = ['{', '{"version":2}', JSON.stringify({ version: 1, id: 'x', steps: [{ kind: 'apply-network' }], undo: [], done: 0, commit: 0 })];
  for (const text of bad) t.throws(() => parseTransaction(text, '/j'), { instanceOf: ParadropError, message: /journal \/j/ });
});

async function waitUntil(probe: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('every operation starts by removing backups of finished transactions and partial downloads of dead processes', async (t) => {
  const e = await env(t);
  const s = e.ctx.settings;
  const { mkdir, readdir } = await import('node:fs/promises');
  await mkdir(join(s.backupDir, '20250101T000000000Z-4242', 'cam', '0'), { recursive: true });
  await writeFile(join(s.backupDir, '20250101T000000000Z-4242', 'cam', '0', 'f'), 'old');
  await mkdir(join(s.cacheDir, 'tmp'), { recursive: true });
  const dead = `sha1-${HEX}.${2 ** 22 + 4321}.0a0b0c0d0e0f.tmp`;
  const live = `sha1-${HEX}.${process.pid}.0a0b0c0d0e0f.tmp`;
  await writeFile(join(s.cacheDir, 'tmp', dead), 'partial');
  await writeFile(join(s.cacheDir, 'tmp', live), 'being written');
  await reconcile(e.ctx);
  t.deepEqual(await readdir(s.backupDir), []);
  t.deepEqual(await readdir(join(s.cacheDir, 'tmp')), [live]);
});

test('a failed (rolled back) update leaves no backup', async (t) => {
  const e = await env(t);
  const { mkdir, readdir } = await import('node:fs/promises');
  await installChute(e.ctx, chute('cam'), '/src/cam');
  // Backups on disk, as the real platform makes them.
  const backupEntry = e.p.files.backupEntry.bind(e.p.files);
  e.p.files.backupEntry = async (data, path, backup) => {
    await mkdir(backup, { recursive: true });
    await writeFile(join(backup, 'saved'), 'old');
    return backupEntry(data, path, backup);
  };
  e.p.failOn('checkPrograms', 2);
  await t.throwsAsync(installChute(e.ctx, chute('cam', (c) => { c.version = '2.0'; c.files[0]!.hash.hex = 'b'.repeat(40); }), '/src/cam'));
  t.true(e.p.calls.some((c) => c.startsWith('placeFile')), 'files were placed, so backed up');
  t.true(e.lines.some((l) => l.includes('undo')), 'rolled back');
  t.deepEqual(await readdir(e.ctx.settings.backupDir).catch(() => []), []);
});

test('the cache is kept on remove but pruned past its cap: unreferenced entries, oldest first', async (t) => {
  const e = await env(t);
  const s = e.ctx.settings;
  const { mkdir, readdir, utimes } = await import('node:fs/promises');
  await mkdir(join(s.cacheDir, 'sha1'), { recursive: true });
  const entries: Array<[string, number]> = [[HEX, 100], ['b'.repeat(40), 300], ['c'.repeat(40), 200], ['d'.repeat(40), 100]];
  for (const [hex, age] of entries) {
    await writeFile(join(s.cacheDir, 'sha1', hex), Buffer.alloc(1000));
    const when = new Date(Date.now() - age * 1000);
    await utimes(join(s.cacheDir, 'sha1', hex), when, when);
  }
  await installChute(e.ctx, chute('cam'), '/src/cam'); // references HEX
  t.is((await readdir(join(s.cacheDir, 'sha1'))).length, 4, 'under the default cap nothing goes');
  await removeChute(e.ctx, 'cam');
  t.is((await readdir(join(s.cacheDir, 'sha1'))).length, 4, 'remove keeps the cache (reinstall needs no download)');
  await installChute(e.ctx, chute('cam'), '/src/cam');
  s.cacheMaxBytes = 2000;
  await setRunState(e.ctx, 'stop', 'cam');
  // 4000 bytes > 2000: b (oldest) then c go; HEX is referenced, d is the newest.
  t.deepEqual((await readdir(join(s.cacheDir, 'sha1'))).sort(), [HEX, 'd'.repeat(40)]);
  s.cacheMaxBytes = 0;
  await setRunState(e.ctx, 'start', 'cam');
  t.deepEqual(await readdir(join(s.cacheDir, 'sha1')), [HEX], 'a referenced entry is never pruned');
});

test('set-resources below the memory minimum names the chute and the minimum', async (t) => {
  const e = await env(t);
  await installChute(e.ctx, chute('cam'), '/src/cam');
  const err = await t.throwsAsync(setResources(e.ctx, 'cam', { memoryBytes: 1024 * 1024 }), { instanceOf: ParadropError });
  t.is(err?.code, 'FIELD_INVALID');
  t.regex(err!.message, /^chute "cam": memory 1048576 bytes is below the minimum of 4 MiB \(4194304 bytes\)/);
});
