// Contracts of the compiler: the gateway profile it compiles against, and the desired state it
// produces. Both are plain data; the desired state is what `paradrop render` prints and what the
// engine applies, nothing more and nothing less.
import type { Chute, ChuteFile, NetType } from '../chute/types.js';
import type { UciSectionSpec } from '../uci/model.js';

export type CgroupVersion = 'v1' | 'v2';

export interface Radio {
  /** UCI wifi-device section name (`radio0`). */
  name: string;
  band: '2g' | '5g' | '6g';
  /** How many virtual APs the radio can hold besides the gateway's own. */
  maxAps: number;
}

export interface GatewayNetwork {
  /** UCI interface name (`lan`). */
  interface: string;
  /** Firewall zone name (`lan`). */
  zone: string;
  /** Linux device (`br-lan`). */
  device: string;
  /** The gateway's address; may be absent on a DHCP wan. */
  ipaddr?: string;
  netmask?: string;
}

/**
 * The LAN always has a known address: a redirect from the LAN matches it (`src_dip`), so that a
 * chute's port forward captures only LAN traffic to the gateway itself, not to any address.
 */
export interface LanNetwork extends GatewayNetwork {
  ipaddr: string;
  netmask: string;
}

export interface ServicePort {
  name: string;
  proto: 'tcp' | 'udp';
  port: number;
}

export interface GatewayProfile {
  name: string;
  cgroup: CgroupVersion;
  ramBytes: number;
  radios: Radio[];
  lan: LanNetwork;
  /** Without ipaddr (a DHCP wan), redirects from wan match any address (what arrives is for the gateway). */
  wan: GatewayNetwork;
  /** Other subnets in use on the gateway (CIDR), e.g. a guest network: chutes must not overlap. */
  reservedSubnets: string[];
  /** The gateway's own services; redirects may not take these ports on the gateway's side. */
  servicePorts: ServicePort[];
  /** Where chute subnets come from when a chute gives no ipaddr: /24s out of this CIDR. */
  subnetPool: string;
  /**
   * CIDRs every chute subnet (given, recorded or from the pool) must lie inside; the pool too.
   * Default: the RFC 1918 private ranges, so that a chute cannot claim public or ISP addresses
   * (the gateway would route them to the chute).
   */
  chuteSubnets: string[];
  defaults: { cpuShares: number; memoryBytes: number; diskKiB: number };
  /** Sum of chute memory limits may not exceed (ramBytes - reserveBytes) * overcommit. */
  memoryPolicy: { reserveBytes: number; overcommit: number };
  /** Let wan-type chute interfaces use the gateway's DNS (tcp/udp 53 on the gateway side). */
  chuteDns: boolean;
  paths: {
    /** Per-chute directories (rootfs, data, disk image) live under here. */
    chutes: string;
  };
  rootfs: {
    /** Host directories bind-mounted read-only into every default-rootfs chute. */
    readOnlyBinds: string[];
    /** Directories private to the chute and writable (on its own disk). */
    writable: string[];
  };
  /**
   * Capabilities every chute keeps (lxc.cap.keep, an allow-list: everything else is dropped,
   * including capabilities newer kernels add). Lower case without `cap_`. A chute running
   * @net.runtime.dhcpserver also keeps net_admin (lxc-config.ts). Replaces the former `capsDrop`.
   */
  capsKeep: string[];
}

export interface ChuteInput {
  chute: Chute;
  /** Slot recorded at install; absent for a chute being installed now. */
  slot?: string;
  /** Subnets (CIDR, by struct.net key) allocated from the pool at install; recorded ones win. */
  subnets?: Record<string, string>;
}

export interface InterfacePlan {
  /** Key in struct.net. */
  name: string;
  type: NetType;
  /** Inside the chute (`eth0`). */
  intfName: string;
  /** UCI network interface name (`pd_abc0`: slot abc, interface 0). */
  uciInterface: string;
  /** Firewall zone name (at most 11 characters). */
  zone: string;
  /** Linux bridge on the gateway (`br-pdabc0`). */
  bridge: string;
  /** Gateway side of the chute's veth pair. */
  hostVeth: string;
  /** Locally administered, derived from the slot: stable across restarts. */
  mac: string;
  chuteAddress: string;
  gatewayAddress: string;
  prefixLength: number;
  netmask: string;
  /** Network address / prefix (`10.100.13.0/24`). */
  subnet: string;
  /** wifi only. */
  ssid?: string;
  /** wifi only: the radio it is on, or null when the gateway has none (SSID not broadcast). */
  radio?: string | null;
}

export interface CgroupLimits {
  version: CgroupVersion;
  cpuShares: number;
  /** cgroup v2 cpu.weight derived from shares (see shares-to-weight). */
  cpuWeight: number;
  memoryBytes: number;
  /** cgroup file name → value, exactly what is written (`memory.max` → `67108864`). */
  files: Record<string, string>;
}

/**
 * Bandwidth of one chute interface, applied entirely on the gateway side, where the chute cannot
 * touch it (a chute may hold net_admin in its own namespace: lxc-config.ts).
 */
export interface ShapingPlan {
  iface: string;
  /** Rate towards the chute: egress of the gateway side of the veth (`dev` = hostVeth). */
  down?: { dev: string; kbps: number };
  /**
   * Rate from the chute: the ingress of `dev` (= hostVeth, the gateway side of the veth) is
   * redirected to the ifb device `ifb` (`ipd<slot><index>`, at most 15 characters), and `kbps`
   * is shaped on the egress of `ifb`. Before: `dev` was the chute-side intfName.
   */
  up?: { dev: string; kbps: number; ifb: string };
}

export interface ProgramPlan {
  /**
   * Unique within the chute and safe as a file name (`[a-z0-9._-]`): it names the program's log
   * and its line in the status file. Derived from the runtime entry's name (`DHCP Server` ->
   * `dhcp-server`).
   */
  name: string;
  /** The runtime entry's name as the chute wrote it, when it differs from `name`. */
  title?: string;
  /** argv[0] is the program; no shell. */
  argv: string[];
  /** Where the entry came from: a user program, or a macro paradrop expanded. */
  origin: 'program' | 'dhcpserver';
}

/** A chute file with where it lands in the chute. */
export interface PlanFile extends ChuteFile {
  /**
   * Absolute path inside the chute the file is written to (extract: the directory unpacked into).
   * Equals `path`, except for a plain file whose path names a directory (ends with `/`, or is one
   * of the profile's writable directories such as `/root`): then the file goes inside it under its
   * location's base name (`/root/seccam.py`).
   */
  target: string;
}

export interface ChutePlan {
  name: string;
  version: string;
  slot: string;
  /** LXC container name (`pd-<name>`). */
  container: string;
  /** Directory holding the chute's rootfs, data and disk image. */
  dir: string;
  diskKiB: number;
  /** Full text of the LXC config file. */
  lxcConfig: string;
  interfaces: InterfacePlan[];
  limits: CgroupLimits;
  shaping: ShapingPlan[];
  runtime: ProgramPlan[];
  files: PlanFile[];
}

export type UciPackageName = 'network' | 'wireless' | 'dhcp' | 'firewall';

export interface DesiredState {
  profile: string;
  /** Only paradrop's own sections (all named `pd_...`), per package, in a deterministic order. */
  uci: Record<UciPackageName, UciSectionSpec[]>;
  /** Sorted by chute name. */
  chutes: ChutePlan[];
  /** Things a user should know that are not errors (no radio: SSID not broadcast; an open SSID). */
  notes: string[];
}
