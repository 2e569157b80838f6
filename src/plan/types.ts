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
  lan: GatewayNetwork;
  wan: GatewayNetwork;
  /** Other subnets in use on the gateway (CIDR), e.g. a guest network: chutes must not overlap. */
  reservedSubnets: string[];
  /** The gateway's own services; redirects may not take these ports on the gateway's side. */
  servicePorts: ServicePort[];
  /** Where chute subnets come from when a chute gives no ipaddr: /24s out of this CIDR. */
  subnetPool: string;
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
  /** Capabilities dropped in every chute (lxc.cap.drop). */
  capsDrop: string[];
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

export interface ShapingPlan {
  iface: string;
  /** Rate towards the chute: egress of the gateway side (hostVeth). */
  down?: { dev: string; kbps: number };
  /** Rate from the chute: egress of the chute side (intfName inside the chute's netns). */
  up?: { dev: string; kbps: number };
}

export interface ProgramPlan {
  name: string;
  /** argv[0] is the program; no shell. */
  argv: string[];
  /** Where the entry came from: a user program, or a macro paradrop expanded. */
  origin: 'program' | 'dhcpserver';
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
  files: ChuteFile[];
}

export type UciPackageName = 'network' | 'wireless' | 'dhcp' | 'firewall';

export interface DesiredState {
  profile: string;
  /** Only paradrop's own sections (all named `pd_...`), per package, in a deterministic order. */
  uci: Record<UciPackageName, UciSectionSpec[]>;
  /** Sorted by chute name. */
  chutes: ChutePlan[];
  /** Things a user should know that are not errors (no radio: SSID not broadcast). */
  notes: string[];
}
