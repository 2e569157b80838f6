// What paradrop's Linux applier has made of the kernel: br-pd* bridges with their addresses and
// members, our nftables table, our qdiscs on the gateway side and the dnsmasq processes. For
// `paradrop status` and for tests; it reads only.
import { existsSync, readdirSync } from 'node:fs';
import { dhcpFiles, ourPid } from './dhcp.js';
import { observeLinks } from './links.js';
import { isOwnedBridgeName } from './model.js';
import { TABLE_NAME } from './nft-script.js';
import { type RunContext, nft, tc } from './run.js';
import { QDISC_HANDLE, parseClassRate } from './shaping.js';

export interface ObservedBridge {
  name: string;
  up: boolean;
  carrier: boolean;
  /** `10.100.11.254/24`, kernel order. */
  addresses: string[];
  members: string[];
  stp: boolean;
  forwardDelay: number;
  mcastSnooping: boolean;
}

export interface ObservedQdisc {
  dev: string;
  kind: string;
  handle: string;
  rateKbit?: number;
}

export interface LinuxNetworkObservation {
  bridges: ObservedBridge[];
  /** `nft list table inet paradrop`, absent when the table does not exist. */
  nftTable?: string;
  qdiscs: ObservedQdisc[];
  dhcp: { interface: string; pid?: number }[];
}

export async function observeLinuxNetwork(ctx: RunContext, runDir?: string): Promise<LinuxNetworkObservation> {
  const links = await observeLinks(ctx);
  const bridges = links.filter((l) => l.kind === 'bridge' && isOwnedBridgeName(l.ifname)).map((l) => ({
    name: l.ifname,
    up: l.flags.includes('UP'),
    carrier: l.flags.includes('LOWER_UP'),
    addresses: l.addrs.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    members: links.filter((m) => m.master === l.ifname).map((m) => m.ifname),
    stp: l.bridge?.stp_state === 1,
    forwardDelay: l.bridge?.forward_delay ?? 0,
    mcastSnooping: l.bridge?.mcast_snooping === 1,
  }));
  const table = await nft(ctx, ['-s', 'list', 'table', 'inet', TABLE_NAME], { okExitCodes: [0, 1] });
  const qdiscs: ObservedQdisc[] = [];
  const list = JSON.parse((await tc(ctx, ['-j', 'qdisc', 'show'])).stdout || '[]') as { kind: string; handle: string; dev: string; root?: boolean }[];
  for (const q of list) {
    if (q.handle !== QDISC_HANDLE || !q.root) continue;
    const o: ObservedQdisc = { dev: q.dev, kind: q.kind, handle: q.handle };
    const rate = parseClassRate((await tc(ctx, ['class', 'show', 'dev', q.dev])).stdout);
    if (rate !== undefined) o.rateKbit = rate;
    qdiscs.push(o);
  }
  const dhcp: { interface: string; pid?: number }[] = [];
  if (runDir !== undefined && existsSync(runDir)) {
    for (const name of readdirSync(runDir)) {
      const m = /^dnsmasq-([A-Za-z0-9_]+)\.args\.json$/.exec(name);
      if (!m) continue;
      const pid = ourPid(dhcpFiles(runDir, m[1]!));
      dhcp.push(pid === undefined ? { interface: m[1]! } : { interface: m[1]!, pid });
    }
  }
  const out: LinuxNetworkObservation = { bridges, qdiscs, dhcp };
  if (table.exitCode === 0) out.nftTable = table.stdout;
  return out;
}
