// Wireless on a plain Linux gateway: paradrop runs no hostapd there, so a chute's `wifi-iface`
// is installed but not broadcast. Its status says so, per section, instead of failing the chute
// (the chute's wifi-type interface, bridge and zone work the same; only the SSID is missing).
// Pure.
import type { UciConfigSet } from '../network-applier.js';
import { str } from './uci-options.js';

export interface WifiStatus {
  section: string;
  ssid?: string;
  network?: string;
  device?: string;
  broadcast: false;
  reason: 'no radio' | 'radio not driven by the plain Linux applier';
}

export function wirelessStatus(config: UciConfigSet): WifiStatus[] {
  const radios = new Set(config.wireless.sections.filter((s) => s.type === 'wifi-device').map((s) => s.name));
  return config.wireless.sections.filter((s) => s.type === 'wifi-iface').map((s) => {
    const device = str(s, 'device');
    const w: WifiStatus = {
      section: s.name,
      broadcast: false,
      reason: device !== undefined && radios.has(device) ? 'radio not driven by the plain Linux applier' : 'no radio',
    };
    const ssid = str(s, 'ssid');
    const network = str(s, 'network');
    if (ssid !== undefined) w.ssid = ssid;
    if (network !== undefined) w.network = network;
    if (device !== undefined) w.device = device;
    return w;
  });
}
