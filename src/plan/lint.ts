// Static OpenWrt rules checked on ANY desired state: what firewall4, netifd, the wifi scripts and
// dnsmasq must take as meant (vectors/fw4 README, "Behaviours"), and paradrop's isolation
// promises. compile() runs it on its own output (a finding there is a compiler bug); tests run it
// on goldens and random compiles. Returns one sentence per finding, empty when all is well.
// Rules: only known options (openwrt-options.ts) with valid values, `pd_` section names of
// [A-Za-z0-9_], no empty values (uci drops them), list items without spaces, one src/dest per
// rule; zone names <= 11 and device names <= 15 characters; bridges have bridge_empty '1';
// interfaces name a declared device; every zone has networks that exist and every chute
// interface is in exactly one zone; rules, forwardings and
// redirects name existing zones; nothing forwards into a chute zone and a chute zone forwards
// only to wan; no rule accepts chute traffic to the gateway except DNS from a wan-type chute zone
// when the profile allows it; redirects DNAT from lan/wan into a chute subnet, off the gateway's
// own service ports, and match the gateway's own address (src_dip) from lan always and from wan
// when its address is known (a DNAT without it captures traffic to any address); LXC configs use
// only the cgroup keys of the profile's version, deny devices by default and keep capabilities by
// an allow-list (lxc.cap.keep, never lxc.cap.drop); shaping devices are valid device names.
import type { UciSectionSpec } from '../uci/model.js';
import { contains, ipv4Value as parseIpv4, prefixOfNetmaskText as prefixOfNetmask, subnetOf } from '../chute/ipv4.js';
import { MAX_ZONE_NAME, isValidDeviceName } from './names.js';
import { ENUMS, KNOWN_OPTIONS, LIST_VALUED, REQUIRED, SECTION_TYPES, SINGLE_VALUED } from './openwrt-options.js';
import type { DesiredState, GatewayProfile, UciPackageName } from './types.js';

type Get = (name: string) => string | string[] | undefined;

const getter = (s: UciSectionSpec): Get => (name) => s.options.find((o) => o.name === name)?.value;
const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);
const isPortValue = (v: string): boolean => /^\d{1,5}(-\d{1,5})?$/.test(v) && v.split('-').every((p) => Number(p) >= 1 && Number(p) <= 65535);

function lintShape(pkg: string, s: UciSectionSpec, out: string[]): void {
  const where = `${pkg}.${s.name} (${s.type})`;
  if (!/^pd_[A-Za-z0-9_]+$/.test(s.name)) out.push(`${where}: section name is not pd_ followed by [A-Za-z0-9_]`);
  if (!(SECTION_TYPES[pkg] ?? []).includes(s.type)) { out.push(`${where}: paradrop never writes a ${s.type} section in ${pkg}`); return; }
  const known = KNOWN_OPTIONS[s.type] ?? [];
  const seen = new Set<string>();
  for (const o of s.options) {
    if (seen.has(o.name)) out.push(`${where}: option ${o.name} appears twice`);
    seen.add(o.name);
    if (!known.includes(o.name)) out.push(`${where}: unknown option ${o.name}`);
    if (typeof o.value === 'string') {
      if (o.value === '') out.push(`${where}: option ${o.name} is empty (uci drops it)`);
      if (/[\u0000-\u001f]/.test(o.value)) out.push(`${where}: option ${o.name} holds a control character`);
      if ((LIST_VALUED[s.type] ?? []).includes(o.name)) out.push(`${where}: ${o.name} must be written as list lines`);
    } else {
      if (o.value.length === 0) out.push(`${where}: list ${o.name} is empty`);
      for (const item of o.value) if (item === '' || /\s/.test(item)) out.push(`${where}: list ${o.name} item '${item}' is empty or holds a space`);
      if ((SINGLE_VALUED[s.type] ?? []).includes(o.name)) out.push(`${where}: ${o.name} must be a single option, not a list`);
    }
    const allowed = ENUMS[s.type]?.[o.name];
    if (allowed) for (const v of asList(o.value)) if (!allowed.includes(v)) out.push(`${where}: ${o.name} '${v}' is not one of ${allowed.join(', ')}`);
  }
  for (const r of REQUIRED[s.type] ?? []) if (!seen.has(r)) out.push(`${where}: option ${r} is missing`);
}

export function lintDesiredState(state: DesiredState, profile: GatewayProfile): string[] {
  const out: string[] = [];
  for (const pkg of Object.keys(state.uci) as UciPackageName[]) {
    const names = new Set<string>();
    for (const s of state.uci[pkg]) {
      if (names.has(s.name)) out.push(`${pkg}.${s.name}: section name used twice`);
      names.add(s.name);
      lintShape(pkg, s, out);
    }
  }
  const of = (pkg: UciPackageName, type: string): [UciSectionSpec, Get][] =>
    state.uci[pkg].filter((s) => s.type === type).map((s) => [s, getter(s)]);

  // network
  const devices = new Set<string>([profile.lan.device, profile.wan.device]);
  for (const [s, get] of of('network', 'device')) {
    const name = String(get('name') ?? '');
    if (!isValidDeviceName(name)) out.push(`network.${s.name}: device name '${name}' is not 1 to 15 characters`);
    if (devices.has(name)) out.push(`network.${s.name}: device name '${name}' is declared twice`);
    devices.add(name);
    if (get('type') === 'bridge' && get('bridge_empty') !== '1') out.push(`network.${s.name}: bridge without bridge_empty '1' never comes up empty`);
  }
  const interfaces = new Map<string, { ip: number; prefix: number } | undefined>([[profile.lan.interface, undefined], [profile.wan.interface, undefined]]);
  for (const [s, get] of of('network', 'interface')) {
    const dev = String(get('device') ?? '');
    if (!devices.has(dev) || dev === profile.lan.device || dev === profile.wan.device) out.push(`network.${s.name}: device '${dev}' is not a bridge paradrop declares`);
    const ip = parseIpv4(String(get('ipaddr') ?? ''));
    const prefix = prefixOfNetmask(String(get('netmask') ?? ''));
    if (ip === undefined || prefix === undefined) out.push(`network.${s.name}: ipaddr/netmask is not a valid IPv4 address and netmask`);
    interfaces.set(s.name, ip === undefined || prefix === undefined ? undefined : { ip, prefix });
  }
  // wireless, dhcp
  const radios = new Set(profile.radios.map((r) => r.name));
  for (const [s, get] of of('wireless', 'wifi-iface')) {
    if (!radios.has(String(get('device')))) out.push(`wireless.${s.name}: radio '${String(get('device'))}' is not in the profile`);
    if (!interfaces.has(String(get('network'))) || get('network') === profile.lan.interface) out.push(`wireless.${s.name}: network '${String(get('network'))}' is not a chute interface`);
  }
  for (const [s, get] of of('dhcp', 'dhcp')) {
    if (!interfaces.has(String(get('interface')))) out.push(`dhcp.${s.name}: interface '${String(get('interface'))}' does not exist`);
    for (const k of ['start', 'limit']) if (!/^\d+$/.test(String(get(k)))) out.push(`dhcp.${s.name}: ${k} is not a number`);
  }
  // firewall
  const gatewayZones = new Set([profile.lan.zone, profile.wan.zone]);
  const chuteZones = new Map<string, string[]>();
  for (const [s, get] of of('firewall', 'zone')) {
    const name = String(get('name') ?? '');
    if (name.length > MAX_ZONE_NAME || !/^[A-Za-z0-9_]+$/.test(name)) out.push(`firewall.${s.name}: zone name '${name}' is not 1 to ${MAX_ZONE_NAME} characters [A-Za-z0-9_]`);
    if (chuteZones.has(name) || gatewayZones.has(name)) out.push(`firewall.${s.name}: zone name '${name}' is used twice`);
    const nets = asList(get('network'));
    if (nets.length === 0) out.push(`firewall.${s.name}: zone has no network, so it matches no device`);
    for (const n of nets) if (!interfaces.has(n) || n === profile.lan.interface || n === profile.wan.interface) out.push(`firewall.${s.name}: network '${n}' is not a chute interface`);
    chuteZones.set(name, nets);
  }
  // A chute interface in no zone gets only the `defaults` policies, which may accept input
  // (vectors gateway_default_zones, gateway_defaults_input_accept).
  const zoned = new Map<string, number>();
  for (const nets of chuteZones.values()) for (const n of nets) zoned.set(n, (zoned.get(n) ?? 0) + 1);
  for (const name of interfaces.keys()) {
    if (name === profile.lan.interface || name === profile.wan.interface) continue;
    if ((zoned.get(name) ?? 0) !== 1) out.push(`network.${name}: chute interface is in ${zoned.get(name) ?? 0} firewall zones, not exactly one`);
  }
  const zoneExists = (z: unknown): boolean => typeof z === 'string' && (chuteZones.has(z) || gatewayZones.has(z));
  for (const [s, get] of of('firewall', 'forwarding')) {
    const src = get('src'); const dest = get('dest');
    if (!zoneExists(src) || !zoneExists(dest)) out.push(`firewall.${s.name}: forwarding names a zone that does not exist`);
    if (typeof dest === 'string' && chuteZones.has(dest)) out.push(`firewall.${s.name}: forwarding into chute zone '${dest}'`);
    if (typeof src === 'string' && chuteZones.has(src) && dest !== profile.wan.zone) out.push(`firewall.${s.name}: chute zone '${src}' forwards to '${String(dest)}', not to wan`);
  }
  const wanTypeZones = new Set(state.chutes.flatMap((c) => c.interfaces.filter((i) => i.type === 'wan').map((i) => i.zone)));
  for (const [s, get] of of('firewall', 'rule')) {
    const src = get('src'); const dest = get('dest');
    if (!zoneExists(src) || (dest !== undefined && !zoneExists(dest))) out.push(`firewall.${s.name}: rule names a zone that does not exist`);
    if (get('target') !== 'ACCEPT') continue;
    const fromChute = typeof src === 'string' && chuteZones.has(src);
    const toChute = typeof dest === 'string' && chuteZones.has(dest);
    const dns = dest === undefined && get('dest_port') === '53' && profile.chuteDns && typeof src === 'string' && wanTypeZones.has(src);
    if ((fromChute && !dns) || toChute) out.push(`firewall.${s.name}: rule accepts traffic that chute isolation forbids`);
  }
  const servicePorts = new Set(profile.servicePorts.map((p) => `${p.proto}/${p.port}`));
  for (const [s, get] of of('firewall', 'redirect')) {
    const src = get('src'); const dest = get('dest');
    if (typeof src !== 'string' || !gatewayZones.has(src)) out.push(`firewall.${s.name}: redirect source '${String(src)}' is not the gateway's lan or wan zone`);
    if (typeof dest !== 'string' || !chuteZones.has(dest)) { out.push(`firewall.${s.name}: redirect destination '${String(dest)}' is not a chute zone`); continue; }
    for (const k of ['src_dport', 'dest_port']) if (!isPortValue(String(get(k)))) out.push(`firewall.${s.name}: ${k} is not a port`);
    for (const proto of asList(get('proto'))) if (servicePorts.has(`${proto}/${String(get('src_dport'))}`)) out.push(`firewall.${s.name}: takes the gateway's own ${proto} port ${String(get('src_dport'))}`);
    const ip = parseIpv4(String(get('dest_ip') ?? ''));
    const inZone = chuteZones.get(dest)!.some((n) => {
      const a = interfaces.get(n);
      return a !== undefined && ip !== undefined && contains(subnetOf(a.ip, a.prefix), ip);
    });
    if (!inZone) out.push(`firewall.${s.name}: dest_ip '${String(get('dest_ip'))}' is not in the subnet of zone '${dest}'`);
    const own = src === profile.lan.zone ? profile.lan.ipaddr : src === profile.wan.zone ? profile.wan.ipaddr : undefined;
    if (get('src_dip') !== own) out.push(`firewall.${s.name}: src_dip '${String(get('src_dip') ?? '')}' is not the gateway's own address on '${String(src)}' (${own ?? 'none'})`);
  }
  // chutes
  for (const c of state.chutes) {
    const bad = profile.cgroup === 'v1' ? /^lxc\.cgroup2\./m : /^lxc\.cgroup\./m;
    if (bad.test(c.lxcConfig)) out.push(`chute ${c.name}: LXC config has cgroup keys of the wrong version for cgroup ${profile.cgroup}`);
    for (const line of c.lxcConfig.split('\n')) if (line !== '' && !line.startsWith('#') && !/^lxc\.[a-z0-9_.]+ = \S/.test(line)) out.push(`chute ${c.name}: LXC config line '${line}' is not 'key = value'`);
    if (!c.lxcConfig.endsWith('\n')) out.push(`chute ${c.name}: LXC config does not end with a newline`);
    if (/^lxc\.cap\.drop/m.test(c.lxcConfig) || !/^lxc\.cap\.keep = /m.test(c.lxcConfig)) out.push(`chute ${c.name}: LXC config does not keep capabilities by an allow-list (lxc.cap.keep)`);
    if (!/^lxc\.cgroup2?\.devices\.deny = a$/m.test(c.lxcConfig)) out.push(`chute ${c.name}: LXC config does not deny devices by default`);
    for (const i of c.interfaces) for (const d of [i.bridge, i.hostVeth, i.intfName]) if (!isValidDeviceName(d)) out.push(`chute ${c.name}: device name '${d}' is not 1 to 15 characters`);
    for (const s of c.shaping) {
      for (const d of [s.down?.dev, s.up?.dev, s.up?.ifb]) if (d !== undefined && !isValidDeviceName(d)) out.push(`chute ${c.name}: shaping device '${d}' is not 1 to 15 characters`);
    }
  }
  return out;
}
