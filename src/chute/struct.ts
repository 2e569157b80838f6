// Validates `struct` (the chapter's Chute.struct): disk size and network interfaces. Pure.
// Invariants of the result: at most MAX_INTERFACES interfaces; interface keys and intfNames are
// unique; ipaddr and netmask come together, the mask is contiguous (/8../29: room for the chute,
// the gateway and at least one device) and the address is a host address of its subnet; no subnet
// touches a range that is never a chute's (ipv4.ts SPECIAL_RANGES); the subnets of one chute do
// not overlap; Wi-Fi fields appear only on wifi interfaces. These are the chute-intrinsic network
// rules: src/plan adds only the gateway-dependent ones (the profile's allowed ranges, overlaps with
// the gateway and other chutes).
// disk.size is in KiB (as the first ParaDrop's "size": 12345 was) or a "64M"-style string.
import type { ChuteStruct, NetInterface, NetType } from './types.js';
import { type Obj, type Suggested, checkFields, expectInteger, expectObject, expectString, has, own, requireField } from './check.js';
import { type ProblemList, joinPath, show } from './problems.js';
import {
  type Subnet, formatIpv4, formatSubnet, maskOfPrefix, overlaps, parseIpv4, prefixOfNetmask, reasonNotUnicast, specialRangeOf,
  subnetOf,
} from './ipv4.js';
import { checkWifi } from './wifi.js';
import { didYouMean } from './suggest.js';
import { KIB, SIZE_EXPECTED, parseSize } from './units.js';

const STRUCT_FIELDS = ['disk', 'net'] as const;
const DISK_FIELDS = ['size'] as const;
const IFACE_FIELDS = ['type', 'intfName', 'ipaddr', 'netmask', 'ssid', 'encryption', 'key', 'radio'] as const;
const WIFI_ONLY = ['ssid', 'encryption', 'key', 'radio'] as const;
const NET_TYPES: readonly NetType[] = ['wan', 'wifi'];

/** Interface keys name resources and traffic endpoints; `cpu` and `memory` are resource fields. */
const IFACE_KEY = /^[a-z][a-z0-9_]{0,15}$/;
const RESERVED_KEYS = ['cpu', 'memory'];

/** Widest chute subnet. */
export const MIN_CHUTE_PREFIX = 8;
/** Narrowest chute subnet: a /29 holds the chute, the gateway and at least one device. */
export const MAX_CHUTE_PREFIX = 29;
/** The interface index is one byte of the chute's MAC addresses (src/plan/lxc-config.ts); 32 is plenty. */
export const MAX_INTERFACES = 32;

/** 1 TiB in KiB: far beyond any gateway's flash, small enough to stay exact everywhere. */
const MAX_DISK_KIB = 2 ** 30;

/** What other parts may know of an interface, even an invalid one (so errors do not cascade). */
export interface IfaceFacts {
  type?: NetType;
  /** Only when valid. */
  ipaddr?: string;
  /** An ipaddr was written, valid or not (absent: the address comes from the gateway's pool). */
  addressGiven?: boolean;
}

export interface StructResult {
  struct: ChuteStruct;
  /** Every key written under struct.net, valid or not, in order. */
  ifaces: Map<string, IfaceFacts>;
}

export function parseStruct(raw: unknown, path: string, problems: ProblemList): StructResult {
  const ifaces = new Map<string, IfaceFacts>();
  const struct: ChuteStruct = { net: [] };
  const obj = expectObject(raw, path, problems);
  if (!obj) return { struct, ifaces };
  checkFields(obj, path, STRUCT_FIELDS, problems);
  if (has(obj, 'disk')) {
    const kib = parseDisk(obj.disk, joinPath(path, 'disk'), problems);
    if (kib !== undefined) struct.diskKiB = kib;
  }
  if (has(obj, 'net')) {
    const netPath = joinPath(path, 'net');
    const net = expectObject(obj.net, netPath, problems, 'an object of interfaces by name');
    if (net) {
      const count = Object.keys(net).length;
      if (count > MAX_INTERFACES) {
        problems.invalid(netPath, count, `has ${count} interfaces (expected at most ${MAX_INTERFACES})`, `at most ${MAX_INTERFACES} interfaces`);
      }
      struct.net = parseNet(net, netPath, problems, ifaces);
    }
  }
  return { struct, ifaces };
}

function parseDisk(raw: unknown, path: string, problems: ProblemList): number | undefined {
  const disk = expectObject(raw, path, problems);
  if (!disk) return undefined;
  checkFields(disk, path, DISK_FIELDS, problems);
  if (!has(disk, 'size')) return undefined;
  const sizePath = joinPath(path, 'size');
  const size = disk.size;
  if (typeof size === 'string' && !size.trimStart().startsWith('@')) {
    const parsed = parseSize(size);
    if (!parsed.ok) {
      problems.invalid(sizePath, size, `${show(size)} is not a disk size: ${parsed.reason}`, SIZE_EXPECTED);
      return undefined;
    }
    if (parsed.bytes % KIB !== 0 || parsed.bytes === 0) {
      problems.invalid(sizePath, size, `${show(size)} is not a positive whole number of KiB`, SIZE_EXPECTED);
      return undefined;
    }
    if (parsed.bytes / KIB > MAX_DISK_KIB) {
      problems.invalid(sizePath, size, `${show(size)} is too large (expected at most 1T)`, SIZE_EXPECTED);
      return undefined;
    }
    return parsed.bytes / KIB;
  }
  return expectInteger(size, sizePath, problems, { min: 1, max: MAX_DISK_KIB, describe: 'a positive number of KiB' });
}

function parseNet(net: Obj, path: string, problems: ProblemList, ifaces: Map<string, IfaceFacts>): NetInterface[] {
  const out: NetInterface[] = [];
  const intfNames = new Map<string, string>();
  const subnets: Array<{ where: string; subnet: Subnet }> = [];
  const ssids = new Map<string, string>();
  for (const key of Object.keys(net)) {
    const ifPath = joinPath(path, key);
    const facts: IfaceFacts = {};
    ifaces.set(key, facts);
    if (!IFACE_KEY.test(key) || RESERVED_KEYS.includes(key)) {
      const why = RESERVED_KEYS.includes(key) ? `${show(key)} is reserved (resource.${key} is not an interface)`
        : `${show(key)} is not an interface name`;
      problems.invalid(ifPath, key, `${why} (expected a lower-case letter, then up to 15 letters, digits or "_")`,
        '[a-z][a-z0-9_]{0,15}');
    }
    const obj = expectObject(net[key], ifPath, problems);
    if (!obj) continue;
    const { iface, subnet } = parseIface(key, obj, ifPath, problems, facts);
    if (iface.intfName) {
      const other = intfNames.get(iface.intfName);
      if (other !== undefined) {
        problems.invalid(joinPath(ifPath, 'intfName'), iface.intfName,
          `${show(iface.intfName)} is already the intfName of ${other}`, 'a name unique within the chute');
      } else {
        intfNames.set(iface.intfName, ifPath);
      }
    }
    if (subnet) {
      const clash = subnets.find((s) => overlaps(s.subnet, subnet));
      if (clash) {
        problems.invalid(ifPath, formatSubnet(subnet),
          `subnet ${formatSubnet(subnet)} overlaps ${formatSubnet(clash.subnet)} of ${clash.where}`,
          'subnets that do not overlap');
      }
      subnets.push({ where: ifPath, subnet });
    }
    if (iface.ssid !== undefined) {
      const other = ssids.get(iface.ssid);
      if (other !== undefined) {
        problems.invalid(joinPath(ifPath, 'ssid'), iface.ssid, `${show(iface.ssid)} is already the ssid of ${other}`,
          'an SSID unique within the chute');
      } else {
        ssids.set(iface.ssid, ifPath);
      }
    }
    out.push(iface);
  }
  return out;
}

function parseIface(name: string, obj: Obj, path: string, problems: ProblemList, facts: IfaceFacts):
  { iface: NetInterface; subnet: Subnet | undefined } {
  const suggested = checkFields(obj, path, IFACE_FIELDS, problems);
  const iface: NetInterface = { name, type: 'wan', intfName: '' };

  const type = requireField(obj, 'type', path, problems, suggested, '"wan" or "wifi"');
  if (type !== undefined) {
    if (typeof type === 'string' && (NET_TYPES as readonly string[]).includes(type)) {
      iface.type = type as NetType;
      facts.type = iface.type;
    } else {
      problems.invalid(joinPath(path, 'type'), type,
        `${show(type)} is not an interface type${typeof type === 'string' ? didYouMean(type, NET_TYPES) : ''} (expected "wan" or "wifi")`,
        '"wan" or "wifi"');
    }
  }

  const intfName = requireField(obj, 'intfName', path, problems, suggested, 'an interface name inside the chute, e.g. "eth0"');
  if (intfName !== undefined) {
    const n = checkIntfName(intfName, joinPath(path, 'intfName'), problems);
    if (n !== undefined) iface.intfName = n;
  }

  const subnet = parseAddress(obj, path, problems, suggested, iface, facts);

  if (facts.type === 'wan') {
    for (const key of WIFI_ONLY) {
      if (has(obj, key)) {
        problems.invalid(joinPath(path, key), key === 'key' ? undefined : own(obj, key),
          `only wifi interfaces take ${show(key)} (this one is type "wan")`, 'no Wi-Fi settings on a wan interface');
      }
    }
  } else if (facts.type === 'wifi') {
    checkWifi(obj, path, problems, suggested, iface);
  }
  return { iface, subnet };
}

/**
 * Linux's dev_valid_name() (1..15 bytes, not "." or "..", no "/", ":" or whitespace), narrowed to
 * the characters LXC, UCI and nft take unquoted. src/plan names the gateway's devices by it too.
 */
export function isLinuxDeviceName(s: string): boolean {
  return s.length > 0 && s.length <= 15 && /^[A-Za-z0-9_.-]+$/.test(s) && s !== '.' && s !== '..';
}

/** A Linux device name (isLinuxDeviceName) other than "lo", which every container already has. */
function checkIntfName(value: unknown, path: string, problems: ProblemList): string | undefined {
  const s = expectString(value, path, problems);
  if (s === undefined) return undefined;
  const bytes = Buffer.byteLength(s, 'utf8');
  let why: string | undefined;
  if (bytes > 15) why = `is ${bytes} bytes long (Linux allows at most 15)`;
  else if (s === '.' || s === '..') why = 'is not a device name';
  else if (s === 'lo') why = 'is the loopback device every chute already has';
  else if (!/^[A-Za-z0-9_.-]+$/.test(s)) why = 'contains characters other than letters, digits, "_", "." and "-"';
  if (why === undefined && isLinuxDeviceName(s)) return s;
  why ??= 'is not a Linux device name';
  problems.invalid(path, s, `${show(s)} ${why}`, 'a Linux interface name: 1..15 of [A-Za-z0-9_.-], not "lo"');
  return undefined;
}

function parseAddress(obj: Obj, path: string, problems: ProblemList, suggested: Suggested, iface: NetInterface, facts: IfaceFacts):
  Subnet | undefined {
  const ipPath = joinPath(path, 'ipaddr');
  const maskPath = joinPath(path, 'netmask');
  let address: number | undefined;
  let prefix: number | undefined;
  if (has(obj, 'netmask')) {
    const text = expectString(obj.netmask, maskPath, problems);
    if (text !== undefined) {
      const r = parseIpv4(text);
      const p = r.ok ? prefixOfNetmask(r.value) : undefined;
      if (!r.ok) {
        problems.invalid(maskPath, text, `${show(text)} is not a netmask (${r.reason})`, 'a netmask such as "255.255.255.0"');
      } else if (p === undefined) {
        problems.invalid(maskPath, text, `${show(text)} is not a netmask (its one bits are not contiguous)`,
          'a netmask such as "255.255.255.0"');
      } else if (p < MIN_CHUTE_PREFIX || p > MAX_CHUTE_PREFIX) {
        const why = p > MAX_CHUTE_PREFIX ? 'leaves no room for the chute, the gateway and a device'
          : `is wider than /${MIN_CHUTE_PREFIX}`;
        problems.invalid(maskPath, text, `${show(text)} (/${p}) ${why} (expected /${MIN_CHUTE_PREFIX} to /${MAX_CHUTE_PREFIX})`,
          `a netmask from 255.0.0.0 (/${MIN_CHUTE_PREFIX}) to 255.255.255.248 (/${MAX_CHUTE_PREFIX})`);
      } else {
        prefix = p;
      }
    }
  }
  if (has(obj, 'ipaddr')) {
    facts.addressGiven = true;
    const text = expectString(obj.ipaddr, ipPath, problems);
    if (text !== undefined) {
      const r = parseIpv4(text);
      const notUnicast = r.ok ? reasonNotUnicast(r.value) : undefined;
      if (!r.ok) problems.invalid(ipPath, text, `${show(text)} is not an IPv4 address (${r.reason})`, 'a dotted IPv4 address');
      else if (notUnicast) problems.invalid(ipPath, text, `${show(text)} ${notUnicast}`, 'a unicast IPv4 address');
      else address = r.value;
    }
  }
  const hasIp = has(obj, 'ipaddr');
  const hasMask = has(obj, 'netmask');
  if (hasIp !== hasMask) {
    const [given, missing] = hasIp ? ['ipaddr', 'netmask'] : ['netmask', 'ipaddr'];
    // A misspelt "ipadr" is already reported as such.
    if (suggested.has(missing)) return undefined;
    problems.addAt('FIELD_MISSING', joinPath(path, missing), path,
      `${show(given)} is given without ${show(missing)} (give both, or neither to take a subnet from the gateway's pool)`,
      { expected: 'ipaddr and netmask together' });
    return undefined;
  }
  if (address === undefined || prefix === undefined) return undefined;
  const subnet = subnetOf(address, prefix);
  const ip = formatIpv4(address);
  const special = specialRangeOf(subnet);
  if (special !== undefined) {
    problems.invalid(ipPath, ip, `${show(ip)}: its subnet ${formatSubnet(subnet)} touches ${special}, which is never a chute's`,
      'a private subnet such as 10.100.13.0/24');
    return undefined;
  }
  if (address === subnet.network || address === subnet.broadcast) {
    const which = address === subnet.network ? 'network' : 'broadcast';
    problems.invalid(ipPath, ip, `${show(ip)} is the ${which} address of ${formatSubnet(subnet)} (expected a host address, e.g. ${formatIpv4(subnet.network + 1)})`,
      'a host address of the subnet');
    return undefined;
  }
  iface.ipaddr = ip;
  iface.netmask = formatIpv4(maskOfPrefix(prefix));
  facts.ipaddr = ip;
  return subnet;
}
