// `paradrop daemon` end to end, as root with real LXC, against our ubusd-compatible broker
// (src/ubus/broker.ts, which follows the protocol document and the captured session vectors) on
// a temporary socket: every method through UbusClient, change ids and `paradrop.change` events,
// error DATA + status (NOT_FOUND with the CLI's message, INVALID_ARGUMENT for bad input), reads
// answered while an install runs, and the CLI giving the same output through the daemon as
// directly. Chutes have no network interfaces: they run in the host's namespaces and nothing
// touches the host's network (no bridge, address or firewall rule).
import test from 'ava';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { UbusBroker, UbusClient, UbusStatus, fromBlobmsgFields } from '../../src/ubus/index.js';
import { CLI, cleanupSysEnv, cli, makeSysEnv, uniqueName, waitFor, writeChute, type SysEnv } from '../engine/helpers/system.js';
import type { ChangeEvent } from '../../src/daemon/methods.js';

interface World { e: SysEnv; broker: UbusBroker; daemon: ChildProcess; client: UbusClient; socket: string; events: ChangeEvent[]; stderr: string[] }
let w: World;

test.before(async () => {
  const teardowns: Array<() => Promise<void>> = [];
  const e = await makeSysEnv({ teardown: (fn) => teardowns.push(fn), log: () => undefined });
  (globalThis as { pdTeardown?: () => Promise<void> }).pdTeardown = async () => { for (const f of teardowns) await f(); };
  const socket = join(e.root, 'ubus.sock');
  const broker = await UbusBroker.start({ socketPath: socket });
  const stderr: string[] = [];
  const daemon = spawn(process.execPath, [CLI, 'daemon', '--socket', socket], { env: { ...process.env, ...e.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  daemon.stderr!.on('data', (b: Buffer) => stderr.push(b.toString()));
  const client = await UbusClient.connect({ socketPath: socket, timeoutMs: 120_000 });
  await waitFor('the daemon to register paradrop', 30_000, async () => ((await client.lookup('paradrop')).length > 0 ? true : undefined));
  const events: ChangeEvent[] = [];
  await client.listen('paradrop.change', (_n, data) => { events.push(data as unknown as ChangeEvent); });
  w = { e, broker, daemon, client, socket, events, stderr };
});

test.after.always(async () => {
  if (w === undefined) return;
  w.client.close();
  w.daemon.kill('SIGTERM');
  await new Promise((r) => { if (w.daemon.exitCode !== null) r(null); else w.daemon.once('exit', r); });
  await w.broker.stop();
  await (globalThis as { pdTeardown?: () => Promise<void> }).pdTeardown?.();
  await cleanupSysEnv(w.e);
});

async function call(method: string, args: Record<string, unknown> = {}): Promise<{ status: number; data: Record<string, unknown> }> {
  const r = await w.client.callRaw('paradrop', method, args);
  return { status: r.status, data: r.data[0] === undefined ? {} : fromBlobmsgFields(r.data[0]) };
}

async function ok(method: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const r = await call(method, args);
  if (r.status !== 0) throw new Error(`${method} failed with ${r.status}: ${JSON.stringify(r.data)}`);
  return r.data;
}

async function finished(id: string): Promise<Record<string, unknown>> {
  return waitFor(`change ${id}`, 120_000, async () => {
    const rec = await ok('change', { id });
    return rec.state === 'done' || rec.state === 'failed' ? rec : undefined;
  });
}

async function runChange(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { change } = await ok(method, args);
  const rec = await finished(change as string);
  if (rec.state !== 'done') throw new Error(`${method} change failed: ${JSON.stringify(rec.error)}`);
  return rec;
}

const state = async (name: string): Promise<string> => String((await ok('status', { name })).state);

test.serial('info, validate and render (path and spec), bad arguments', async (t) => {
  const info = await ok('info');
  t.is(info.stateDir, w.e.stateDir);
  t.regex(String(info.version), /^\d+\.\d+\.\d+$|^dev$/);
  t.true(info.cgroup === 'v1' || info.cgroup === 'v2');
  t.is(typeof (info.profile as { name: string }).name, 'string');
  t.true(Array.isArray(info.radios));
  t.true(((info.free as { memoryBytes: number }).memoryBytes) > 0);
  t.false('code' in info);

  const dir = await writeChute(w.e, 'valid1');
  t.like(await ok('validate', { path: dir }), { valid: true, name: 'valid1', problems: [] });
  const bad = await ok('validate', { spec: '{"name": "x", "version": 1}' });
  t.false(bad.valid);
  t.true((bad.problems as unknown[]).length > 0);
  t.regex(String((await ok('render', { path: dir })).text), /lxc\./);
  const spec = JSON.stringify({ name: 'spec1', version: '1', description: 'd', owner: 'o', struct: { net: {} }, files: [], runtime: [] });
  t.like(await ok('render', { spec }), { name: 'spec1' });

  for (const [method, args] of [['validate', {}], ['status', { name: 7 }], ['list', { extra: 1 }], ['install', { path: '/a', url: 'http://x/' }]] as const) {
    const r = await call(method, args);
    t.is(r.status, UbusStatus.INVALID_ARGUMENT, `${method} ${JSON.stringify(args)}`);
    t.is(r.data.code, 'USAGE');
  }
  const r = await call('render', { spec: '{ nope' });
  t.is(r.status, UbusStatus.INVALID_ARGUMENT);
  t.is(typeof r.data.message, 'string');
});

test.serial('unknown chute: NOT_FOUND with the message the CLI prints', async (t) => {
  for (const [method, verb] of [['status', 'status'], ['start', 'start'], ['remove', 'remove'], ['logs', 'logs']] as const) {
    const r = await call(method, { name: 'nosuchchute' });
    t.is(r.status, UbusStatus.NOT_FOUND, method);
    t.is(r.data.code, 'CHUTE_NOT_FOUND');
    const direct = await cli(w.e, [verb, 'nosuchchute', '--direct']);
    t.is(direct.stderr, `paradrop ${verb}: ${String(r.data.message)}`);
    const via = await cli(w.e, [verb, 'nosuchchute'], { PARADROP_UBUS_SOCKET: w.socket });
    t.is(via.stderr, direct.stderr, `${verb} through the daemon`);
    t.is(via.exitCode, direct.exitCode);
  }
  t.is((await call('change', { id: 'nope' })).status, UbusStatus.NOT_FOUND);
});

test.serial('install → change id → events → done; reads answer while it runs; every lifecycle method; remove', async (t) => {
  const name = uniqueName('dmn');
  const dir = await writeChute(w.e, name, { runtime: [{ name: 'talk', program: '/bin/sh', args: ['-c', 'echo hello-daemon; exec sleep 100000'] }] });
  const { change } = await ok('install', { path: dir });
  t.is(typeof change, 'string');
  const listed = await ok('list');
  const duringInstall = await ok('change', { id: change });
  t.true(Array.isArray(listed.chutes));
  t.not(duringInstall.state, 'done', 'list returned before the install finished');
  const rec = await finished(change as string);
  t.is(rec.state, 'done', JSON.stringify(rec.error));
  t.like(rec, { chute: name, percent: 100, method: 'install' });
  const mine = w.events.filter((e) => e.id === change);
  t.deepEqual([...new Set(mine.map((e) => e.state))], ['queued', 'running', 'done']);
  t.true(mine.some((e) => e.state === 'running' && /container|steps/.test(e.step)), mine.map((e) => e.step).join(' | '));

  t.deepEqual(((await ok('list')).chutes as Array<{ name: string }>).map((c) => c.name), [name]);
  t.is(await state(name), 'RUNNING');
  await waitFor('the program\'s log line', 20_000, async () => (/hello-daemon/.test(String((await ok('logs', { name, lines: 5 })).text)) ? true : undefined));

  // The CLI through the daemon and directly: same stdout and exit code.
  for (const args of [['list'], ['status', name], ['list', '--json'], ['validate', dir]]) {
    const via = await cli(w.e, args, { PARADROP_UBUS_SOCKET: w.socket });
    const direct = await cli(w.e, [...args, '--direct']);
    const clean = (s: string): string => s.replace(/up \d+[dhms][^,\n]*/g, 'up X').replace(/"uptimeSeconds": \d+/g, '"uptimeSeconds": X').replace(/(cpu|memory) [\d.]+ (s|[KMG]iB|B)/g, '$1 X');
    t.is(clean(via.stdout), clean(direct.stdout), args.join(' '));
    t.is(via.exitCode, direct.exitCode);
  }

  await runChange('set_resources', { name, memory: '96M', cpu: 512 });
  const limits = (await ok('status', { name })).limits as { memoryBytes: number; cpuShares: number };
  t.like(limits, { memoryBytes: 96 * 1024 * 1024, cpuShares: 512 });
  t.is((await call('set_resources', { name })).status, UbusStatus.INVALID_ARGUMENT);

  await runChange('freeze', { name });
  t.is(await state(name), 'FROZEN');
  await runChange('unfreeze', { name });
  t.is(await state(name), 'RUNNING');
  // Through the CLI: the stop lands in the daemon's change log (the CLI went through ubus).
  const stop = await cli(w.e, ['stop', name], { PARADROP_UBUS_SOCKET: w.socket });
  t.is(stop.exitCode, 0, stop.stderr);
  t.is(stop.stdout, `stopped ${name}`);
  t.like(((await ok('changes')).changes as Array<Record<string, unknown>>)[0], { method: 'stop', chute: name, state: 'done' });
  t.is(await state(name), 'STOPPED');
  const failed = await finished((await ok('freeze', { name })).change as string);
  t.like(failed, { state: 'failed', error: { code: 'CHUTE_STATE' } });
  await runChange('start', { name });
  t.is(await state(name), 'RUNNING');
  await runChange('restart', { name });
  t.is(await state(name), 'RUNNING');
  await runChange('remove', { name, keep_data: false });
  t.deepEqual((await ok('list')).chutes, []);
  const all = (await ok('changes')).changes as Array<{ method: string }>;
  t.is(all[0]!.method, 'remove', 'newest first');
});
