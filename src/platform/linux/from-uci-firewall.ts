// firewall4's reading of `defaults`, `zone` and `forwarding` sections. Pure. fw4 semantics kept
// here (../shared/vectors/fw4): a zone's `network` names map to devices only through interfaces
// (a name matching no interface, or an interface without a device, is dropped silently); its
// subnets come from the interfaces that are up; an invalid option skips the whole zone and then
// every forwarding, rule and redirect naming it; a disabled zone is ignored the same way; policies
// are enums matched as case-insensitive prefixes.
// Beyond fw4: device names over 15 bytes in `list device` are refused here (nft would reject the
// whole ruleset, vector zone_device_name_16_chars), and inverted devices and `subnet` matching are
// not supported (refusals; the compiler emits neither).
import type { UciPackage } from '../../uci/model.js';
import { Fw4Section, KNOWN_OPTIONS, UNSUPPORTED_OPTIONS } from './fw4-section.js';
import { isExpectedUp } from './from-uci-network.js';
import {
  type Defaults, type Family, type ForwardingModel, type InterfaceModel, MAX_DEVICE_NAME, type Policy, type ZoneModel,
} from './model.js';
import { parseBool, parseEnum } from './uci-options.js';

const POLICIES = ['accept', 'reject', 'drop'] as const;
export const parsePolicy = (v: string): Policy | undefined => parseEnum(v, POLICIES);
export const parseBoolOpt = (v: string): boolean | undefined => parseBool(v);
const parseIdentifier = (v: string): string | undefined => (/^[a-zA-Z_.][a-zA-Z0-9/_.-]*$/.test(v) ? v : undefined);
const parseAny = (v: string): string => v;

export function parseFamily(v: string): Family | undefined {
  if (v === 'any' || v === 'all' || v === '*') return 0;
  if (v === 'inet' || v.includes('4')) return 4;
  if (v.includes('6')) return 6;
  return undefined;
}

/** OpenWrt's shipped /etc/config/firewall defaults, for a firewall package that has none. */
export const STOCK_DEFAULTS: Defaults = { input: 'reject', output: 'accept', forward: 'reject', synFlood: true, dropInvalid: false };

export function defaultsFromUci(pkg: UciPackage, warnings: string[]): Defaults {
  const sections = pkg.sections.filter((s) => s.type === 'defaults');
  const first = sections[0];
  if (!first) return { ...STOCK_DEFAULTS };
  const r = new Fw4Section(pkg, first, warnings);
  const d: Defaults = {
    input: r.one('input', { parse: parsePolicy, def: 'drop' }) ?? 'drop',
    output: r.one('output', { parse: parsePolicy, def: 'drop' }) ?? 'drop',
    forward: r.one('forward', { parse: parsePolicy, def: 'drop' }) ?? 'drop',
    dropInvalid: r.one('drop_invalid', { parse: parseBoolOpt }) ?? false,
    synFlood: false,
  };
  const synFlood = r.one('syn_flood', { parse: parseBoolOpt });
  const protect = r.one('synflood_protect', { parse: parseBoolOpt });
  d.synFlood = protect ?? synFlood ?? false;
  r.finish(KNOWN_OPTIONS.defaults, UNSUPPORTED_OPTIONS.defaults);
  for (const dup of sections.slice(1)) new Fw4Section(pkg, dup, warnings).warn(': ignoring duplicate defaults section');
  return d;
}

export function zonesFromUci(
  pkg: UciPackage, interfaces: readonly InterfaceModel[], defaults: Defaults, warnings: string[], refusals: string[],
): ZoneModel[] {
  const zones: ZoneModel[] = [];
  for (const s of pkg.sections) {
    if (s.type !== 'zone') continue;
    const r = new Fw4Section(pkg, s, warnings);
    const enabled = r.one('enabled', { parse: parseBoolOpt, def: '1' });
    const name = r.one('name', { parse: parseIdentifier, required: true });
    const family = r.one('family', { parse: parseFamily });
    const networks = r.many('network', { parse: parseAny });
    const devices = r.many('device', { parse: parseAny });
    const subnets = r.many('subnet', { parse: parseAny });
    const input = r.one('input', { parse: parsePolicy, def: defaults.input });
    const output = r.one('output', { parse: parsePolicy, def: defaults.output });
    const forward = r.one('forward', { parse: parsePolicy, def: defaults.forward });
    const masq = r.one('masq', { parse: parseBoolOpt });
    const masqAllowInvalid = r.one('masq_allow_invalid', { parse: parseBoolOpt });
    const mtuFix = r.one('mtu_fix', { parse: parseBoolOpt });
    if (!r.finish(KNOWN_OPTIONS.zone, UNSUPPORTED_OPTIONS.zone)) continue;
    if (enabled === false) {
      r.warn('is disabled, ignoring section');
      continue;
    }
    if (name === undefined || input === undefined || output === undefined || forward === undefined) continue;
    if (family === 6) refusals.push(`firewall.${s.name}: zone '${name}' is IPv6 only; its chains are built but paradrop adds no IPv6 NAT`);
    if (subnets.length) refusals.push(`firewall.${s.name}.subnet: zone '${name}' matching by subnet is not supported; only its devices are matched`);

    const zone: ZoneModel = {
      name, section: s.name, devices: [], addresses: [], input, output, forward,
      masq: masq === true, masqAllowInvalid: masqAllowInvalid === true, mtuFix: mtuFix === true,
    };
    for (const net of networks) {
      const itf = interfaces.find((i) => i.name === net);
      if (!itf || itf.device === undefined) continue;
      zone.devices.push(itf.device);
      if (isExpectedUp(itf)) zone.addresses.push(...itf.addresses);
    }
    for (const dev of devices) {
      if (dev.startsWith('!')) {
        refusals.push(`firewall.${s.name}.device: inverted device '${dev}' is not supported; ignored`);
        continue;
      }
      if (dev === '*' || dev === '+') continue;
      const pattern = dev.endsWith('+') ? `${dev.slice(0, -1)}*` : dev;
      if (Buffer.byteLength(dev) > MAX_DEVICE_NAME) {
        refusals.push(`firewall.${s.name}.device: '${dev}' is longer than ${MAX_DEVICE_NAME} bytes; no device can match it (nft would reject the whole ruleset), ignored`);
        continue;
      }
      zone.devices.push(pattern);
    }
    zone.devices = [...new Set(zone.devices)];
    zones.push(zone);
  }
  return zones;
}

/** fw4's zone reference: `*` or the name of a zone that was parsed and is enabled. */
export function zoneRef(zones: readonly ZoneModel[]): (v: string) => string | undefined {
  return (v) => (v === '*' || zones.some((z) => z.name === v) ? v : undefined);
}

export function forwardingsFromUci(pkg: UciPackage, zones: readonly ZoneModel[], warnings: string[], refusals: string[]): ForwardingModel[] {
  const out: ForwardingModel[] = [];
  for (const s of pkg.sections) {
    if (s.type !== 'forwarding') continue;
    const r = new Fw4Section(pkg, s, warnings);
    const enabled = r.one('enabled', { parse: parseBoolOpt, def: '1' });
    r.one('name', { parse: parseAny });
    r.one('family', { parse: parseFamily });
    const src = r.one('src', { parse: zoneRef(zones), required: true });
    const dest = r.one('dest', { parse: zoneRef(zones), required: true });
    if (!r.finish(KNOWN_OPTIONS.forwarding, UNSUPPORTED_OPTIONS.forwarding)) continue;
    if (enabled === false) {
      r.warn('is disabled, ignoring section');
      continue;
    }
    if (src === undefined || dest === undefined) continue;
    if (src === '*' || dest === '*') {
      refusals.push(`firewall.${s.name}: forwarding with '*' is not supported by paradrop's applier; ignored`);
      continue;
    }
    out.push({ section: s.name, src, dest });
  }
  return out;
}
