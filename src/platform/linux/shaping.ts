// Per-interface bandwidth of a chute with tc, entirely on the gateway side of its veth, where the
// chute cannot touch it (a chute may hold net_admin in its own namespace):
// - down (towards the chute): htb on the egress of the veth's gateway end;
// - up (from the chute): the veth end's ingress is redirected (u32 match-all + mirred, which every
//   kernel with kmod-sched-core has; matchall is often missing) to an ifb device `ipd<slot><n>`,
//   and htb shapes the ifb's egress.
// The htb qdisc has handle 7064: ("pd", our mark) and one class at the rate with a burst of 10 ms.
// Invariants: applying is idempotent (qdiscs, filter and ifb are added once, the class replaced);
// only this chute's veths (the peers of the veths in its namespace, reached through the pid of
// its init) and the ifb devices they redirect to are changed; removing a rate removes exactly
// what shaping added there.
import { existsSync } from 'node:fs';
import debug from '../../log.js';
import { type ObservedLink, parseLinks } from './links.js';
import { IFB_PREFIX, isOwnedDeviceName } from './model.js';
import type { ShapingPlan } from '../../plan/types.js';
import { type RunContext, inProcessNetns, ip, tc } from './run.js';

const log = debug('paradrop:linux:shaping');

export const QDISC_HANDLE = '7064:';
const CLASS_ID = '7064:1';

/** htb with one default class: burst of 10 ms at the rate (at least ten full frames). */
export function htbArgs(dev: string, kbps: number): { qdisc: string[]; cls: string[] } {
  const bytesPerSec = (kbps * 1000) / 8;
  const burst = Math.max(15140, Math.ceil(bytesPerSec / 100));
  const quantum = Math.min(200000, Math.max(1514, Math.ceil(bytesPerSec / 10)));
  return {
    qdisc: ['qdisc', 'replace', 'dev', dev, 'root', 'handle', QDISC_HANDLE, 'htb', 'default', '1'],
    cls: ['class', 'replace', 'dev', dev, 'parent', QDISC_HANDLE, 'classid', CLASS_ID, 'htb',
      'rate', `${kbps}kbit`, 'ceil', `${kbps}kbit`, 'burst', String(burst), 'cburst', String(burst), 'quantum', String(quantum)],
  };
}

interface TcQdisc { kind?: string; handle?: string; root?: boolean }
interface TcFilter { kind?: string; options?: { actions?: { kind?: string; to_dev?: string }[] } }

async function qdiscs(ctx: RunContext, dev: string): Promise<TcQdisc[]> {
  const r = await tc(ctx, ['-j', 'qdisc', 'show', 'dev', dev], { okExitCodes: [0, 1, 2] });
  return r.exitCode === 0 ? (JSON.parse(r.stdout || '[]') as TcQdisc[]) : [];
}

const isOurRoot = (q: TcQdisc): boolean => q.root === true && q.handle === QDISC_HANDLE && q.kind === 'htb';

/** Egress rate on `dev`: our htb at `kbps`, or none of ours when `kbps` is undefined. */
async function shapeEgress(ctx: RunContext, dev: string, kbps: number | undefined): Promise<void> {
  const ours = (await qdiscs(ctx, dev)).some(isOurRoot);
  if (kbps === undefined) {
    if (ours) await tc(ctx, ['qdisc', 'del', 'dev', dev, 'root']);
    return;
  }
  const a = htbArgs(dev, kbps);
  // htb cannot be "changed": add it only when it is not already the root qdisc.
  if (!ours) await tc(ctx, a.qdisc);
  await tc(ctx, a.cls);
}

/** The devices the ingress of `dev` is redirected to. */
async function redirectTargets(ctx: RunContext, dev: string): Promise<string[]> {
  const r = await tc(ctx, ['-j', 'filter', 'show', 'dev', dev, 'ingress'], { okExitCodes: [0, 1, 2] });
  if (r.exitCode !== 0) return [];
  const filters = JSON.parse(r.stdout || '[]') as TcFilter[];
  return filters.flatMap((f) => f.options?.actions ?? []).filter((a) => a.kind === 'mirred' && a.to_dev).map((a) => a.to_dev!);
}

async function shapeIngress(ctx: RunContext, links: readonly ObservedLink[], dev: string, up: { kbps: number; ifb: string } | undefined): Promise<void> {
  const hasIngress = (await qdiscs(ctx, dev)).some((q) => q.kind === 'ingress');
  const targets = hasIngress ? await redirectTargets(ctx, dev) : [];
  if (!up) {
    if (hasIngress) await tc(ctx, ['qdisc', 'del', 'dev', dev, 'ingress']);
    const conventional = `${IFB_PREFIX}${dev.slice(3)}`;
    for (const ifb of new Set([...targets, conventional])) {
      if (ifb.startsWith(IFB_PREFIX) && links.some((l) => l.ifname === ifb && l.kind === 'ifb')) await ip(ctx, ['link', 'del', 'dev', ifb]);
    }
    return;
  }
  const ifbLink = links.find((l) => l.ifname === up.ifb);
  const fresh = !ifbLink || ifbLink.kind !== 'ifb';
  if (ifbLink && fresh) await ip(ctx, ['link', 'del', 'dev', up.ifb]);
  if (fresh) await ip(ctx, ['link', 'add', 'name', up.ifb, 'type', 'ifb']);
  if (fresh || !ifbLink.flags.includes('UP')) await ip(ctx, ['link', 'set', 'dev', up.ifb, 'up']);
  await shapeEgress(ctx, up.ifb, up.kbps);
  if (!hasIngress) await tc(ctx, ['qdisc', 'add', 'dev', dev, 'handle', 'ffff:', 'ingress']);
  if (targets.length !== 1 || targets[0] !== up.ifb) {
    if (targets.length) await tc(ctx, ['filter', 'del', 'dev', dev, 'ingress']);
    await tc(ctx, ['filter', 'add', 'dev', dev, 'parent', 'ffff:', 'protocol', 'all', 'prio', '1',
      'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', up.ifb]);
  }
}

/** The gateway ends of the chute's veths: peers of the veths in its namespace, among our vpd* links. */
async function chuteHostVeths(pid: number, links: readonly ObservedLink[]): Promise<string[]> {
  // A chute whose init is gone has no veths left (LXC destroys them with the container).
  if (!Number.isInteger(pid) || pid <= 1 || !existsSync(`/proc/${pid}/ns/net`)) return [];
  const inside = parseLinks((await inProcessNetns(pid, 'ip', ['-j', '-d', 'link', 'show'])).stdout, '[]').filter((l) => l.kind === 'veth');
  return links
    .filter((l) => l.kind === 'veth' && isOwnedDeviceName(l.ifname) && inside.some((x) => x.linkIndex === l.ifindex && l.linkIndex === x.ifindex))
    .map((l) => l.ifname);
}

/** Applies one chute's rates; its veths without a rate lose what shaping added. */
export async function applyShaping(ctx: RunContext, plans: readonly ShapingPlan[], pid: number): Promise<void> {
  const links = parseLinks((await ip(ctx, ['-j', '-d', 'link', 'show'])).stdout, '[]');
  const down = new Map<string, number>();
  const up = new Map<string, { kbps: number; ifb: string }>();
  for (const p of plans) {
    if (p.down) down.set(p.down.dev, p.down.kbps);
    if (p.up) up.set(p.up.dev, { kbps: p.up.kbps, ifb: p.up.ifb });
  }
  const devs = new Set([...down.keys(), ...up.keys(), ...await chuteHostVeths(pid, links)]);
  for (const dev of devs) {
    log('shape %s: down %s, up %o', dev, down.get(dev), up.get(dev));
    await shapeEgress(ctx, dev, down.get(dev));
    await shapeIngress(ctx, links, dev, up.get(dev));
  }
}

/** Rate of our htb class on a device, in kbit/s, from `tc class show` (htb has no JSON there). */
export function parseClassRate(text: string): number | undefined {
  const m = /class htb 7064:1 .*?\brate (\d+(?:\.\d+)?)(bit|Kbit|Mbit|Gbit)\b/.exec(text);
  if (!m) return undefined;
  const scale = { bit: 0.001, Kbit: 1, Mbit: 1000, Gbit: 1_000_000 }[m[2] as 'bit'];
  return Math.round(Number(m[1]) * scale);
}
