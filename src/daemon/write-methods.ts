// The daemon's long methods: install, update, start, stop, restart, freeze, unfreeze, remove,
// set_resources. Each checks its input at once (bad input: INVALID_ARGUMENT; unknown chute:
// NOT_FOUND, before any change exists), then queues the operation and answers `{change: id}`.
// The engine's progress lines become the change's step and percent (`paradrop.change` events).
// Used by `ubus call paradrop <method>`, LuCI and the CLI's mutating verbs when the daemon runs.
import { parseSize, SIZE_EXPECTED } from '../chute/units.js';
import { ParadropError, quote } from '../errors.js';
import {
  installChute, loadChuteSource, removeChute, setResources, setRunState,
  type OperationResult, type Reporter, type ResourceOverrides, type RunVerb,
} from '../engine/index.js';
import type { Chute } from '../chute/types.js';
import { type DaemonContext, engineContextOf, loadPathOrSpec, recordedSource, requireInstalled } from './context.js';
import { toErrorReply } from './error-reply.js';
import type { ChangeReply, MethodName } from './methods.js';

type Args = Record<string, unknown>;
type Update = (step: string, percent?: number, chute?: string) => void;

/** Engine progress → change step and percent: "x: N steps", then "  [i/N] what". */
function changeReporter(update: Update): Reporter {
  let total = 0;
  return {
    info(line) {
      const steps = /: (\d+) steps$/.exec(line);
      if (steps !== null) total = Number(steps[1]);
      const at = /^\s*\[(\d+)\/(\d+)\] (.*)$/.exec(line);
      if (at !== null) update(at[3]!, ((Number(at[1]) - 1) / Number(at[2])) * 100);
      else if (steps === null || total > 0) update(line.trim());
    },
    progress(p) {
      update(`fetch ${JSON.stringify(p.name)}${p.percent === undefined ? '' : ` ${p.percent}%`}`);
    },
  };
}

function start(d: DaemonContext, method: MethodName, chute: string,
  run: (reporter: Reporter, update: Update) => Promise<Record<string, unknown>>): ChangeReply {
  if (d.stopping) throw new ParadropError('BUSY', 'the paradrop daemon is stopping; try again once it is back', { value: method });
  const id = d.queue.enqueue(method, chute, (update) => run(changeReporter(update), update), toErrorReply);
  return { change: id };
}

const asRecord = (r: OperationResult, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  JSON.parse(JSON.stringify({ ...r, ...extra })) as Record<string, unknown>;

async function installFrom(d: DaemonContext, method: 'install' | 'update', a: Args, name?: string): Promise<ChangeReply> {
  let local: { chute: Chute; source: string; notes: string[] } | undefined;
  let url = a.url as string | undefined;
  if (a.path !== undefined || a.spec !== undefined) {
    const l = await loadPathOrSpec(a);
    local = { chute: l.chute, source: a.path === undefined ? 'spec' : l.where, notes: l.source.notes };
  } else if (url === undefined && name !== undefined) {
    const src = await recordedSource(d, name);
    if (src === undefined || src === 'spec') {
      throw new ParadropError('USAGE', `update: chute ${quote(name)} has no recorded source to update from; give path, url or spec`, { path: 'path', expected: 'path, url or spec' });
    }
    if (/^https?:\/\//i.test(src)) url = src;
    else local = await loadChuteSource(src, '/');
  }
  if (local !== undefined && name !== undefined && local.chute.name !== name) {
    throw new ParadropError('FIELD_INVALID', `update: the new source is chute ${quote(local.chute.name)}, not ${quote(name)}`,
      { path: 'name', value: local.chute.name, expected: name });
  }
  return start(d, method, local?.chute.name ?? name ?? '', async (reporter, update) => {
    const ctx = engineContextOf(d, reporter);
    const src = local ?? await loadChuteSource(url!, '/', d.settings.fetchTimeoutMs);
    if (name !== undefined && src.chute.name !== name) {
      throw new ParadropError('FIELD_INVALID', `update: the new source is chute ${quote(src.chute.name)}, not ${quote(name)}`,
        { path: 'name', value: src.chute.name, expected: name });
    }
    update(`load ${src.chute.name} ${src.chute.version}`, undefined, src.chute.name);
    const r = await installChute(ctx, src.chute, src.source);
    return asRecord(r, { version: src.chute.version, notes: [...src.notes, ...r.notes] });
  });
}

export function install(d: DaemonContext, a: Args): Promise<ChangeReply> {
  return installFrom(d, 'install', a);
}

export async function update(d: DaemonContext, a: Args): Promise<ChangeReply> {
  await requireInstalled(d, a.name as string);
  return installFrom(d, 'update', a, a.name as string);
}

export async function runState(d: DaemonContext, verb: RunVerb, a: Args): Promise<ChangeReply> {
  const name = a.name as string;
  await requireInstalled(d, name);
  return start(d, verb, name, async (reporter) => asRecord(await setRunState(engineContextOf(d, reporter), verb, name)));
}

export async function remove(d: DaemonContext, a: Args): Promise<ChangeReply> {
  const name = a.name as string;
  await requireInstalled(d, name);
  const keepData = a.keep_data === true;
  return start(d, 'remove', name, async (reporter) => asRecord(await removeChute(engineContextOf(d, reporter), name, { keepData })));
}

/** set_resources' arguments → the same overrides as the CLI's flags (and the same limits). */
export function overridesOf(a: Args): ResourceOverrides {
  const o: ResourceOverrides = {};
  if (a.cpu !== undefined) {
    const cpu = a.cpu as number;
    if (cpu < 2 || cpu > 262144) throw new ParadropError('USAGE', `set_resources: cpu ${cpu}: expected CPU shares from 2 to 262144 (1024 = an equal share)`, { path: 'cpu', value: cpu, expected: '2..262144' });
    o.cpuShares = cpu;
  }
  if (a.memory !== undefined) {
    const r = parseSize(a.memory as string);
    if (!r.ok) throw new ParadropError('USAGE', `set_resources: memory ${quote(a.memory as string)}: expected ${SIZE_EXPECTED}`, { path: 'memory', value: a.memory, expected: SIZE_EXPECTED });
    o.memoryBytes = r.bytes;
  }
  if (a.net !== undefined) {
    for (const [iface, bw] of Object.entries(a.net as Record<string, unknown>)) {
      const b = (typeof bw === 'object' && bw !== null ? bw : {}) as Record<string, unknown>;
      const kbps = (k: string): number | undefined => {
        const v = b[k];
        if (v === undefined) return undefined;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
          throw new ParadropError('USAGE', `set_resources: net.${iface}.${k} ${JSON.stringify(v)}: expected whole kbps of at least 1`, { path: `net.${iface}.${k}`, value: v, expected: 'kbps >= 1' });
        }
        return v;
      };
      const down = kbps('down');
      const up = kbps('up');
      if (down === undefined && up === undefined) {
        throw new ParadropError('USAGE', `set_resources: net.${iface} gives neither down nor up`, { path: `net.${iface}`, value: bw, expected: '{down: KBPS, up: KBPS}' });
      }
      (o.net ??= {})[iface] = { ...(down === undefined ? {} : { downKbps: down }), ...(up === undefined ? {} : { upKbps: up }) };
    }
  }
  if (Object.keys(o).length === 0) throw new ParadropError('USAGE', 'set_resources: nothing to change: give cpu, memory or net', { expected: 'cpu, memory or net' });
  return o;
}

export async function setResourcesMethod(d: DaemonContext, a: Args): Promise<ChangeReply> {
  const name = a.name as string;
  const o = overridesOf(a);
  await requireInstalled(d, name);
  return start(d, 'set_resources', name, async (reporter) => asRecord(await setResources(engineContextOf(d, reporter), name, o)));
}
