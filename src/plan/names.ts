// Every name the compiler writes for a chute, derived from its slot and the interface's index in
// struct.net, never from the raw chute name (chute names may be 32 characters; Linux device names
// stop at 15 bytes and firewall4 zone names at 11). Invariants, relied on by removal: each name
// embeds the slot, and a slot is exactly 3 characters, so two chutes never derive the same name
// and all of a chute's UCI sections start with `pd_<slot>`.
import { isLinuxDeviceName } from '../chute/struct.js';

/** Linux IFNAMSIZ minus the terminating NUL. */
export const MAX_DEVICE_NAME = 15;
/** firewall4 builds chain names such as `reject_from_<zone>` from it; longer names are refused. */
export const MAX_ZONE_NAME = 11;

const SECTION_NAME = /^[A-Za-z0-9_]+$/;

export interface InterfaceNames {
  /** UCI `network` interface name, also the dhcp section's `interface`. */
  uciInterface: string;
  bridge: string;
  hostVeth: string;
  /** ifb device that the host veth's ingress (the chute's upload) is redirected to for shaping. */
  ifb: string;
  zone: string;
  sections: {
    device: string;
    interface: string;
    wifiIface: string;
    dhcp: string;
    zone: string;
    forwarding: string;
    dnsRule: string;
  };
}

export function interfaceNames(slot: string, index: number): InterfaceNames {
  const id = `${slot}${index}`;
  return {
    uciInterface: `pd_${id}`,
    bridge: `br-pd${id}`,
    hostVeth: `vpd${id}`,
    ifb: `ipd${id}`,
    zone: `pdz${id}`,
    sections: {
      device: `pd_${id}_br`,
      interface: `pd_${id}`,
      wifiIface: `pd_${id}_ap`,
      dhcp: `pd_${id}`,
      zone: `pd_${id}_z`,
      forwarding: `pd_${id}_fwd`,
      dnsRule: `pd_${id}_dns`,
    },
  };
}

/** Section name of the j-th traffic rule of the chute in `slot`. */
export function redirectSectionName(slot: string, index: number): string {
  return `pd_${slot}_r${index}`;
}

export function containerName(chuteName: string): string {
  return `pd-${chuteName}`;
}

/** Prefix shared by every UCI section of the chute in `slot`: what removal deletes. */
export function sectionPrefix(slot: string): string {
  return `pd_${slot}`;
}

/** Whether `name` belongs to the chute in `slot`: `pd_<slot>` then a digit or `_r`. */
export function isSectionOfSlot(name: string, slot: string): boolean {
  const p = sectionPrefix(slot);
  return name.startsWith(p) && /^(\d|_r\d)/.test(name.slice(p.length));
}

export function isValidSectionName(name: string): boolean {
  return SECTION_NAME.test(name);
}

/** Linux's device name rule, as src/chute applies it to intfName (which also refuses "lo"). */
export function isValidDeviceName(name: string): boolean {
  return isLinuxDeviceName(name);
}
