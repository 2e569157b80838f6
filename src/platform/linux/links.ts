// Links and addresses: what the kernel has (`ip -j -d link` + `ip -j addr`), and bringing the
// br-pd* bridges and their addresses to what the NetModel says, as netifd would: STP off,
// forward_delay 8 s, multicast snooping off, priority 32767 (setting it makes an empty bridge
// report NO-CARRIER like netifd's, vectors' README), addresses in configured order with broadcast.
// Invariants: only bridges named br-pd* are created, changed or deleted; only br-pd*/vpd* devices
// are enslaved to them; ports LXC attached (the chutes' veths) are never detached; the gateway's
// own devices and their addresses are never touched. Every step re-reads nothing it remembers:
// it observes, then fixes what differs, so a crash half-way converges on the next run.
import debug from '../../log.js';
import { type BridgeModel, IFB_PREFIX, type NetModel, OWNED_VETH_PREFIX, isOwnedBridgeName, isOwnedDeviceName } from './model.js';
import { type RunContext, ip } from './run.js';

const log = debug('paradrop:linux:links');

export interface ObservedAddress {
  family: string;
  local: string;
  prefixlen: number;
  broadcast?: string;
  scope?: string;
  label?: string;
}

export interface ObservedLink {
  ifname: string;
  ifindex: number;
  kind?: string;
  master?: string;
  flags: string[];
  operstate: string;
  mtu: number;
  /** Peer ifindex of a veth (in the peer's namespace). */
  linkIndex?: number;
  bridge?: { stp_state: number; forward_delay: number; vlan_filtering: number; mcast_snooping: number; priority: number };
  portState?: string;
  addrs: ObservedAddress[];
}

interface IpLink {
  ifindex: number;
  ifname: string;
  flags?: string[];
  operstate?: string;
  mtu?: number;
  master?: string;
  link_index?: number;
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, number>;
    info_slave_kind?: string;
    info_slave_data?: { state?: string };
  };
}

interface IpAddr {
  ifname: string;
  addr_info?: ObservedAddress[];
}

/** Parses `ip -j -d link show` and `ip -j addr show` into one list, in kernel order. */
export function parseLinks(linkJson: string, addrJson: string): ObservedLink[] {
  const links = JSON.parse(linkJson || '[]') as IpLink[];
  const addrs = JSON.parse(addrJson || '[]') as IpAddr[];
  return links.map((l) => {
    const out: ObservedLink = {
      ifname: l.ifname,
      ifindex: l.ifindex,
      flags: l.flags ?? [],
      operstate: l.operstate ?? 'UNKNOWN',
      mtu: l.mtu ?? 0,
      addrs: (addrs.find((a) => a.ifname === l.ifname)?.addr_info ?? []).map((a) => {
        const x: ObservedAddress = { family: a.family, local: a.local, prefixlen: a.prefixlen };
        if (a.broadcast !== undefined) x.broadcast = a.broadcast;
        if (a.scope !== undefined) x.scope = a.scope;
        if (a.label !== undefined) x.label = a.label;
        return x;
      }),
    };
    if (l.linkinfo?.info_kind) out.kind = l.linkinfo.info_kind;
    if (l.master) out.master = l.master;
    if (l.link_index !== undefined) out.linkIndex = l.link_index;
    const d = l.linkinfo?.info_data;
    if (out.kind === 'bridge' && d) {
      out.bridge = {
        stp_state: d.stp_state ?? 0, forward_delay: d.forward_delay ?? 0, vlan_filtering: d.vlan_filtering ?? 0,
        mcast_snooping: d.mcast_snooping ?? 0, priority: d.priority ?? 0,
      };
    }
    if (l.linkinfo?.info_slave_data?.state) out.portState = l.linkinfo.info_slave_data.state;
    return out;
  });
}

export async function observeLinks(ctx: RunContext): Promise<ObservedLink[]> {
  const [links, addrs] = await Promise.all([ip(ctx, ['-j', '-d', 'link', 'show']), ip(ctx, ['-j', 'addr', 'show'])]);
  return parseLinks(links.stdout, addrs.stdout);
}

/** Bridges that should exist: bridge_empty, or a port that is there to be enslaved. */
export function bridgesToCreate(model: NetModel, links: readonly ObservedLink[]): BridgeModel[] {
  return model.bridges.filter((b) => b.create || b.ports.some((p) => links.some((l) => l.ifname === p)));
}

/** Addresses each owned bridge should carry, in order (netifd: static, up by force_link or carrier). */
export function desiredAddresses(model: NetModel, bridge: string, carrier: boolean): string[] {
  const out: string[] = [];
  for (const itf of model.interfaces) {
    if (itf.device !== bridge || !itf.owned || itf.disabled || itf.proto !== 'static') continue;
    if (itf.error !== undefined && itf.error !== 'NO_DEVICE') continue;
    if (!itf.forceLink && !carrier) continue;
    for (const a of itf.addresses) {
      const cidr = `${a.address}/${a.prefix}`;
      if (!out.includes(cidr)) out.push(cidr);
    }
  }
  return out;
}

const bridgeArgs = (b: BridgeModel): string[] => [
  'stp_state', b.stp ? '1' : '0', 'forward_delay', String(b.forwardDelay),
  'mcast_snooping', b.mcastSnooping ? '1' : '0', 'priority', String(b.priority),
];

function bridgeDiffers(b: BridgeModel, l: ObservedLink): boolean {
  const x = l.bridge;
  return !x || x.stp_state !== (b.stp ? 1 : 0) || x.forward_delay !== b.forwardDelay ||
    x.mcast_snooping !== (b.mcastSnooping ? 1 : 0) || x.priority !== b.priority;
}

/** Makes the br-pd* bridges and their addresses match the model. Returns what it changed. */
export async function applyLinks(ctx: RunContext, model: NetModel): Promise<string[]> {
  const done: string[] = [];
  const act = async (what: string, args: string[]) => {
    log('%s', what);
    done.push(what);
    await ip(ctx, args);
  };
  let links = await observeLinks(ctx);
  const wanted = bridgesToCreate(model, links);
  const wantedNames = new Set(wanted.map((b) => b.name));

  // Stale bridges first, so that a subnet moving between bridges never exists twice.
  for (const l of links) {
    if (l.kind === 'bridge' && isOwnedBridgeName(l.ifname) && !wantedNames.has(l.ifname)) {
      await act(`delete stale bridge '${l.ifname}'`, ['link', 'del', 'dev', l.ifname]);
    }
  }
  for (const ifb of staleIfbs(links)) await act(`delete ifb '${ifb}' of a veth that is gone`, ['link', 'del', 'dev', ifb]);
  for (const b of wanted) {
    const l = links.find((x) => x.ifname === b.name);
    if (l && l.kind !== 'bridge') await act(`replace '${b.name}' (a ${l.kind ?? 'plain'} link) by a bridge`, ['link', 'del', 'dev', b.name]);
    if (!l || l.kind !== 'bridge') {
      await act(`create bridge '${b.name}'`, ['link', 'add', 'name', b.name, 'type', 'bridge', ...bridgeArgs(b)]);
    } else if (bridgeDiffers(b, l)) {
      await act(`reset bridge attributes of '${b.name}'`, ['link', 'set', 'dev', b.name, 'type', 'bridge', ...bridgeArgs(b)]);
    }
  }
  links = await observeLinks(ctx);
  for (const b of wanted) {
    for (const port of b.ports) {
      const p = links.find((x) => x.ifname === port);
      if (!p || !isOwnedDeviceName(port)) continue;
      if (p.master !== b.name) await act(`enslave '${port}' to '${b.name}'`, ['link', 'set', 'dev', port, 'master', b.name]);
      if (!p.flags.includes('UP')) await act(`bring '${port}' up`, ['link', 'set', 'dev', port, 'up']);
    }
    const l = links.find((x) => x.ifname === b.name)!;
    if (!l.flags.includes('UP')) await act(`bring '${b.name}' up`, ['link', 'set', 'dev', b.name, 'up']);
    const want = desiredAddresses(model, b.name, l.flags.includes('LOWER_UP'));
    const have = l.addrs.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
    for (const a of have.filter((x) => !want.includes(x))) await act(`remove ${a} from '${b.name}'`, ['addr', 'del', a, 'dev', b.name]);
    for (const a of want.filter((x) => !have.includes(x))) await act(`add ${a} to '${b.name}'`, ['addr', 'add', a, 'brd', '+', 'dev', b.name]);
  }
  return done;
}

/** ifb devices of ours whose veth is gone (its chute was stopped or removed). */
export function staleIfbs(links: readonly ObservedLink[]): string[] {
  return links
    .filter((l) => l.kind === 'ifb' && l.ifname.startsWith(IFB_PREFIX))
    .filter((l) => !links.some((v) => v.ifname === `${OWNED_VETH_PREFIX}${l.ifname.slice(IFB_PREFIX.length)}`))
    .map((l) => l.ifname);
}

/** Deletes every br-pd* bridge and ipd* ifb device (removing paradrop from the gateway). */
export async function removeOwnedBridges(ctx: RunContext): Promise<string[]> {
  const done: string[] = [];
  for (const l of await observeLinks(ctx)) {
    const bridge = l.kind === 'bridge' && isOwnedBridgeName(l.ifname);
    const ifb = l.kind === 'ifb' && l.ifname.startsWith(IFB_PREFIX);
    if (bridge || ifb) {
      done.push(`delete ${bridge ? 'bridge' : 'ifb'} '${l.ifname}'`);
      await ip(ctx, ['link', 'del', 'dev', l.ifname]);
    }
  }
  return done;
}
