// Validates the Wi-Fi fields of a wifi-type interface: ssid, encryption, key, radio. Pure.
// Keys are secrets: no message and no Problem.value ever carries one.
import type { NetInterface } from './types.js';
import { type Obj, type Suggested, expectString, has, requireField } from './check.js';
import { type ProblemList, joinPath, show } from './problems.js';
import { didYouMean } from './suggest.js';

export const ENCRYPTIONS = ['none', 'psk2', 'psk', 'psk-mixed', 'sae', 'sae-mixed'] as const;

/** WPA/WPA2 passphrases (IEEE 802.11i annex H): 8..63 printable ASCII characters. */
const PASSPHRASE = /^[\u0020-\u007e]{8,63}$/;
/** A raw 256-bit PSK, accepted by the psk family only (SAE takes a password, not a PSK). */
const RAW_PSK = /^[0-9a-fA-F]{64}$/;
/** UCI section names of wifi-device sections. */
const RADIO = /^[A-Za-z0-9_]{1,32}$/;

export function checkWifi(obj: Obj, path: string, problems: ProblemList, suggested: Suggested, iface: NetInterface): void {
  const ssid = requireField(obj, 'ssid', path, problems, suggested, 'a network name of 1..32 bytes');
  if (ssid !== undefined) {
    const ssidPath = joinPath(path, 'ssid');
    const s = expectString(ssid, ssidPath, problems, { plain: true });
    if (s !== undefined) {
      const bytes = Buffer.byteLength(s, 'utf8');
      if (bytes > 32) {
        problems.invalid(ssidPath, s, `${show(s)} is ${bytes} bytes in UTF-8 (an SSID holds at most 32 bytes)`,
          '1..32 bytes of UTF-8');
      } else {
        iface.ssid = s;
      }
    }
  }

  const enc = requireField(obj, 'encryption', path, problems, suggested, `one of: ${ENCRYPTIONS.join(', ')}`);
  let encryption: string | undefined;
  if (enc !== undefined) {
    const encPath = joinPath(path, 'encryption');
    if (typeof enc === 'string' && (ENCRYPTIONS as readonly string[]).includes(enc)) {
      encryption = enc;
      iface.encryption = enc;
    } else {
      const hint = typeof enc === 'string' ? didYouMean(enc, ENCRYPTIONS) : '';
      problems.invalid(encPath, enc, `${show(enc)} is not an encryption${hint} (expected one of: ${ENCRYPTIONS.join(', ')})`,
        ENCRYPTIONS.join(', '));
    }
  }

  const keyPath = joinPath(path, 'key');
  if (encryption === 'none') {
    if (has(obj, 'key')) problems.invalid(keyPath, undefined, 'encryption "none" takes no key', 'no key');
  } else if (encryption !== undefined) {
    const key = requireField(obj, 'key', path, problems, suggested, `a passphrase for ${show(encryption)}`);
    if (key !== undefined) checkKey(key, encryption, keyPath, problems, iface);
  } else if (has(obj, 'key') && typeof obj.key !== 'string') {
    problems.invalid(keyPath, undefined, 'must be a string', 'a passphrase');
  }

  if (has(obj, 'radio')) {
    const radioPath = joinPath(path, 'radio');
    const r = expectString(obj.radio, radioPath, problems);
    if (r !== undefined) {
      if (RADIO.test(r)) iface.radio = r;
      else problems.invalid(radioPath, r, `${show(r)} is not a radio name (expected a UCI wifi-device name such as "radio0")`, 'radio0');
    }
  }
}

function checkKey(key: unknown, encryption: string, path: string, problems: ProblemList, iface: NetInterface): void {
  if (typeof key !== 'string') {
    problems.invalid(path, undefined, 'must be a string', 'a passphrase');
    return;
  }
  const sae = encryption === 'sae' || encryption === 'sae-mixed';
  if (PASSPHRASE.test(key) || (!sae && RAW_PSK.test(key))) {
    iface.key = key;
    return;
  }
  const expected = sae ? '8..63 printable ASCII characters' : '8..63 printable ASCII characters or 64 hex digits';
  const what = /[^\u0020-\u007e]/.test(key) ? 'has characters outside printable ASCII' : `is ${key.length} characters long`;
  problems.invalid(path, undefined, `the ${show(encryption)} key ${what} (expected ${expected})`, expected);
}
