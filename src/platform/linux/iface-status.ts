// Interface status as netifd's `network.interface dump` would report it, from the model and the
// links the kernel has: up, available, device, l3_device, IPv4 addresses, error codes. Pure.
// For paradrop's interfaces (on br-pd* bridges) this is netifd's logic: no device → NO_DEVICE;
// an existing bridge is available; static comes up by force_link (default) or carrier, none only
// by force_link or carrier; a down interface reports no addresses. The gateway's own interfaces
// are reported as the kernel has them (up flag and addresses), since paradrop does not run them.
import type { ObservedLink } from './links.js';
import type { NetModel } from './model.js';

export interface InterfaceStatus {
  interface: string;
  up: boolean;
  available: boolean;
  device?: string;
  l3_device?: string;
  ipv4?: { address: string; mask: number }[];
  errors: { code: string }[];
}

export function interfaceStatus(model: NetModel, links: readonly ObservedLink[]): InterfaceStatus[] {
  return model.interfaces.map((itf) => {
    const s: InterfaceStatus = { interface: itf.name, up: false, available: false, errors: [] };
    if (itf.device === undefined) {
      s.errors.push({ code: 'NO_DEVICE' });
      return s;
    }
    s.device = itf.device;
    const link = links.find((l) => l.ifname === itf.device && (!itf.owned || l.kind === 'bridge'));
    if (!link) {
      s.errors.push({ code: 'NO_DEVICE' });
      return s;
    }
    s.available = true;
    if (itf.error === 'INVALID_ADDRESS') s.errors.push({ code: 'INVALID_ADDRESS' });
    const carrier = link.flags.includes('LOWER_UP');
    s.up = itf.owned
      ? !itf.disabled && itf.error !== 'INVALID_ADDRESS' && link.flags.includes('UP') && (itf.forceLink || carrier)
      : !itf.disabled && link.flags.includes('UP');
    if (!s.up) return s;
    s.l3_device = itf.device;
    if (itf.owned) {
      s.ipv4 = itf.proto === 'static' ? itf.addresses.map((a) => ({ address: a.address, mask: a.prefix })) : [];
    } else {
      s.ipv4 = link.addrs.filter((a) => a.family === 'inet').map((a) => ({ address: a.local, mask: a.prefixlen }));
    }
    return s;
  });
}
