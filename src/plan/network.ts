// UCI `network` sections of one chute interface: a bridge and a static interface on it.
// The bridge uses the 21.02+ `config device` syntax with `bridge_empty '1'`: it has no port until
// LXC plugs the chute's veth in (and, for wifi type, netifd adds the AP), and without
// bridge_empty netifd never creates an empty bridge, leaving the interface down with NO_DEVICE
// and its zone without subnets (vectors: netifd_chute_bridge_without_bridge_empty). proto static
// comes up on the empty bridge because static defaults to force_link 1.
// The gateway's address: on a wan-type subnet it is the chute's default gateway; on a wifi-type
// subnet it exists only so that traffic rules (DNAT) can route to the chute there, because the
// devices on that SSID get the chute as their router and their zone rejects input and forward.
import type { UciSectionSpec } from '../uci/model.js';
import type { InterfaceContext } from './context.js';
import { formatIpv4, maskOfPrefix } from '../chute/ipv4.js';
import { opt, section } from './uci-text.js';

export function networkSections(c: InterfaceContext): UciSectionSpec[] {
  const { names, addressing } = c;
  return [
    section('device', names.sections.device, [
      opt('name', names.bridge),
      opt('type', 'bridge'),
      opt('bridge_empty', '1'),
    ]),
    section('interface', names.sections.interface, [
      opt('device', names.bridge),
      opt('proto', 'static'),
      opt('ipaddr', formatIpv4(addressing.gateway)),
      opt('netmask', formatIpv4(maskOfPrefix(addressing.subnet.prefix))),
    ]),
  ];
}
