// The gateway profile: what the compiler needs to know about the gateway. defaultProfile() is a
// typical x86 OpenWrt gateway; parseProfile() merges a JSON profile over it (objects field by
// field, lists replaced whole) and checks every field, reporting all problems at once.
// Invariant: a profile returned from here is valid, so the compiler never re-checks its shape:
// lan has an address, every chuteSubnets entry is a CIDR touching no special range and the pool
// lies inside one of them, capsKeep names only capabilities Linux knows.
// The former `capsDrop` (a deny-list) is refused with a message pointing at `capsKeep`: a profile
// written for it would otherwise silently get the default allow-list, which may keep less or more
// than its author meant.
import { ProblemList, q } from './problems.js';
import { ipv4Value, parseCidr, prefixOfNetmaskText, specialRangeOf, within } from '../chute/ipv4.js';
import { MAX_ZONE_NAME, isValidDeviceName, isValidSectionName } from './names.js';
import type { GatewayProfile } from './types.js';

const MiB = 1024 * 1024;

/**
 * Capabilities every chute keeps (lxc.cap.keep; all others are dropped, including any a newer
 * kernel adds, such as bpf, perfmon and checkpoint_restore, which a deny-list would miss):
 * chown, dac_override, fowner, fsetid, kill, setgid, setuid, setpcap, setfcap, sys_chroot,
 * audit_write, net_bind_service (a chute's web server on 80, dnsmasq on 67) and net_raw
 * (dnsmasq's ping check and its interface-bound DHCP socket): the set container runtimes
 * commonly keep. Not kept, among others: sys_admin (mounts), net_admin (except for a DHCP server:
 * lxc-config.ts), dac_read_search (open_by_handle_at reads host files past a bind mount),
 * sys_ptrace, sys_module, sys_rawio, sys_time, sys_boot, mknod, sys_resource (a chute could make
 * itself exempt from the OOM killer). LXC drops them only after it has set the container up
 * (mounts, /dev by autodev), so it needs none of them itself.
 */
export const DEFAULT_CAPS_KEEP: readonly string[] = [
  'chown', 'dac_override', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap', 'setfcap', 'sys_chroot',
  'audit_write', 'net_bind_service', 'net_raw',
];

/** Every capability of Linux 6.x (include/uapi/linux/capability.h), as LXC spells them. */
export const KNOWN_CAPS: readonly string[] = [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap',
  'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw', 'ipc_lock', 'ipc_owner',
  'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct', 'sys_admin', 'sys_boot', 'sys_nice',
  'sys_resource', 'sys_time', 'sys_tty_config', 'mknod', 'lease', 'audit_write', 'audit_control', 'setfcap',
  'mac_override', 'mac_admin', 'syslog', 'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf',
  'checkpoint_restore',
];

/** The private ranges of RFC 1918: chute subnets stay inside them unless a profile says otherwise. */
export const DEFAULT_CHUTE_SUBNETS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

export function defaultProfile(): GatewayProfile {
  return {
    name: 'default',
    cgroup: 'v2',
    ramBytes: 512 * MiB,
    radios: [{ name: 'radio0', band: '2g', maxAps: 4 }],
    lan: { interface: 'lan', zone: 'lan', device: 'br-lan', ipaddr: '192.168.1.1', netmask: '255.255.255.0' },
    wan: { interface: 'wan', zone: 'wan', device: 'eth1' },
    reservedSubnets: [],
    servicePorts: [
      { name: 'ssh', proto: 'tcp', port: 22 },
      { name: 'dns', proto: 'tcp', port: 53 },
      { name: 'dns', proto: 'udp', port: 53 },
      { name: 'dhcp', proto: 'udp', port: 67 },
      { name: 'http', proto: 'tcp', port: 80 },
      { name: 'https', proto: 'tcp', port: 443 },
    ],
    // Away from the 10.100.x.0/24 of the chapter's examples and from 192.168.x home LANs.
    subnetPool: '10.128.0.0/16',
    chuteSubnets: [...DEFAULT_CHUTE_SUBNETS],
    defaults: { cpuShares: 1024, memoryBytes: 64 * MiB, diskKiB: 64 * 1024 },
    memoryPolicy: { reserveBytes: 128 * MiB, overcommit: 1.0 },
    chuteDns: true,
    paths: { chutes: '/var/lib/paradrop/chutes' },
    rootfs: {
      readOnlyBinds: ['/bin', '/sbin', '/lib', '/lib64', '/usr'],
      writable: ['/etc', '/root', '/srv', '/tmp', '/var'],
    },
    capsKeep: [...DEFAULT_CAPS_KEEP],
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; anything else (lists included) replaces. */
function mergeOver(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Obj = { ...base };
  for (const key of Object.keys(over)) out[key] = mergeOver(Object.hasOwn(base, key) ? base[key] : undefined, over[key]);
  return out;
}

/** Checks each field of a merged profile; `path` names are `profile.<field>`. */
class ProfileChecker {
  constructor(readonly problems: ProblemList) {}

  bad(path: string, value: unknown, why: string, expected: string): void {
    this.problems.add('PROFILE_INVALID', `profile.${path}`,
      `profile.${path}: ${JSON.stringify(value) ?? String(value)} ${why}`, value, expected);
  }

  keys(obj: Obj, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        this.problems.add('FIELD_UNKNOWN', `profile.${path}${key}`,
          `profile.${path}${key}: unknown field (known: ${allowed.join(', ')})`, key, allowed.join(', '));
      }
    }
  }

  obj(v: unknown, path: string, allowed: readonly string[]): Obj | undefined {
    if (!isObj(v)) { this.bad(path, v, 'is not an object', 'an object'); return undefined; }
    this.keys(v, `${path}.`, allowed);
    return v;
  }

  str(v: unknown, path: string, test: (s: string) => boolean = () => true, expected = 'a non-empty string'): boolean {
    if (typeof v === 'string' && v.length > 0 && test(v)) return true;
    this.bad(path, v, `is not ${expected}`, expected);
    return false;
  }

  int(v: unknown, path: string, min: number, max: number): boolean {
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return true;
    this.bad(path, v, `is not a whole number from ${min} to ${max}`, `an integer ${min}..${max}`);
    return false;
  }

  list(v: unknown, path: string): unknown[] {
    if (Array.isArray(v)) return v;
    this.bad(path, v, 'is not a list', 'a list');
    return [];
  }

  /** Absolute, not `/` itself, no spaces (LXC mount entries are fstab lines), no `..`. */
  absPath(v: unknown, path: string): void {
    this.str(v, path, (s) => /^\/[^\s]+$/.test(s) && !s.split('/').includes('..') && !s.endsWith('/'),
      'an absolute path other than "/" without spaces, "..", or a trailing slash');
  }

  /** `addressRequired`: the LAN, whose address every redirect from it matches (src_dip). */
  network(v: unknown, path: string, addressRequired: boolean): void {
    const n = this.obj(v, path, ['interface', 'zone', 'device', 'ipaddr', 'netmask']);
    if (!n) return;
    if (addressRequired && (n.ipaddr === undefined || n.ipaddr === null)) {
      this.bad(`${path}.ipaddr`, n.ipaddr, "is missing: redirects from the LAN match the gateway's own LAN address",
        'the gateway\'s LAN address, e.g. "192.168.1.1"');
      return;
    }
    this.str(n.interface, `${path}.interface`, isValidSectionName, 'a UCI name of [A-Za-z0-9_]');
    this.str(n.zone, `${path}.zone`, (s) => s.length <= MAX_ZONE_NAME && isValidSectionName(s),
      `a zone name of at most ${MAX_ZONE_NAME} characters [A-Za-z0-9_]`);
    this.str(n.device, `${path}.device`, isValidDeviceName, 'a Linux device name of at most 15 characters');
    if ((n.ipaddr === undefined) !== (n.netmask === undefined)) {
      this.bad(`${path}.netmask`, n.netmask, 'must be given together with ipaddr', 'both ipaddr and netmask, or neither');
    } else if (n.ipaddr !== undefined) {
      this.str(n.ipaddr, `${path}.ipaddr`, (s) => ipv4Value(s) !== undefined, 'a dotted IPv4 address');
      this.str(n.netmask, `${path}.netmask`, (s) => prefixOfNetmaskText(s) !== undefined, 'a dotted netmask');
    }
  }
}

const TOP_KEYS = ['name', 'cgroup', 'ramBytes', 'radios', 'lan', 'wan', 'reservedSubnets', 'servicePorts',
  'subnetPool', 'chuteSubnets', 'defaults', 'memoryPolicy', 'chuteDns', 'paths', 'rootfs', 'capsKeep'] as const;

/** A profile from JSON (already parsed): merged over defaultProfile(), then checked. */
export function parseProfile(json: unknown): GatewayProfile {
  const problems = new ProblemList();
  const c = new ProfileChecker(problems);
  if (!isObj(json)) {
    c.bad('', json, 'is not an object', 'an object');
    problems.throwIfAny('gateway profile');
  }
  if (Object.hasOwn(json as Obj, 'capsDrop')) {
    problems.add('PROFILE_INVALID', 'profile.capsDrop',
      'profile.capsDrop: is no longer read: chutes now get an allow-list; remove capsDrop and list the capabilities chutes keep in capsKeep (default: ' +
      `${DEFAULT_CAPS_KEEP.join(' ')})`, (json as Obj).capsDrop, 'capsKeep');
  }
  c.keys(Object.fromEntries(Object.entries(json as Obj).filter(([k]) => k !== 'capsDrop')), '', TOP_KEYS);
  const p = mergeOver(defaultProfile(), json) as Obj;

  c.str(p.name, 'name', (s) => !/[\u0000-\u001f]/.test(s), 'a printable name');
  if (p.cgroup !== 'v1' && p.cgroup !== 'v2') c.bad('cgroup', p.cgroup, 'is not "v1" or "v2"', '"v1" or "v2"');
  const ramOk = c.int(p.ramBytes, 'ramBytes', 16 * MiB, Number.MAX_SAFE_INTEGER);
  const radioNames = new Set<string>();
  c.list(p.radios, 'radios').forEach((r, i) => {
    const o = c.obj(r, `radios[${i}]`, ['name', 'band', 'maxAps']);
    if (!o) return;
    if (c.str(o.name, `radios[${i}].name`, isValidSectionName, 'a UCI name of [A-Za-z0-9_]')) {
      if (radioNames.has(o.name as string)) c.bad(`radios[${i}].name`, o.name, 'is listed twice', 'unique radio names');
      radioNames.add(o.name as string);
    }
    if (!['2g', '5g', '6g'].includes(o.band as string)) c.bad(`radios[${i}].band`, o.band, 'is not "2g", "5g" or "6g"', '"2g", "5g" or "6g"');
    c.int(o.maxAps, `radios[${i}].maxAps`, 0, 64);
  });
  c.network(p.lan, 'lan', true);
  c.network(p.wan, 'wan', false);
  c.list(p.reservedSubnets, 'reservedSubnets').forEach((s, i) =>
    c.str(s, `reservedSubnets[${i}]`, (t) => parseCidr(t) !== undefined, 'a CIDR subnet such as 172.16.0.0/12'));
  c.list(p.servicePorts, 'servicePorts').forEach((s, i) => {
    const o = c.obj(s, `servicePorts[${i}]`, ['name', 'proto', 'port']);
    if (!o) return;
    c.str(o.name, `servicePorts[${i}].name`);
    if (o.proto !== 'tcp' && o.proto !== 'udp') c.bad(`servicePorts[${i}].proto`, o.proto, 'is not "tcp" or "udp"', '"tcp" or "udp"');
    c.int(o.port, `servicePorts[${i}].port`, 1, 65535);
  });
  const allowed = c.list(p.chuteSubnets, 'chuteSubnets').flatMap((s, i) => {
    if (!c.str(s, `chuteSubnets[${i}]`, (t) => parseCidr(t) !== undefined, 'a CIDR subnet such as 10.0.0.0/8')) return [];
    const subnet = parseCidr(s as string)!;
    const special = specialRangeOf(subnet);
    if (special === undefined) return [subnet];
    c.bad(`chuteSubnets[${i}]`, s, `touches ${special}, which is never a chute's`, 'a private range such as 10.0.0.0/8');
    return [];
  });
  if (c.str(p.subnetPool, 'subnetPool', (t) => { const s = parseCidr(t); return s !== undefined && s.prefix <= 24; },
    'a CIDR subnet of /24 or larger such as 10.128.0.0/16')) {
    const pool = parseCidr(p.subnetPool as string)!;
    if (Array.isArray(p.chuteSubnets) && !allowed.some((a) => within(pool, a))) {
      c.bad('subnetPool', p.subnetPool, `is not inside any of chuteSubnets (${(p.chuteSubnets as unknown[]).join(', ') || 'none'})`,
        'a pool inside one of chuteSubnets');
    }
  }
  const d = c.obj(p.defaults, 'defaults', ['cpuShares', 'memoryBytes', 'diskKiB']);
  if (d) {
    c.int(d.cpuShares, 'defaults.cpuShares', 2, 262144);
    c.int(d.memoryBytes, 'defaults.memoryBytes', 4 * MiB, Number.MAX_SAFE_INTEGER);
    c.int(d.diskKiB, 'defaults.diskKiB', 1, Number.MAX_SAFE_INTEGER);
  }
  const m = c.obj(p.memoryPolicy, 'memoryPolicy', ['reserveBytes', 'overcommit']);
  if (m) {
    c.int(m.reserveBytes, 'memoryPolicy.reserveBytes', 0, ramOk ? (p.ramBytes as number) - 1 : Number.MAX_SAFE_INTEGER);
    if (typeof m.overcommit !== 'number' || !(m.overcommit > 0) || m.overcommit > 100) {
      c.bad('memoryPolicy.overcommit', m.overcommit, 'is not a number above 0 (1.0 = no over-commit)', 'a number in (0, 100]');
    }
  }
  if (typeof p.chuteDns !== 'boolean') c.bad('chuteDns', p.chuteDns, 'is not true or false', 'a boolean');
  const paths = c.obj(p.paths, 'paths', ['chutes']);
  if (paths) c.absPath(paths.chutes, 'paths.chutes');
  const rootfs = c.obj(p.rootfs, 'rootfs', ['readOnlyBinds', 'writable']);
  if (rootfs) {
    c.list(rootfs.readOnlyBinds, 'rootfs.readOnlyBinds').forEach((s, i) => c.absPath(s, `rootfs.readOnlyBinds[${i}]`));
    c.list(rootfs.writable, 'rootfs.writable').forEach((s, i) => c.absPath(s, `rootfs.writable[${i}]`));
  }
  c.list(p.capsKeep, 'capsKeep').forEach((s, i) =>
    c.str(s, `capsKeep[${i}]`, (t) => KNOWN_CAPS.includes(t), 'a Linux capability in lower case without "cap_" (net_bind_service)'));
  problems.throwIfAny(`gateway profile ${q(String(p.name))}`);
  return p as unknown as GatewayProfile;
}
