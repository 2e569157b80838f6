// UCI `network` as netifd reads it: bridges from `config device`, interfaces with their device and
// static addresses. Pure. netifd semantics kept here (../shared/vectors/netifd):
// - a bridge without `bridge_empty '1'` and without ports is never created (NO_DEVICE, the
//   interface keeps its `device`); names over 15 bytes are refused and the interface has no device;
// - an interface naming a br-pd* device that no `config device` declares gets NO_DEVICE;
// - proto static defaults to force_link 1 (address set on an empty, carrier-less bridge), other
//   protos to 0; `ipaddr` is a list, CIDR entries keep their prefix, `netmask` applies to the
//   bare ones, a bare entry without netmask is a /32.
// Only br-pd* bridges are modelled as ours: the gateway's own devices (br-lan, eth1) are never
// created, changed or given addresses by the applier.
import type { UciPackage, UciSection } from '../../uci/model.js';
import { parseCidr, parseIpv4, prefixOfNetmask } from './ipv4.js';
import {
  type BridgeModel, type InterfaceModel, type Ipv4Address, MAX_DEVICE_NAME, isOwnedBridgeName, isOwnedDeviceName,
} from './model.js';
import { listOf, parseBool, str } from './uci-options.js';

export interface NetworkPart {
  bridges: BridgeModel[];
  interfaces: InterfaceModel[];
  refusals: string[];
}

/** netifd's bridge defaults (vector links: stp_state 0, forward_delay 800, mcast_snooping 0). */
const DEFAULT_FORWARD_DELAY_CS = 800;
const DEFAULT_PRIORITY = 32767;

const tooLong = (name: string): boolean => Buffer.byteLength(name) > MAX_DEVICE_NAME;

function bridgeOf(s: UciSection, name: string, refusals: string[]): BridgeModel {
  const ports: string[] = [];
  for (const port of [...listOf(s, 'ports'), ...listOf(s, 'ifname')]) {
    if (isOwnedDeviceName(port) && !tooLong(port)) ports.push(port);
    else refusals.push(`network.${s.name}.ports: '${port}' is not a paradrop device (br-pd*/vpd*, at most ${MAX_DEVICE_NAME} bytes); it is left where it is`);
  }
  const delay = Number(str(s, 'forward_delay'));
  const priority = Number(str(s, 'priority'));
  return {
    name,
    section: s.name,
    ports,
    create: parseBool(str(s, 'bridge_empty')) === true,
    stp: parseBool(str(s, 'stp')) === true,
    forwardDelay: Number.isInteger(delay) && delay >= 2 && delay <= 30 ? delay * 100 : DEFAULT_FORWARD_DELAY_CS,
    priority: Number.isInteger(priority) && priority >= 0 && priority <= 65535 ? priority : DEFAULT_PRIORITY,
    mcastSnooping: parseBool(str(s, 'igmp_snooping')) === true,
  };
}

/** Static addresses in order, or undefined when one of them is not an IPv4 address. */
export function staticAddresses(s: UciSection): Ipv4Address[] | undefined {
  const netmask = str(s, 'netmask');
  const maskPrefix = netmask === undefined ? 32 : prefixOfNetmask(netmask);
  const out: Ipv4Address[] = [];
  for (const entry of listOf(s, 'ipaddr')) {
    if (entry.includes('/')) {
      const c = parseCidr(entry);
      if (!c) return undefined;
      out.push(c);
    } else {
      if (parseIpv4(entry) === undefined || maskPrefix === undefined) return undefined;
      out.push({ address: entry, prefix: maskPrefix });
    }
  }
  return out;
}

export function networkFromUci(pkg: UciPackage): NetworkPart {
  const refusals: string[] = [];
  const bridges: BridgeModel[] = [];
  /** Every bridge name a `config device` declares (ours or the gateway's), refused ones too. */
  const declared = new Set<string>();
  const refused = new Set<string>();
  for (const s of pkg.sections) {
    if (s.type !== 'device') continue;
    const name = str(s, 'name');
    if (name === undefined || str(s, 'type') !== 'bridge') continue;
    if (tooLong(name)) {
      refused.add(name);
      refusals.push(`network.${s.name}.name: device name '${name}' is longer than ${MAX_DEVICE_NAME} bytes; netifd refuses it, nothing is created`);
      continue;
    }
    if (declared.has(name)) {
      refusals.push(`network.${s.name}: device '${name}' is declared twice; the first declaration is used`);
      continue;
    }
    declared.add(name);
    if (isOwnedBridgeName(name)) bridges.push(bridgeOf(s, name, refusals));
  }

  const interfaces: InterfaceModel[] = [];
  for (const s of pkg.sections) {
    if (s.type !== 'interface') continue;
    const proto = str(s, 'proto') ?? 'none';
    const dev = str(s, 'device') ?? str(s, 'ifname');
    const itf: InterfaceModel = {
      name: s.name,
      proto,
      owned: false,
      bridgeCreated: false,
      undeclared: false,
      disabled: parseBool(str(s, 'disabled')) === true,
      forceLink: parseBool(str(s, 'force_link')) ?? proto === 'static',
      addresses: [],
    };
    if (dev !== undefined && !tooLong(dev) && !refused.has(dev)) {
      itf.device = dev;
      itf.owned = isOwnedBridgeName(dev);
      const bridge = bridges.find((b) => b.name === dev);
      itf.bridgeCreated = bridge !== undefined && (bridge.create || bridge.ports.length > 0);
      itf.undeclared = itf.owned && !declared.has(dev);
      if (itf.owned && !itf.bridgeCreated) itf.error = 'NO_DEVICE';
    } else {
      itf.error = 'NO_DEVICE';
      if (dev !== undefined && tooLong(dev)) {
        refusals.push(`network.${s.name}.device: '${dev}' is longer than ${MAX_DEVICE_NAME} bytes; the interface has no device`);
      }
    }
    if (proto === 'static') {
      const addrs = staticAddresses(s);
      if (addrs === undefined) {
        itf.error ??= 'INVALID_ADDRESS';
        refusals.push(`network.${s.name}.ipaddr: ${JSON.stringify(str(s, 'ipaddr'))} with netmask ${JSON.stringify(str(s, 'netmask'))} is not a valid IPv4 address list`);
      } else {
        itf.addresses = addrs;
      }
    }
    interfaces.push(itf);
  }
  return { bridges, interfaces, refusals };
}

/**
 * Whether netifd would bring the interface up before anything is known about carrier: the device
 * exists (ours: created; the gateway's: assumed, as fw4's vectors in stub mode do) and the proto
 * does not wait for a link (force_link). Up interfaces lend their addresses to their zone.
 */
export function isExpectedUp(itf: InterfaceModel): boolean {
  if (itf.disabled || itf.device === undefined || itf.error !== undefined) return false;
  if (itf.owned) return itf.bridgeCreated && itf.forceLink;
  return true;
}
