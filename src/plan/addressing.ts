// Addresses of every chute interface, and the subnet conflicts between them and the gateway.
// Rules (architecture.md, "Network model"): `ipaddr` is the chute's own address and `netmask` its
// subnet; the gateway takes the first usable address that is not the chute's. Without `ipaddr` a
// /24 comes from profile.subnetPool: gateway .1, chute .2. A recorded subnet (ChuteInput.subnets,
// fixed at install) wins over a fresh pick; fresh picks go in sorted (chute, interface) order, at
// the preferred /24 = FNV-1a("<chute>:<iface>") mod (number of /24s in the pool), probing upwards
// past anything in use. Cost: linear in chutes plus the pool blocks that used subnets cover; the
// overlap check sorts by start address instead of comparing every pair.
// Rules here are the gateway-dependent ones only: every chute subnet lies inside one of
// profile.chuteSubnets, and none overlaps the gateway's networks, its reserved subnets or another
// chute's. What a chute may write at all (netmask /8../29, host address, no special range) is
// src/chute's (struct.ts); compile() rechecks each chute against it before addressing.
import type { NetInterface } from '../chute/types.js';
import { MAX_CHUTE_PREFIX, MIN_CHUTE_PREFIX } from '../chute/struct.js';
import { fnv1a32 } from './hash.js';
import {
  type Subnet, formatSubnet, ipv4Value, parseCidr, prefixOfNetmaskText, specialRangeOf, subnetOf, within,
} from '../chute/ipv4.js';
import { type ProblemList, q } from './problems.js';
import type { GatewayNetwork, GatewayProfile } from './types.js';

export { MAX_CHUTE_PREFIX };

export interface Addressing {
  subnet: Subnet;
  chute: number;
  gateway: number;
  source: 'chute' | 'recorded' | 'pool';
}

export interface AddressRequest {
  chute: string;
  iface: NetInterface;
  /** ChuteInput.subnets[iface.name]. */
  recorded?: string;
}

export const addressKey = (chute: string, iface: string): string => `${chute}\u0000${iface}`;

/** First usable host address of `subnet` that is not `taken`. */
export function gatewayAddressFor(subnet: Subnet, taken: number): number {
  return subnet.network + 1 === taken ? subnet.network + 2 : subnet.network + 1;
}

/**
 * The hosts left for DHCP clients: the longest run of host addresses holding neither the chute's
 * nor the gateway's address (the earliest run on a tie), as an offset from the network address
 * and a count (UCI dhcp `start`/`limit` read them the same way).
 */
export function dhcpRange(a: Addressing): { start: number; limit: number } {
  const last = a.subnet.broadcast - a.subnet.network - 1;
  const [e1, e2] = [a.chute - a.subnet.network, a.gateway - a.subnet.network].sort((x, y) => x - y) as [number, number];
  const runs = [[1, e1 - 1], [e1 + 1, e2 - 1], [e2 + 1, last]] as const;
  let best = { start: 1, limit: 0 };
  for (const [from, to] of runs) if (to - from + 1 > best.limit) best = { start: from, limit: to - from + 1 };
  return best;
}

interface Party {
  subnet: Subnet;
  label: string;
  /** For problems: the chute field at fault; undefined for the gateway's own subnets. */
  path?: string;
}

function profileParties(profile: GatewayProfile): Party[] {
  const out: Party[] = [];
  const net = (n: GatewayNetwork, role: string): void => {
    if (n.ipaddr === undefined || n.netmask === undefined) return;
    const addr = ipv4Value(n.ipaddr);
    const prefix = prefixOfNetmaskText(n.netmask);
    if (addr === undefined || prefix === undefined) return;
    const subnet = subnetOf(addr, prefix);
    out.push({ subnet, label: `the gateway's ${role} network ${q(n.interface)} (${formatSubnet(subnet)})` });
  };
  net(profile.lan, 'LAN');
  net(profile.wan, 'WAN');
  for (const cidr of profile.reservedSubnets) {
    const subnet = parseCidr(cidr);
    if (subnet) out.push({ subnet, label: `the gateway's reserved subnet ${cidr}` });
  }
  return out;
}

/** The chute's own ipaddr/netmask; src/chute guarantees they are valid (compile() rechecks). */
function fixedAddressing(r: AddressRequest): Addressing | undefined {
  const addr = ipv4Value(r.iface.ipaddr ?? '');
  const prefix = prefixOfNetmaskText(r.iface.netmask ?? '');
  if (addr === undefined || prefix === undefined) return undefined;
  const subnet = subnetOf(addr, prefix);
  return { subnet, chute: addr, gateway: gatewayAddressFor(subnet, addr), source: 'chute' };
}

function recordedAddressing(r: AddressRequest, path: string, problems: ProblemList): Addressing | undefined {
  const subnet = parseCidr(r.recorded!);
  const special = subnet === undefined ? undefined : specialRangeOf(subnet);
  if (!subnet || subnet.prefix > MAX_CHUTE_PREFIX || subnet.prefix < MIN_CHUTE_PREFIX || special !== undefined) {
    problems.add('FIELD_INVALID', path,
      `chute ${q(r.chute)} interface ${q(r.iface.name)}: recorded subnet ${q(r.recorded!)} is not a CIDR subnet from /${MIN_CHUTE_PREFIX} to /${MAX_CHUTE_PREFIX}${special === undefined ? '' : ` outside ${special}`}`,
      r.recorded, 'a CIDR subnet such as 10.128.7.0/24');
    return undefined;
  }
  return { subnet, gateway: subnet.network + 1, chute: subnet.network + 2, source: 'recorded' };
}

/** A chute subnet outside every range of profile.chuteSubnets is refused (public or ISP space). */
function checkAllowed(profile: GatewayProfile, allowed: readonly Subnet[], r: AddressRequest, a: Addressing, path: string,
  problems: ProblemList): boolean {
  if (allowed.some((range) => within(a.subnet, range))) return true;
  const what = a.source === 'chute' ? `ipaddr ${q(r.iface.ipaddr ?? '')} puts it in` : a.source === 'recorded' ? 'its recorded subnet is' : 'the pool gives it';
  problems.add('FIELD_INVALID', a.source === 'chute' ? `${path}.ipaddr` : path,
    `chute ${q(r.chute)} interface ${q(r.iface.name)}: ${what} ${formatSubnet(a.subnet)}, which is not inside the gateway's chute subnets (${profile.chuteSubnets.join(', ') || 'none'})`,
    formatSubnet(a.subnet), `a subnet inside one of ${profile.chuteSubnets.join(', ')}`);
  return false;
}

/** Marks pool blocks (/24s) that `s` touches. */
function markBlocks(pool: Subnet, s: Subnet, taken: Set<number>): void {
  const from = Math.max(s.network, pool.network);
  const to = Math.min(s.broadcast, pool.broadcast);
  for (let b = Math.floor((from - pool.network) / 256); from <= to && b <= Math.floor((to - pool.network) / 256); b++) taken.add(b);
}

function reportOverlaps(parties: Party[], problems: ProblemList): void {
  const sorted = [...parties].sort((a, b) => a.subnet.network - b.subnet.network || a.subnet.broadcast - b.subnet.broadcast
    || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  let active: Party[] = [];
  for (const p of sorted) {
    active = active.filter((a) => a.subnet.broadcast >= p.subnet.network);
    for (const a of active) {
      if (a.path === undefined && p.path === undefined) continue; // the gateway's own business
      problems.add('SUBNET_OVERLAP', p.path ?? a.path!, `${a.label} overlaps ${p.label}`,
        formatSubnet(p.subnet), 'subnets that share no address');
    }
    active.push(p);
  }
}

/**
 * Addressing by addressKey(chute, iface). `requests` must be sorted by chute name, then by the
 * interface's position in struct.net.
 */
export function resolveAddresses(profile: GatewayProfile, requests: readonly AddressRequest[],
  problems: ProblemList): Map<string, Addressing> {
  const result = new Map<string, Addressing>();
  const parties = profileParties(profile);
  const allowed = profile.chuteSubnets.flatMap((c) => parseCidr(c) ?? []);
  const pending: AddressRequest[] = [];
  for (const r of requests) {
    const path = `${r.chute}:struct.net.${r.iface.name}`;
    let a: Addressing | undefined;
    if (r.iface.ipaddr !== undefined || r.iface.netmask !== undefined) a = fixedAddressing(r);
    else if (r.recorded !== undefined) a = recordedAddressing(r, `${r.chute}:subnets.${r.iface.name}`, problems);
    else { pending.push(r); continue; }
    if (!a || !checkAllowed(profile, allowed, r, a, a.source === 'recorded' ? `${r.chute}:subnets.${r.iface.name}` : path, problems)) continue;
    result.set(addressKey(r.chute, r.iface.name), a);
    parties.push({ subnet: a.subnet, path, label: `chute ${q(r.chute)} interface ${q(r.iface.name)} (${formatSubnet(a.subnet)})` });
  }
  reportOverlaps(parties, problems);

  const pool = parseCidr(profile.subnetPool)!;
  const blocks = 2 ** (24 - pool.prefix);
  const taken = new Set<number>();
  for (const p of parties) markBlocks(pool, p.subnet, taken);
  for (const r of pending) {
    const start = fnv1a32(`${r.chute}:${r.iface.name}`) % blocks;
    let block: number | undefined;
    for (let k = 0; k < blocks; k++) {
      const b = (start + k) % blocks;
      if (!taken.has(b)) { block = b; break; }
    }
    if (block === undefined) {
      problems.add('SLOT_EXHAUSTED', `${r.chute}:struct.net.${r.iface.name}`,
        `chute ${q(r.chute)} interface ${q(r.iface.name)}: no free /24 left in the subnet pool ${profile.subnetPool}`,
        profile.subnetPool, 'a free /24 in the pool');
      continue;
    }
    taken.add(block);
    const subnet: Subnet = { network: pool.network + block * 256, broadcast: pool.network + block * 256 + 255, prefix: 24 };
    const a: Addressing = { subnet, gateway: subnet.network + 1, chute: subnet.network + 2, source: 'pool' };
    // Profile validation keeps the pool inside chuteSubnets; a profile built in code may not be.
    if (checkAllowed(profile, allowed, r, a, `${r.chute}:struct.net.${r.iface.name}`, problems)) result.set(addressKey(r.chute, r.iface.name), a);
  }
  return result;
}
