// The daemon's read methods: info, list, status, logs, changes, change, validate, render. They run
// at once and concurrently, never waiting on the mutation queue (the engine's reads take no lock).
// Used by `ubus call paradrop <method>` and the CLI's list/status/logs when the daemon runs.
import { statfs } from 'node:fs/promises';
import { ParadropError, quote, ValidationError } from '../errors.js';
import { chuteStatus, listChutes, readLogs } from '../engine/index.js';
import { loadState } from '../engine/state-store.js';
import { compileState } from '../engine/world.js';
import { compile } from '../plan/compile.js';
import { renderPlan } from '../plan/render.js';
import { parseUci } from '../uci/index.js';
import { type DaemonContext, engineContextOf, loadPathOrSpec } from './context.js';
import type { ChangesReply, InfoReply, ListReply, LogsReply, ValidateReply } from './methods.js';

type Args = Record<string, unknown>;

function poolSubnets(pool: string): number {
  const prefix = Number(pool.split('/')[1]);
  return Number.isInteger(prefix) && prefix <= 24 ? 2 ** (24 - prefix) : 0;
}

export async function info(d: DaemonContext): Promise<InfoReply & { stateDir: string }> {
  const { state } = await loadState(d.settings);
  const plans = compileState(d.settings, state).plans;
  const p = d.settings.profile;
  let usedMemory = 0;
  let usedSubnets = 0;
  for (const plan of plans.values()) usedMemory += plan.limits.memoryBytes;
  for (const rec of Object.values(state.chutes)) usedSubnets += Object.keys(rec.subnets).length;
  const wireless = parseUci((await d.platform.readUci('wireless')) ?? '', 'wireless');
  const radios = p.radios.map((r) => ({
    name: r.name, band: r.band, maxAps: r.maxAps,
    used: wireless.sections.filter((s) => s.name.startsWith('pd_') && s.options.some((o) => o.name === 'device' && o.value === r.name)).length,
  }));
  const fs = await statfs(d.settings.stateDir).catch(() => undefined);
  const budget = Math.floor((p.ramBytes - p.memoryPolicy.reserveBytes) * p.memoryPolicy.overcommit);
  return {
    version: d.version,
    profile: { ...p } as InfoReply['profile'],
    cgroup: d.cgroup,
    radios,
    free: {
      memoryBytes: Math.max(0, budget - usedMemory),
      subnets: Math.max(0, poolSubnets(p.subnetPool) - usedSubnets),
      diskKiB: fs === undefined ? null : Math.floor((fs.bavail * fs.bsize) / 1024),
    },
    stateDir: d.settings.stateDir,
  };
}

export async function list(d: DaemonContext): Promise<ListReply> {
  return { chutes: await listChutes(engineContextOf(d)) };
}

export async function status(d: DaemonContext, a: Args): Promise<Record<string, unknown>> {
  return { ...(await chuteStatus(engineContextOf(d), a.name as string)) };
}

export async function logs(d: DaemonContext, a: Args): Promise<LogsReply> {
  const lines = (a.lines as number | undefined) ?? 50;
  if (lines < 1 || lines > 10000) {
    throw new ParadropError('USAGE', `logs: lines ${lines} is out of range; expected 1..10000`, { path: 'lines', value: lines, expected: '1..10000' });
  }
  const opts = { lines, ...(a.program === undefined ? {} : { program: a.program as string }) };
  return { text: (await readLogs(engineContextOf(d), a.name as string, opts)).text };
}

export function changes(d: DaemonContext): ChangesReply {
  return { changes: d.queue.list() };
}

export function change(d: DaemonContext, a: Args): Record<string, unknown> {
  const rec = d.queue.get(a.id as string);
  if (rec === undefined) {
    throw new ParadropError('UBUS_NOT_FOUND', `no change ${quote(a.id as string)} (the daemon keeps the last 50; see \`ubus call paradrop changes\`)`,
      { path: 'id', value: a.id, expected: 'a change id from a long method' });
  }
  return { ...rec };
}

/** Problems are the answer here, not an error: LuCI lists them. */
export async function validate(d: DaemonContext, a: Args): Promise<ValidateReply & { version?: string }> {
  try {
    const { chute, source } = await loadPathOrSpec(a);
    const { notes } = compile(d.settings.profile, [{ chute }]);
    return { valid: true, name: chute.name, version: chute.version, problems: [], notes: [...source.notes, ...notes] };
  } catch (err) {
    if (!(err instanceof ParadropError) || err.code === 'IO_ERROR') throw err;
    const problems = err instanceof ValidationError
      ? err.problems.map((p) => ({ code: p.code, path: p.path, message: p.message }))
      : [{ code: err.code, path: err.path ?? '', message: err.message }];
    return { valid: false, problems, notes: [] };
  }
}

export async function render(d: DaemonContext, a: Args): Promise<{ name: string; text: string }> {
  const { chute } = await loadPathOrSpec(a);
  const state = compile(d.settings.profile, [{ chute }]);
  return { name: chute.name, text: renderPlan(state) };
}
