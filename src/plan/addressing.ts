// Addresses of every chute interface, and the subnet conflicts between them and the gateway.
// Rules (architecture.md, "Network model"): `ipaddr` is the chute's own address and `netmask` its
// subnet; the gateway takes the first usable address that is not the chute's. Without `ipaddr` a
// /24 comes from profile.subnetPool: gateway .1, chute .2. A recorded subnet (ChuteInput.subnets,
// fixed at install) wins over a fresh pick; fresh picks go in sorted (chute, interface) order, at
// the preferred /24 = FNV-1a("<chute>:<iface>") mod (number of /24s in the pool), probing upwards
// past anything in use. Cost: linear in chutes plus the pool blocks that used subnets cover; the
// overlap check sorts by start address instead of comparing every pair.
import type { NetInterface } from '../chute/types.js';
import { fnv1a32 } from './hash.js';
import {
  type Subnet, formatSubnet, parseCidr, parseIpv4, prefixOfNetmask, subnetOf,
} from './ipv4.js';
import { type ProblemList, q } from './problems.js';
import type { GatewayNetwork, GatewayProfile } from './types.js';

/** A chute subnet must hold the chute, the gateway and at least one more host (a Wi-Fi device). */
export const MAX_CHUTE_PREFIX = 29;

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
    const addr = parseIpv4(n.ipaddr);
    const prefix = prefixOfNetmask(n.netmask);
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

function fixedAddressing(r: AddressRequest, path: string, problems: ProblemList): Addressing | undefined {
  const { iface } = r;
  const who = `chute ${q(r.chute)} interface ${q(iface.name)}`;
  const addr = parseIpv4(iface.ipaddr ?? '');
  if (addr === undefined) {
    problems.add('FIELD_INVALID', `${path}.ipaddr`, `${who}: ipaddr ${q(iface.ipaddr ?? '')} is not a dotted IPv4 address`,
      iface.ipaddr, 'a dotted IPv4 address');
    return undefined;
  }
  const prefix = iface.netmask === undefined ? undefined : prefixOfNetmask(iface.netmask);
  if (prefix === undefined) {
    problems.add(iface.netmask === undefined ? 'FIELD_MISSING' : 'FIELD_INVALID', `${path}.netmask`,
      `${who}: netmask ${q(iface.netmask ?? '')} is not a contiguous dotted netmask`, iface.netmask, 'a netmask such as 255.255.255.0');
    return undefined;
  }
  if (prefix > MAX_CHUTE_PREFIX || prefix < 8) {
    problems.add('FIELD_INVALID', `${path}.netmask`,
      `${who}: netmask ${q(iface.netmask!)} (/${prefix}) must be /8 to /${MAX_CHUTE_PREFIX}: the subnet holds the chute, the gateway and its devices`,
      iface.netmask, `a prefix from /8 to /${MAX_CHUTE_PREFIX}`);
    return undefined;
  }
  const subnet = subnetOf(addr, prefix);
  const first = Math.floor(addr / 2 ** 24);
  if (addr === subnet.network || addr === subnet.broadcast || first === 0 || first === 127 || first >= 224) {
    problems.add('FIELD_INVALID', `${path}.ipaddr`,
      `${who}: ipaddr ${q(iface.ipaddr!)} is not a usable host address of ${formatSubnet(subnet)}`,
      iface.ipaddr, 'a unicast host address (not the network or broadcast address)');
    return undefined;
  }
  return { subnet, chute: addr, gateway: gatewayAddressFor(subnet, addr), source: 'chute' };
}

function recordedAddressing(r: AddressRequest, path: string, problems: ProblemList): Addressing | undefined {
  const subnet = parseCidr(r.recorded!);
  if (!subnet || subnet.prefix > MAX_CHUTE_PREFIX) {
    problems.add('FIELD_INVALID', path,
      `chute ${q(r.chute)} interface ${q(r.iface.name)}: recorded subnet ${q(r.recorded!)} is not a CIDR subnet of /${MAX_CHUTE_PREFIX} or larger`,
      r.recorded, 'a CIDR subnet such as 10.128.7.0/24');
    return undefined;
  }
  return { subnet, gateway: subnet.network + 1, chute: subnet.network + 2, source: 'recorded' };
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
  const pending: AddressRequest[] = [];
  for (const r of requests) {
    const path = `${r.chute}:struct.net.${r.iface.name}`;
    let a: Addressing | undefined;
    if (r.iface.ipaddr !== undefined || r.iface.netmask !== undefined) a = fixedAddressing(r, path, problems);
    else if (r.recorded !== undefined) a = recordedAddressing(r, `${r.chute}:subnets.${r.iface.name}`, problems);
    else { pending.push(r); continue; }
    if (!a) continue;
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
    result.set(addressKey(r.chute, r.iface.name), { subnet, gateway: subnet.network + 1, chute: subnet.network + 2, source: 'pool' });
  }
  return result;
}
