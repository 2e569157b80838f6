// paradrop's durable state, pure: which chutes are installed (their normalized spec, so they can
// be compiled again), the slot and pool subnets they were given at install (so their names and
// addresses never move), what each should be doing, and the resource changes set-resources made.
// Everything else (containers, mounts, UCI, network) is derived from this by compile() and checked
// against the system by observing it; nothing else is remembered.
//
// Resource overrides (set-resources) are applied to the spec before compiling, so they persist
// across restarts and reboots. An update keeps an override unless the new version changes that
// very field (cpu, memory, or one direction of one interface): then the developer's new value
// wins. Overrides for interfaces the new version no longer has are dropped.
import type { Amount, Bandwidth, Chute } from '../chute/types.js';
import { ParadropError, quote } from '../errors.js';
import type { RunState } from '../plan/steps.js';
import type { ChuteInput, DesiredState } from '../plan/types.js';

export interface ResourceOverrides {
  cpuShares?: number;
  memoryBytes?: number;
  /** By struct.net key. */
  net?: Record<string, Bandwidth>;
}

export interface ChuteRecord {
  spec: Chute;
  slot: string;
  /** Pool subnets by struct.net key (interfaces with their own ipaddr are not recorded). */
  subnets: Record<string, string>;
  desired: RunState;
  installedAt: string;
  updatedAt: string;
  /** Where it was installed from (directory, file or URL), for `status`. */
  source?: string;
  resourceOverrides?: ResourceOverrides;
}

export interface EngineState {
  version: 1;
  chutes: Record<string, ChuteRecord>;
}

export function emptyState(): EngineState {
  return { version: 1, chutes: {} };
}

const RUN_STATES = new Set<RunState>(['running', 'stopped', 'frozen']);

/** Reads state.json text; a file paradrop did not write (or a newer version) is refused, never guessed at. */
export function parseState(text: string, path: string): EngineState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ParadropError('STATE_INVALID', `state file ${path} is not valid JSON (${(err as Error).message}); restore it from a backup or move it away to start afresh`,
      { path, expected: 'JSON written by paradrop', cause: err });
  }
  const o = json as Partial<EngineState> | null;
  if (o === null || typeof o !== 'object' || o.version !== 1 || typeof o.chutes !== 'object' || o.chutes === null) {
    throw new ParadropError('STATE_INVALID', `state file ${path} is not a paradrop state of version 1`,
      { path, value: (o as { version?: unknown } | null)?.version, expected: '{"version": 1, "chutes": {...}}' });
  }
  for (const [name, rec] of Object.entries(o.chutes)) {
    if (rec?.spec?.name !== name || typeof rec.slot !== 'string' || !RUN_STATES.has(rec.desired)) {
      throw new ParadropError('STATE_INVALID', `state file ${path}: the record of chute ${quote(name)} is damaged`,
        { path: `${path}:chutes.${name}`, expected: 'spec, slot and desired state' });
    }
  }
  return o as EngineState;
}

export function serializeState(state: EngineState): string {
  const chutes = Object.fromEntries(Object.keys(state.chutes).sort().map((k) => [k, state.chutes[k]!]));
  return `${JSON.stringify({ version: 1, chutes }, null, 2)}\n`;
}

const value = (n: number): Amount => ({ kind: 'value', value: n });

/** The spec with set-resources' overrides applied: what gets compiled. */
export function effectiveSpec(rec: ChuteRecord): Chute {
  const o = rec.resourceOverrides;
  if (o === undefined) return rec.spec;
  const net: Record<string, Bandwidth> = { ...rec.spec.resource.net };
  for (const [iface, bw] of Object.entries(o.net ?? {})) net[iface] = { ...net[iface], ...bw };
  return {
    ...rec.spec,
    resource: {
      cpu: o.cpuShares === undefined ? rec.spec.resource.cpu : value(o.cpuShares),
      memory: o.memoryBytes === undefined ? rec.spec.resource.memory : value(o.memoryBytes),
      net,
    },
  };
}

/** Compile inputs for the whole gateway: every installed chute with its recorded slot and subnets. */
export function inputsOf(state: EngineState): ChuteInput[] {
  return Object.keys(state.chutes).sort().map((name) => {
    const rec = state.chutes[name]!;
    return { chute: effectiveSpec(rec), slot: rec.slot, subnets: rec.subnets };
  });
}

/** Slot and pool subnets of `name` as compile() gave them: recorded so they never move. */
export function allocationOf(desired: DesiredState, name: string, spec: Chute): { slot: string; subnets: Record<string, string> } {
  const plan = desired.chutes.find((p) => p.name === name);
  if (plan === undefined) throw new ParadropError('CHUTE_NOT_FOUND', `chute ${quote(name)} is not in the compiled state`);
  const subnets: Record<string, string> = {};
  for (const i of plan.interfaces) {
    const net = spec.struct.net.find((n) => n.name === i.name);
    if (net !== undefined && net.ipaddr === undefined && net.netmask === undefined) subnets[i.name] = i.subnet;
  }
  return { slot: plan.slot, subnets };
}

function sameAmount(a: Amount, b: Amount): boolean {
  return a.kind === b.kind && (a.kind === 'default' || a.value === (b as { value: number }).value);
}

/** Overrides that survive an update from `oldSpec` to `newSpec` (see the file comment). */
export function overridesAfterUpdate(oldSpec: Chute, newSpec: Chute, o: ResourceOverrides | undefined): ResourceOverrides | undefined {
  if (o === undefined) return undefined;
  const out: ResourceOverrides = {};
  if (o.cpuShares !== undefined && sameAmount(oldSpec.resource.cpu, newSpec.resource.cpu)) out.cpuShares = o.cpuShares;
  if (o.memoryBytes !== undefined && sameAmount(oldSpec.resource.memory, newSpec.resource.memory)) out.memoryBytes = o.memoryBytes;
  const ifaces = new Set(newSpec.struct.net.map((n) => n.name));
  for (const [iface, bw] of Object.entries(o.net ?? {})) {
    if (!ifaces.has(iface)) continue;
    const before = oldSpec.resource.net[iface] ?? {};
    const after = newSpec.resource.net[iface] ?? {};
    const kept: Bandwidth = {};
    if (bw.downKbps !== undefined && before.downKbps === after.downKbps) kept.downKbps = bw.downKbps;
    if (bw.upKbps !== undefined && before.upKbps === after.upKbps) kept.upKbps = bw.upKbps;
    if (kept.downKbps !== undefined || kept.upKbps !== undefined) (out.net ??= {})[iface] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Overrides `o` with `next` merged over it (set-resources changes only what it names). */
export function mergeOverrides(o: ResourceOverrides | undefined, next: ResourceOverrides): ResourceOverrides {
  // net copied too: merging into the caller's object would change the recorded state it came from.
  const out: ResourceOverrides = { ...o, ...(o?.net ? { net: { ...o.net } } : {}) };
  if (next.cpuShares !== undefined) out.cpuShares = next.cpuShares;
  if (next.memoryBytes !== undefined) out.memoryBytes = next.memoryBytes;
  for (const [iface, bw] of Object.entries(next.net ?? {})) {
    (out.net ??= {})[iface] = { ...out.net?.[iface], ...bw };
  }
  return out;
}

/** A copy with one chute record replaced (or removed with `undefined`). */
export function withChute(state: EngineState, name: string, rec: ChuteRecord | undefined): EngineState {
  const chutes = { ...state.chutes };
  if (rec === undefined) delete chutes[name];
  else chutes[name] = rec;
  return { version: 1, chutes };
}
