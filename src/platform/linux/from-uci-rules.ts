// firewall4's reading of `rule` and `redirect` sections. Pure. fw4 semantics kept here
// (../shared/vectors/fw4): proto defaults to tcp+udp and a list of protocols gives one rule each;
// ports apply to tcp/udp only (icmp with a dest_port drops the port silently, vector rule_icmp);
// `proto icmp` without family and type matches icmp and ipv6-icmp; an icmp_type makes the rule
// address-family specific; a rule without target only counts; a redirect without `dest` takes
// the zone whose subnet holds dest_ip (with fw4's warning); dest_port defaults to src_dport.
// Not supported (refused, never emitted by the compiler): SNAT redirects, redirects to the gateway
// itself (no dest_ip), inverted values, IPv6 addresses, non-verdict targets, marks and helpers.
import type { UciPackage } from '../../uci/model.js';
import { Fw4Section, KNOWN_OPTIONS, UNSUPPORTED_OPTIONS } from './fw4-section.js';
import { parseBoolOpt, parseFamily, zoneRef } from './from-uci-firewall.js';
import { inSubnet, parseCidr, subnetText } from './ipv4.js';
import type { Family, L4, PortRange, RedirectModel, ReflectionModel, RuleModel, ZoneModel } from './model.js';
import { parseEnum, parsePortRange } from './uci-options.js';

type Proto = L4 | 'other';
const TARGETS = ['accept', 'reject', 'drop', 'notrack', 'helper', 'mark', 'dscp', 'dnat', 'snat', 'masquerade'] as const;
type Target = (typeof TARGETS)[number];

function parseProto(v: string): Proto | Proto[] | undefined {
  if (v.startsWith('!')) return 'other';
  switch (v.toLowerCase()) {
    case 'all': case 'any': case '*': return 'any';
    case '1': case 'icmp': return 'icmp';
    case '58': case 'icmpv6': case 'ipv6-icmp': return 'ipv6-icmp';
    case 'tcpudp': return ['tcp', 'udp'];
    case '6': case 'tcp': return 'tcp';
    case '17': case 'udp': return 'udp';
    default: return /^[a-z0-9_-]+$/i.test(v) ? 'other' : undefined;
  }
}

/** icmp type names fw4 knows that paradrop may meet: [IPv4 type, IPv6 type]. */
const ICMP_TYPES: Record<string, [number | null, number | null]> = {
  'echo-reply': [0, 129], 'pong': [0, 129],
  'destination-unreachable': [3, 1],
  'echo-request': [8, 128], 'ping': [8, 128],
  'router-advertisement': [9, 134], 'router-solicitation': [10, 133],
  'time-exceeded': [11, 3], 'ttl-exceeded': [11, 3],
  'parameter-problem': [12, 4], 'redirect': [5, 137], 'source-quench': [4, null],
  'timestamp-request': [13, null], 'timestamp-reply': [14, null],
  'packet-too-big': [null, 2], 'neighbour-solicitation': [null, 135], 'neighbour-advertisement': [null, 136],
};

interface IcmpType { v4: number | null; v6: number | null }

function parseIcmpType(v: string): IcmpType | undefined {
  if (/^\d{1,3}$/.test(v) && Number(v) <= 255) return { v4: Number(v), v6: Number(v) };
  const t = ICMP_TYPES[v.toLowerCase()];
  return t ? { v4: t[0], v6: t[1] } : undefined;
}

const parseTarget = (v: string): Target | undefined => parseEnum(v, TARGETS);
const parseV4 = (v: string): string | undefined => {
  if (v.startsWith('!')) return undefined;
  const c = parseCidr(v);
  return c ? (c.prefix === 32 ? c.address : `${c.address}/${c.prefix}`) : undefined;
};
const parsePort = (v: string): PortRange | undefined => parsePortRange(v);
const parseAny = (v: string): string => v;

export function rulesFromUci(pkg: UciPackage, zones: readonly ZoneModel[], warnings: string[], refusals: string[]): RuleModel[] {
  const out: RuleModel[] = [];
  for (const s of pkg.sections) {
    if (s.type !== 'rule') continue;
    const r = new Fw4Section(pkg, s, warnings);
    const enabled = r.one('enabled', { parse: parseBoolOpt, def: '1' });
    const name = r.one('name', { parse: parseAny }) ?? s.name;
    const family = r.one('family', { parse: parseFamily });
    const src = r.one('src', { parse: zoneRef(zones) });
    const dest = r.one('dest', { parse: zoneRef(zones) });
    const protos = r.many<Proto>('proto', { parse: parseProto, def: 'tcpudp' });
    const srcIp = r.many('src_ip', { parse: parseV4 });
    const srcPorts = r.many('src_port', { parse: parsePort });
    const destIp = r.many('dest_ip', { parse: parseV4 });
    const destPorts = r.many('dest_port', { parse: parsePort });
    const icmpTypes = r.many('icmp_type', { parse: parseIcmpType });
    const target = r.one('target', { parse: parseTarget });
    if (!r.finish(KNOWN_OPTIONS.rule, UNSUPPORTED_OPTIONS.rule)) continue;
    if (enabled === false) {
      r.warn('is disabled, ignoring section');
      continue;
    }
    if (target !== undefined && target !== 'accept' && target !== 'reject' && target !== 'drop') {
      refusals.push(`firewall.${s.name}: target '${target}' is not supported by paradrop's applier; rule ignored`);
      continue;
    }
    const unsupported = ['device', 'ipset', 'helper', 'set_helper', 'src_mac', 'mark', 'set_mark', 'set_xmark', 'dscp',
      'set_dscp', 'limit', 'start_time', 'stop_time', 'start_date', 'stop_date', 'weekdays']
      .filter((o) => s.options.some((x) => x.name === o));
    if (unsupported.length || protos.includes('other')) {
      refusals.push(`firewall.${s.name}: ${unsupported.length ? `option ${unsupported.join(', ')}` : 'protocol'} not supported by paradrop's applier; rule ignored`);
      continue;
    }
    const base = { section: s.name, name, src, dest, srcIp, destIp, target };
    const hasAddr = srcIp.length > 0 || destIp.length > 0;
    for (const proto of protos as L4[]) {
      const ports = proto === 'tcp' || proto === 'udp';
      const common = { ...base, srcPorts: ports ? srcPorts : [], destPorts: ports ? destPorts : [] };
      let fam: Family = proto === 'ipv6-icmp' ? 6 : (family ?? (hasAddr ? 4 : 0));
      const v4 = icmpTypes.map((t) => t.v4).filter((t): t is number => t !== null);
      const v6 = icmpTypes.map((t) => t.v6).filter((t): t is number => t !== null);
      if (proto === 'icmp' && icmpTypes.length && fam === 0) {
        out.push({ ...common, family: 4, proto: 'icmp', icmpTypes: v4 });
        out.push({ ...common, family: 6, proto: 'ipv6-icmp', icmpTypes: v6 });
        continue;
      }
      if (hasAddr && fam === 6) {
        refusals.push(`firewall.${s.name}: IPv4 addresses in an IPv6 rule; rule ignored`);
        continue;
      }
      if (hasAddr) fam = 4;
      const types = proto === 'icmp' ? (fam === 6 ? v6 : v4) : proto === 'ipv6-icmp' ? v6 : [];
      out.push({ ...common, family: fam, proto: proto === 'icmp' && fam === 6 ? 'ipv6-icmp' : proto, icmpTypes: types });
    }
  }
  return out;
}

export function redirectsFromUci(pkg: UciPackage, zones: readonly ZoneModel[], warnings: string[], refusals: string[]): RedirectModel[] {
  const out: RedirectModel[] = [];
  for (const s of pkg.sections) {
    if (s.type !== 'redirect') continue;
    const r = new Fw4Section(pkg, s, warnings);
    const enabled = r.one('enabled', { parse: parseBoolOpt, def: '1' });
    const name = r.one('name', { parse: parseAny }) ?? s.name;
    r.one('family', { parse: parseFamily });
    const src = r.one('src', { parse: zoneRef(zones) });
    let dest = r.one('dest', { parse: zoneRef(zones) });
    const protos = r.many<Proto>('proto', { parse: parseProto, def: 'tcpudp' });
    const srcIp = r.one('src_ip', { parse: parseV4 });
    const srcPort = r.one('src_port', { parse: parsePort });
    const srcDip = r.one('src_dip', { parse: parseV4 });
    const srcDport = r.one('src_dport', { parse: parsePort });
    const destIp = r.one('dest_ip', { parse: parseV4 });
    const destPort = r.one('dest_port', { parse: parsePort });
    const reflection = r.one('reflection', { parse: parseBoolOpt, def: '1' });
    const reflectionSrc = r.one('reflection_src', { parse: (v) => parseEnum(v, ['internal', 'external'] as const), def: 'internal' });
    const reflectionZones = r.many('reflection_zone', { parse: zoneRef(zones) });
    let target = r.one('target', { parse: parseTarget, def: 'dnat' });
    if (!r.finish(KNOWN_OPTIONS.redirect, UNSUPPORTED_OPTIONS.redirect)) continue;
    if (enabled === false) {
      r.warn('is disabled, ignoring section');
      continue;
    }
    if (target !== 'dnat' && target !== 'snat') {
      r.warn('has invalid target specified, defaulting to dnat');
      target = 'dnat';
    }
    if (target === 'snat') {
      refusals.push(`firewall.${s.name}: SNAT redirects are not supported by paradrop's applier; ignored`);
      continue;
    }
    if (src === undefined) {
      r.warn('has no source specified');
      continue;
    }
    if (src === '*') {
      r.warn("must not have source '*' for dnat target");
      continue;
    }
    if (destIp === undefined || destIp.includes('/')) {
      refusals.push(`firewall.${s.name}: a redirect needs a single dest_ip for paradrop's applier; ignored`);
      continue;
    }
    if (dest === undefined) {
      const owner = zones.find((z) => z.addresses.some((a) => inSubnet(destIp, a.address, a.prefix)));
      if (owner) {
        dest = owner.name;
        r.warn(`does not specify a destination, assuming '${owner.name}'`);
      }
    }
    if (protos.some((p) => p !== 'tcp' && p !== 'udp' && p !== 'any')) {
      refusals.push(`firewall.${s.name}: redirect protocols other than tcp, udp or all are not supported; ignored`);
      continue;
    }
    if (reflection !== false && reflectionSrc === 'external') {
      refusals.push(`firewall.${s.name}: reflection_src 'external' is not supported; no reflection rules`);
    }
    const reflections = reflection !== false && reflectionSrc === 'internal' && dest !== undefined && dest !== '*'
      ? reflectionsOf(zones, src, reflectionZones.length ? reflectionZones : [dest], destIp, srcDip, (m) => r.warn(m))
      : [];
    for (const proto of protos as ('tcp' | 'udp' | 'any')[]) {
      const ports = proto !== 'any';
      const m: RedirectModel = { section: s.name, name, src, proto, destIp, reflections };
      if (dest !== undefined && dest !== '*') m.dest = dest;
      if (srcIp !== undefined) m.srcIp = srcIp;
      if (srcDip !== undefined) m.srcDip = srcDip;
      if (ports && srcPort) m.srcPort = srcPort;
      if (ports && srcDport) m.srcDport = srcDport;
      const dp = destPort ?? srcDport;
      if (ports && dp) m.destPort = dp;
      out.push(m);
    }
  }
  return out;
}

/**
 * fw4's NAT reflection, built only when the source zone masquerades: for each reflection zone, its
 * subnets reaching the source zone's address are DNATed like the redirect and SNATed to the
 * gateway's address in that zone (the one in dest_ip's subnet, else the first).
 */
function reflectionsOf(
  zones: readonly ZoneModel[], src: string, rzones: readonly string[], destIp: string, srcDip: string | undefined,
  warn: (message: string) => void,
): ReflectionModel[] {
  const srcZone = zones.find((z) => z.name === src);
  if (!srcZone?.masq) return [];
  const out: ReflectionModel[] = [];
  for (const rname of rzones) {
    const rzone = zones.find((z) => z.name === rname);
    if (!rzone || rname === '*') continue;
    const internal = [...new Set(rzone.addresses.map((a) => subnetText(a.address, a.prefix)))];
    const external = srcDip !== undefined ? [srcDip] : [...new Set(srcZone.addresses.map((a) => a.address))];
    const snat = rzone.addresses.find((a) => inSubnet(destIp, a.address, a.prefix)) ?? rzone.addresses[0];
    if (!snat) warn('internal rewrite IP cannot be determined, disabling reflection');
    else if (!internal.length) warn('internal address range cannot be determined, disabling reflection');
    else if (!external.length) warn('external address range cannot be determined, disabling reflection');
    else out.push({ zone: rname, internal, external, snat: snat.address });
  }
  return out;
}
