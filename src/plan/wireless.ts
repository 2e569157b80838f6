// UCI `wireless` section of a wifi-type chute interface: a virtual AP on the chosen radio,
// attached to the chute's UCI interface, so netifd puts it in the same bridge as the chute's veth
// (layer 2 between the SSID's devices and the chute). No section when the gateway has no radio.
import type { UciSectionSpec } from '../uci/model.js';
import type { InterfaceContext } from './context.js';
import { opt, section } from './uci-text.js';

export function wirelessSections(c: InterfaceContext): UciSectionSpec[] {
  if (c.net.type !== 'wifi' || c.radio == null) return [];
  const encryption = c.net.encryption ?? 'none';
  const options = [
    opt('device', c.radio),
    opt('mode', 'ap'),
    opt('network', c.names.uciInterface),
    opt('ssid', c.net.ssid ?? ''),
    opt('encryption', encryption),
  ];
  if (encryption !== 'none' && c.net.key !== undefined) options.push(opt('key', c.net.key));
  return [section('wifi-iface', c.names.sections.wifiIface, options)];
}
