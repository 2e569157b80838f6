// The LXC config file of a chute (LXC 4/5 key names). Invariants: cgroup keys are lxc.cgroup.*
// for cgroup v1 and lxc.cgroup2.* for v2, never both (cgroup.ts); every line is `key = value`
// or a `#` comment; the text depends only on its inputs, byte for byte.
// Root file system: an empty directory (<dir>/rootfs, mounted read-only: mount points only) with
// the gateway's system directories bind-mounted read-only and the chute's writable directories
// bound from <dir>/data (the chute's disk). Every read-only bind is `optional`, so a directory one
// gateway lacks (/lib64 on 32-bit ones) is skipped instead of failing the start. LXC performs all
// of this, and fills /dev (autodev), before it drops the capabilities.
// The chute runs paradrop's init (files/usr/lib/paradrop/chute-init), which starts the programs
// listed in <dir>/programs: both bind-mounted read-only at fixed paths, with its run directory
// (status, resources.json) on the chute's disk. These paths are the contract with src/platform/lxc
// (layout.ts CHUTE_PATHS, chute-dirs.ts), which makes every mount point the entries name inside
// the read-only rootfs before the start (create=dir/file is then a no-op, kept for a container
// started by hand).
// Network: one veth per chute interface with a fixed host-side name on the interface's bridge,
// the chute-side name and address from the chute, and one default route through the gateway
// (InterfaceContext.defaultRoute: the first wan-type interface, else the first interface; a second
// default route would fail to install).
// Capabilities: an allow-list (lxc.cap.keep = profile.capsKeep), so that whatever a newer kernel
// adds is dropped too. A chute whose runtime has @net.runtime.dhcpserver also keeps net_admin:
// dnsmasq refuses to serve DHCP without it ("process is missing required capability NET_ADMIN",
// exit 5, even with --dhcp-broadcast --no-ping), and it reaches only the chute's own network
// namespace (its addresses, routes, qdiscs), so the gateway's state is out of reach; the chute's
// shaping therefore lives on the gateway side (shaping.ts).
// Devices: deny all, then allow the usual harmless character devices (null, zero, full, random,
// urandom, tty, ptmx and the pts the chute's ptys live on). cgroup v1 writes devices.deny/allow;
// on v2 LXC turns the same lxc.cgroup2.devices.* keys into a BPF device program. Like the limits,
// the keys of one cgroup version only.
import type { Chute } from '../chute/types.js';
import type { InterfaceContext } from './context.js';
import { lxcCgroupKeys } from './cgroup.js';
import { formatIpv4 } from '../chute/ipv4.js';
import { parseSlot } from './slots.js';
import type { CgroupLimits, GatewayProfile } from './types.js';

/** Where the package installs chute-init on the gateway. */
export const HOST_CHUTE_INIT = '/usr/lib/paradrop/chute-init';
/** Inside every chute. */
export const CHUTE_INIT = '/.paradrop/init';
export const CHUTE_PROGRAMS = '/.paradrop/programs';
export const CHUTE_RUN = '/.paradrop/run';

/** Locally administered (bit 1 of the first octet), unicast (bit 0 clear): 02:70:64 ("pd"), slot, index. */
export function chuteMac(slot: string, index: number): string {
  const value = parseSlot(slot) ?? 0;
  const bytes = [0x02, 0x70, 0x64, (value >> 8) & 0xff, value & 0xff, index & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Character devices a chute may use (major:minor): /dev/null, zero, full, random, urandom, tty, ptmx, pts/*. */
export const ALLOWED_DEVICES: readonly string[] = ['c 1:3 rwm', 'c 1:5 rwm', 'c 1:7 rwm', 'c 1:8 rwm', 'c 1:9 rwm', 'c 5:0 rwm', 'c 5:2 rwm', 'c 136:* rwm'];

/** The capabilities the chute keeps: the profile's, plus net_admin for a DHCP server (see above). */
export function capsKept(chute: Chute, capsKeep: readonly string[]): string[] {
  const keep = new Set(capsKeep);
  if (chute.runtime.some((e) => e.kind === 'dhcpserver')) keep.add('net_admin');
  return [...keep].sort();
}

export interface LxcConfigInput {
  chute: Chute;
  slot: string;
  dir: string;
  profile: GatewayProfile;
  ifaces: readonly InterfaceContext[];
  limits: CgroupLimits;
}

export function toLxcConfig(x: LxcConfigInput): string {
  const lines: string[] = [];
  const kv = (key: string, value: string | number): void => { lines.push(`${key} = ${value}`); };
  lines.push(
    `# LXC config of chute '${x.chute.name}' ${x.chute.version}, slot ${x.slot}, gateway profile '${x.profile.name}'.`,
    '# Written by paradrop from the chute and the profile; edits are lost on the next change.',
  );
  kv('lxc.uts.name', x.chute.name);
  kv('lxc.rootfs.path', `dir:${x.dir}/rootfs`);
  kv('lxc.rootfs.options', 'ro');
  kv('lxc.init.cmd', CHUTE_INIT);
  kv('lxc.autodev', 1);
  kv('lxc.mount.auto', 'proc:mixed sys:ro');
  kv('lxc.tty.max', 0);
  kv('lxc.pty.max', 16);
  kv('lxc.console.path', 'none');
  lines.push('# Gateway system directories, read-only.');
  for (const d of x.profile.rootfs.readOnlyBinds) kv('lxc.mount.entry', `${d} ${d.slice(1)} none ro,bind,optional,create=dir 0 0`);
  lines.push("# The chute's own writable directories.");
  for (const d of x.profile.rootfs.writable) kv('lxc.mount.entry', `${x.dir}/data${d} ${d.slice(1)} none rw,bind,create=dir 0 0`);
  lines.push("# paradrop's init, the programs it runs, and its run directory.");
  kv('lxc.mount.entry', `${HOST_CHUTE_INIT} ${CHUTE_INIT.slice(1)} none ro,bind,create=file 0 0`);
  kv('lxc.mount.entry', `${x.dir}/programs ${CHUTE_PROGRAMS.slice(1)} none ro,bind,create=file 0 0`);
  kv('lxc.mount.entry', `${x.dir}/data${CHUTE_RUN} ${CHUTE_RUN.slice(1)} none rw,bind,create=dir 0 0`);
  // No interface: a network namespace with loopback only, never the host's.
  if (x.ifaces.length === 0) kv('lxc.net.0.type', 'empty');
  x.ifaces.forEach((c, n) => {
    const p = `lxc.net.${n}`;
    lines.push(`# Interface '${c.net.name}' (${c.net.type} type) on ${c.names.bridge}.`);
    kv(`${p}.type`, 'veth');
    kv(`${p}.link`, c.names.bridge);
    kv(`${p}.veth.pair`, c.names.hostVeth);
    kv(`${p}.name`, c.net.intfName);
    kv(`${p}.hwaddr`, chuteMac(x.slot, c.index));
    kv(`${p}.flags`, 'up');
    kv(`${p}.ipv4.address`, `${formatIpv4(c.addressing.chute)}/${c.addressing.subnet.prefix}`);
    if (c.defaultRoute) kv(`${p}.ipv4.gateway`, formatIpv4(c.addressing.gateway));
  });
  const cpu = x.limits.version === 'v1' ? `cpu shares ${x.limits.cpuShares}` : `cpu weight ${x.limits.cpuWeight} from cpu shares ${x.limits.cpuShares}`;
  lines.push(`# Limits, cgroup ${x.limits.version}: ${cpu}, memory hard limit, no swap keys (see paradrop's cgroup.ts).`);
  for (const [key, value] of lxcCgroupKeys(x.limits)) kv(key, value);
  const devices = x.limits.version === 'v1' ? 'lxc.cgroup.devices' : 'lxc.cgroup2.devices';
  lines.push('# Devices: none but null, zero, full, random, urandom, tty, ptmx and pts.');
  kv(`${devices}.deny`, 'a');
  for (const d of ALLOWED_DEVICES) kv(`${devices}.allow`, d);
  const caps = capsKept(x.chute, x.profile.capsKeep);
  lines.push(caps.includes('net_admin') && !x.profile.capsKeep.includes('net_admin')
    ? "# Capabilities kept, all others dropped; net_admin for dnsmasq's DHCP, scoped to the chute's own network namespace."
    : '# Capabilities kept, all others dropped.');
  kv('lxc.cap.keep', caps.length > 0 ? caps.join(' ') : 'none');
  return `${lines.join('\n')}\n`;
}
