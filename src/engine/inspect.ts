// Read-only views for `paradrop list` and `paradrop status`: the state file compiled for this
// gateway plus what the system says now (container state, init pid and uptime, chute-init's
// program status, cgroup usage, the pending resource request). No lock: reads see whole files.
import { ParadropError, quote } from '../errors.js';
import type { RunState } from '../plan/steps.js';
import type { CgroupUsage, ContainerState, ProgramStatus } from '../platform/index.js';
import { processUptimeSeconds } from '../platform/proc-info.js';
import type { ResourceOverrides } from './state.js';
import { loadState } from './state-store.js';
import { compileState } from './world.js';
import type { EngineContext } from './types.js';
import type { ResourceRequest } from './operations.js';

export interface ChuteSummary {
  name: string;
  version: string;
  desired: RunState;
  state: ContainerState;
  slot: string;
  /** `iface=address/prefix`. */
  addresses: string[];
}

export async function listChutes(ctx: EngineContext): Promise<ChuteSummary[]> {
  const { state } = await loadState(ctx.settings);
  const { plans } = compileState(ctx.settings, state);
  const out: ChuteSummary[] = [];
  for (const [name, rec] of Object.entries(state.chutes).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const plan = plans.get(name)!;
    const info = await ctx.platform.containerInfo(plan.container);
    out.push({
      name, version: rec.spec.version, desired: rec.desired, state: info.state, slot: rec.slot,
      addresses: plan.interfaces.map((i) => `${i.name}=${i.chuteAddress}/${i.prefixLength}`),
    });
  }
  return out;
}

export interface InterfaceStatus {
  name: string;
  type: string;
  intfName: string;
  address: string;
  gateway: string;
  subnet: string;
  bridge: string;
  hostVeth: string;
  ssid?: string;
  radio?: string | null;
  downKbps?: number;
  upKbps?: number;
}

export interface ChuteStatus {
  name: string;
  version: string;
  description: string;
  owner: string;
  source?: string;
  desired: RunState;
  state: ContainerState;
  slot: string;
  container: string;
  dir: string;
  installedAt: string;
  updatedAt: string;
  initPid: number | null;
  uptimeSeconds: number | null;
  programs: ProgramStatus[];
  interfaces: InterfaceStatus[];
  /** Addresses LXC reports inside the chute. */
  ips: string[];
  limits: { cpuShares: number; memoryBytes: number; diskKiB: number; cgroup: Record<string, string> };
  overrides?: ResourceOverrides;
  usage: CgroupUsage | null;
  request: ResourceRequest | null;
  notes: string[];
}

export async function chuteStatus(ctx: EngineContext, name: string): Promise<ChuteStatus> {
  const { state } = await loadState(ctx.settings);
  const rec = state.chutes[name];
  if (rec === undefined) {
    throw new ParadropError('CHUTE_NOT_FOUND', `chute ${quote(name)} is not installed; see \`paradrop list\``, { value: name });
  }
  const { plans, desired } = compileState(ctx.settings, state);
  const plan = plans.get(name)!;
  const info = await ctx.platform.containerInfo(plan.container);
  const active = info.state === 'RUNNING' || info.state === 'FROZEN';
  const usage = active ? await ctx.platform.readUsage(plan.container).catch(() => null) : null;
  const requestText = await ctx.platform.files.readRunFile(plan.dir, 'resources.json').catch(() => null);
  let request: ResourceRequest | null = null;
  try {
    request = requestText === null ? null : JSON.parse(requestText) as ResourceRequest;
  } catch {
    request = null;
  }
  const notes = desired.notes.filter((n) => n.includes(quote(name)));
  for (const i of plan.interfaces) {
    if (i.type === 'wifi' && i.radio === null) notes.push(`interface ${quote(i.name)}: SSID ${quote(i.ssid ?? '')} is not broadcast (no radio on this gateway)`);
  }
  const status: ChuteStatus = {
    name, version: rec.spec.version, description: rec.spec.description, owner: rec.spec.owner,
    desired: rec.desired, state: info.state, slot: rec.slot, container: plan.container, dir: plan.dir,
    installedAt: rec.installedAt, updatedAt: rec.updatedAt,
    initPid: info.pid, uptimeSeconds: info.pid === null ? null : await processUptimeSeconds(info.pid),
    programs: await ctx.platform.readChuteStatus(plan.dir),
    interfaces: plan.interfaces.map((i) => {
      const s = plan.shaping.find((x) => x.iface === i.name);
      return {
        name: i.name, type: i.type, intfName: i.intfName, address: `${i.chuteAddress}/${i.prefixLength}`, gateway: i.gatewayAddress,
        subnet: i.subnet, bridge: i.bridge, hostVeth: i.hostVeth,
        ...(i.ssid === undefined ? {} : { ssid: i.ssid }), ...(i.radio === undefined ? {} : { radio: i.radio }),
        ...(s?.down ? { downKbps: s.down.kbps } : {}), ...(s?.up ? { upKbps: s.up.kbps } : {}),
      };
    }),
    ips: info.ips,
    limits: { cpuShares: plan.limits.cpuShares, memoryBytes: plan.limits.memoryBytes, diskKiB: plan.diskKiB, cgroup: plan.limits.files },
    usage, request, notes,
    ...(rec.source === undefined ? {} : { source: rec.source }),
    ...(rec.resourceOverrides === undefined ? {} : { overrides: rec.resourceOverrides }),
  };
  return status;
}
