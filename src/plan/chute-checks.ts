// What the compiler checks of a chute on its own before compiling it: the parts its output
// depends on and that a bad value would turn into config OpenWrt or LXC reject (src/chute
// validates the chute in general; these checks keep the compiler safe on any Chute value).
import type { Chute } from '../chute/types.js';
import { isValidDeviceName } from './names.js';
import { type ProblemList, q } from './problems.js';
import type { GatewayProfile } from './types.js';

/** Interface index is one byte of the chute's MAC addresses (lxc-config.ts); 32 is plenty. */
export const MAX_INTERFACES = 32;

const ENCRYPTIONS = new Set(['none', 'psk', 'psk2', 'psk-mixed', 'sae', 'sae-mixed']);
const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

function checkKey(key: string | undefined): string | undefined {
  if (key === undefined) return 'is missing';
  if (/^[0-9a-fA-F]{64}$/.test(key)) return undefined;
  if (key.length < 8 || key.length > 63) return `has ${key.length} characters, not 8 to 63`;
  if (!/^[\x20-\x7e]+$/.test(key)) return 'contains characters other than printable ASCII';
  return undefined;
}

export function checkChute(chute: Chute, profile: GatewayProfile, problems: ProblemList): void {
  const who = `chute ${q(chute.name)}`;
  const nets = chute.struct.net;
  if (nets.length > MAX_INTERFACES) {
    problems.add('FIELD_INVALID', `${chute.name}:struct.net`, `${who} has ${nets.length} interfaces, more than ${MAX_INTERFACES}`,
      nets.length, `at most ${MAX_INTERFACES} interfaces`);
  }
  const byName = new Map<string, string>();
  const byIntf = new Map<string, string>();
  for (const net of nets) {
    const path = `${chute.name}:struct.net.${net.name}`;
    const iw = `${who} interface ${q(net.name)}`;
    if (byName.has(net.name)) problems.add('FIELD_INVALID', path, `${who} has two interfaces named ${q(net.name)}`, net.name, 'unique names');
    byName.set(net.name, net.name);
    if (!isValidDeviceName(net.intfName) || net.intfName === 'lo') {
      problems.add('DEVICE_NAME_INVALID', `${path}.intfName`,
        `${iw}: intfName ${q(net.intfName)} is not a Linux device name of 1 to 15 characters [A-Za-z0-9_.-] other than 'lo'`,
        net.intfName, 'a device name of at most 15 characters');
    } else {
      const other = byIntf.get(net.intfName);
      if (other !== undefined) {
        problems.add('DEVICE_NAME_INVALID', `${path}.intfName`,
          `${who} interfaces ${q(other)} and ${q(net.name)} both use the name ${q(net.intfName)} inside the chute`,
          net.intfName, 'a name no other interface of the chute uses');
      }
      byIntf.set(net.intfName, net.name);
    }
    if (net.type !== 'wifi') continue;
    const ssidLen = net.ssid === undefined ? 0 : utf8Length(net.ssid);
    if (ssidLen < 1 || ssidLen > 32 || /[\u0000-\u001f]/.test(net.ssid ?? '')) {
      problems.add(net.ssid === undefined ? 'FIELD_MISSING' : 'FIELD_INVALID', `${path}.ssid`,
        `${iw}: ssid ${q(net.ssid ?? '')} must be 1 to 32 bytes of text`, net.ssid, 'an SSID of 1 to 32 bytes');
    }
    const enc = net.encryption ?? 'none';
    if (!ENCRYPTIONS.has(enc)) {
      problems.add('FIELD_INVALID', `${path}.encryption`, `${iw}: encryption ${q(enc)} is not one of ${[...ENCRYPTIONS].join(', ')}`,
        enc, [...ENCRYPTIONS].join(', '));
    } else if (enc !== 'none') {
      const why = checkKey(net.key);
      if (why) {
        problems.add(net.key === undefined ? 'FIELD_MISSING' : 'FIELD_INVALID', `${path}.key`,
          `${iw}: key ${why} (${enc} needs a passphrase of 8 to 63 printable ASCII characters or 64 hex digits)`,
          net.key === undefined ? undefined : '(hidden)', '8 to 63 printable ASCII characters');
      }
    }
  }
  chute.files.forEach((f, i) => {
    const under = (dir: string): boolean => f.path === dir || f.path.startsWith(`${dir}/`);
    const ro = profile.rootfs.readOnlyBinds.filter(under);
    const rw = profile.rootfs.writable.filter(under);
    const deepest = (xs: string[]): number => Math.max(-1, ...xs.map((d) => d.length));
    if (rw.length === 0 || deepest(ro) >= deepest(rw)) {
      const where = ro.length > 0 ? `inside the gateway's read-only ${ro.join(', ')}` : "outside the chute's writable directories";
      problems.add('FIELD_INVALID', `${chute.name}:files[${i}].path`,
        `${who}: file ${q(f.name)} goes to ${q(f.path)}, ${where} (${profile.rootfs.writable.join(', ')})`,
        f.path, `a path under one of ${profile.rootfs.writable.join(', ')}`);
    }
  });
}
