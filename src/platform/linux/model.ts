// The network model of a plain Linux gateway: what netifd, firewall4 and dnsmasq would make of
// the UCI packages, as plain data. fromUci builds it (pure); toNftScript, the link applier and the
// DHCP applier turn it into kernel state. Invariants: every device name here is at most 15 bytes
// (longer ones were refused while building); zone, rule and redirect references are resolved
// (sections naming a missing or skipped zone are not here, fw4 skips them too).

/** Linux IFNAMSIZ - 1: the kernel refuses longer device names. */
export const MAX_DEVICE_NAME = 15;
/** Bridges paradrop creates and may delete: the compiler names them br-pd<slot><n>. */
export const OWNED_BRIDGE_PREFIX = 'br-pd';
/** Gateway side of a chute's veth (LXC creates it, we shape it). */
export const OWNED_VETH_PREFIX = 'vpd';

/** ifb device of a chute's upload shaping (`ipd<slot><n>` for veth `vpd<slot><n>`). */
export const IFB_PREFIX = 'ipd';

export const isOwnedBridgeName = (name: string): boolean => name.startsWith(OWNED_BRIDGE_PREFIX);
export const isOwnedDeviceName = (name: string): boolean =>
  name.startsWith(OWNED_BRIDGE_PREFIX) || name.startsWith(OWNED_VETH_PREFIX);

export type Policy = 'accept' | 'reject' | 'drop';
export type Family = 0 | 4 | 6;

export interface Ipv4Address {
  address: string;
  prefix: number;
}

export interface PortRange {
  min: number;
  max: number;
}

/** A `config device` of type bridge that paradrop owns (name starts with br-pd). */
export interface BridgeModel {
  name: string;
  section: string;
  /** Ports to enslave (only paradrop's own veths; the gateway's devices are never moved). */
  ports: string[];
  /** netifd creates a bridge only with `bridge_empty '1'` or at least one port. */
  create: boolean;
  stp: boolean;
  /** Centiseconds, as the kernel and `ip -d link` show it. */
  forwardDelay: number;
  priority: number;
  mcastSnooping: boolean;
}

export type InterfaceError = 'NO_DEVICE' | 'INVALID_ADDRESS';

/** A `config interface`, resolved as netifd would before any carrier is known. */
export interface InterfaceModel {
  name: string;
  proto: string;
  /** Absent when netifd would refuse the device (name too long) or none is given. */
  device?: string;
  /** The device is a br-pd* bridge paradrop manages (only then do we set addresses). */
  owned: boolean;
  /** Bridge declared by a `config device` of ours that will exist (create=true). */
  bridgeCreated: boolean;
  /** A br-pd* device no `config device` declares: netifd creates nothing, NO_DEVICE. */
  undeclared: boolean;
  disabled: boolean;
  /** static defaults to 1, everything else to 0 (vector empty_bridge_static_vs_none_force_link). */
  forceLink: boolean;
  /** Static addresses in configured order (netmask applies to entries without a prefix). */
  addresses: Ipv4Address[];
  error?: InterfaceError;
}

export interface Defaults {
  input: Policy;
  output: Policy;
  forward: Policy;
  synFlood: boolean;
  dropInvalid: boolean;
}

export interface ZoneModel {
  name: string;
  section: string;
  /** Devices matched by iifname/oifname; a trailing `*` is an nft wildcard (UCI `+`). */
  devices: string[];
  /** The gateway's own addresses in the zone (from up interfaces): subnets and reflection. */
  addresses: Ipv4Address[];
  input: Policy;
  output: Policy;
  forward: Policy;
  masq: boolean;
  masqAllowInvalid: boolean;
  mtuFix: boolean;
}

export interface ForwardingModel {
  section: string;
  src: string;
  dest: string;
}

export type L4 = 'tcp' | 'udp' | 'icmp' | 'ipv6-icmp' | 'any';

/** One firewall `rule`, one entry per protocol as fw4 renders it. */
export interface RuleModel {
  section: string;
  name: string;
  /** Zone name, `*`, or absent. */
  src?: string;
  dest?: string;
  family: Family;
  proto: L4;
  srcIp: string[];
  destIp: string[];
  srcPorts: PortRange[];
  destPorts: PortRange[];
  /** icmp type numbers of the rule's family (icmp for 4, icmpv6 for 6); family 0 has none. */
  icmpTypes: number[];
  /** Absent: the rule only counts (vector rule_without_target). */
  target?: Policy;
}

export interface RedirectModel {
  section: string;
  name: string;
  src: string;
  dest?: string;
  proto: 'tcp' | 'udp' | 'any';
  srcIp?: string;
  srcDip?: string;
  srcPort?: PortRange;
  srcDport?: PortRange;
  destIp: string;
  destPort?: PortRange;
  /** NAT reflection (hairpin) rules fw4 would build; empty with `reflection '0'`. */
  reflections: ReflectionModel[];
}

/** Hairpin for one reflection zone: its hosts reaching the source zone's address get DNAT+SNAT. */
export interface ReflectionModel {
  zone: string;
  /** The reflection zone's subnets (CIDR). */
  internal: string[];
  /** The source zone's own addresses (or src_dip). */
  external: string[];
  /** The gateway's address in the reflection zone that the DNATed flow is SNATed to. */
  snat: string;
}

export interface DhcpModel {
  section: string;
  interface: string;
  device?: string;
  /** dnsmasq serves it: not `ignore`, the interface has a static address on an owned device. */
  served: boolean;
  /** Gateway address and prefix the range is computed in. */
  gateway?: Ipv4Address;
  start: number;
  limit: number;
  leasetime: string;
}

export interface NetModel {
  defaults: Defaults;
  bridges: BridgeModel[];
  interfaces: InterfaceModel[];
  zones: ZoneModel[];
  forwardings: ForwardingModel[];
  rules: RuleModel[];
  redirects: RedirectModel[];
  dhcp: DhcpModel[];
  /** firewall4's own messages for the same input, in its words ("Section x (y) ..."). */
  warnings: string[];
  /** What netifd would refuse or we cannot do (device names over 15 bytes, unsupported targets). */
  refusals: string[];
}
