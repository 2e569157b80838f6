// The normalized chute: what src/chute produces from a chute directory or chute.json after lenient
// JSON reading, macro recognition and validation. Macros that depend on the gateway (DEFAULT cpu and
// memory) stay symbolic here; src/plan resolves them against the gateway profile.

/** Chute names: `[a-z][a-z0-9-]{0,31}`. */
export type ChuteName = string;

export type NetType = 'wan' | 'wifi';

export interface NetInterface {
  /** Key in `struct.net` (`wan`, `wifi`); traffic rules and resources refer to it. */
  name: string;
  type: NetType;
  /** Interface name inside the chute (`eth0`). */
  intfName: string;
  /**
   * The chute's own address on this interface; absent: allocated from the gateway's pool. Never
   * in a range that is no chute's (loopback, link-local, multicast...: src/chute/ipv4.ts).
   */
  ipaddr?: string;
  /** Dotted netmask, /8 to /29; absent together with ipaddr: /24 from the pool. */
  netmask?: string;
  /** wifi only. */
  ssid?: string;
  /** wifi only: `none`, `psk2`, `psk`, `psk-mixed`, `sae`, `sae-mixed`. */
  encryption?: string;
  key?: string;
  /** wifi only: which radio (UCI wifi-device name); absent: chosen by the gateway profile. */
  radio?: string;
}

export interface ChuteStruct {
  /** Disk size in KiB (number in the chute) — see README "Units". Absent: profile default. */
  diskKiB?: number;
  /** In the order written in the chute. */
  net: NetInterface[];
}

export type FileLocation =
  | { kind: 'store'; path: string }   // @paradrop.server(PATH)
  | { kind: 'url'; url: string }      // http:// or https://
  | { kind: 'file'; path: string };   // absolute path on the gateway, or relative to the chute dir

export interface FileHash {
  algorithm: 'sha1' | 'sha256';
  hex: string;
}

export interface ChuteFile {
  name: string;
  /**
   * Absolute path inside the chute (`/srv/www`); normalized, never contains `..`. A plain
   * (non-extract) file's path ends with `/` when the chute wrote it so: it names a directory and
   * the file goes inside it under its location's base name (`/root/` + `seccam.py`). src/plan
   * resolves where each file lands (ChutePlan.files[].target).
   */
  path: string;
  location: FileLocation;
  hash: FileHash;
  /** `todo: "EXTRACT"`: unpack the archive into `path`. */
  extract: boolean;
}

/** A number or the gateway's default (`@resource.cpu.DEFAULT`). */
export type Amount = { kind: 'value'; value: number } | { kind: 'default' };

export interface Bandwidth {
  /** kbps towards the chute (gateway → chute). */
  downKbps?: number;
  /** kbps from the chute. */
  upKbps?: number;
}

export interface ChuteResource {
  /** CPU shares; 1024 = an equal share. */
  cpu: Amount;
  /** Hard memory limit in bytes. */
  memory: Amount;
  /** By interface name (key in struct.net). */
  net: Record<string, Bandwidth>;
}

export type RuntimeEntry =
  | { kind: 'program'; name: string; program: string; args: string[] }
  /** @net.runtime.dhcpserver: a DHCP server in the chute for its wifi-type interfaces. */
  | { kind: 'dhcpserver'; name: string; interfaces?: string[] };

export type Proto = 'tcp' | 'udp' | 'tcp udp';

/** A port forward from a gateway network into the chute (@net.traffic.redirect). */
export interface TrafficRule {
  name: string;
  description?: string;
  kind: 'redirect';
  /** Gateway side: `lan` or `wan` (from @net.host.lan / @net.host.wan). */
  from: { network: 'lan' | 'wan'; address: '*' | string; port: number };
  /**
   * Chute side: interface name (key in struct.net) and port. `address`, when the rule names one,
   * is the chute's own address on that interface; absent when the address comes from the pool.
   */
  to: { iface: string; address?: string; port: number };
  proto: Proto;
}

export interface Chute {
  name: ChuteName;
  version: string;
  description: string;
  owner: string;
  struct: ChuteStruct;
  files: ChuteFile[];
  resource: ChuteResource;
  runtime: RuntimeEntry[];
  traffic: TrafficRule[];
}
