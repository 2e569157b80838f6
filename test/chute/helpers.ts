// Shared by the chute tests: a valid raw chute to break one rule at a time, and the problems (or
// messages) parseChute reports for a raw value.
import { parseChute, type ParseOptions } from '../../src/chute/parse.js';
import { type Problem, ValidationError } from '../../src/errors.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Raw = any;

export const HEX40 = '526bb8cb52458aad4043c56980cd238551b46b7e';
export const HEX64 = 'a'.repeat(64);

/** The 2014 SecCam, trimmed: every part present and valid. */
export function baseChute(): Raw {
  return {
    name: 'seccam',
    version: '1.0',
    struct: {
      disk: { size: 12345 },
      net: {
        wan: { type: 'wan', intfName: 'eth0', ipaddr: '10.100.12.1', netmask: '255.255.255.0' },
        wifi: {
          type: 'wifi', intfName: 'eth1', ipaddr: '10.100.13.1', netmask: '255.255.255.0',
          ssid: 'SecCam', encryption: 'psk2', key: 'wifi1234',
        },
      },
    },
    files: [{ name: 'www', path: '/srv/www', location: '@paradrop.server(seccam/www.tar.gz)', sha1: HEX40, todo: 'EXTRACT' }],
    resource: { cpu: 1024, memory: '64M', wan: { down: 25000, up: 10000 }, wifi: { down: 25000, up: 10000 } },
    runtime: [
      { name: 'web', program: 'node', args: '/root/seccam.js' },
      { name: 'DHCP Server', program: '@net.runtime.dhcpserver' },
    ],
    traffic: [{ name: 'Web', rule: '@net.traffic.redirect(@net.host.lan:*:5000, wifi:10.100.13.1:80)' }],
  };
}

export function problemsOf(raw: unknown, opts: ParseOptions = {}): Problem[] {
  try {
    parseChute(raw, opts);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.problems];
    throw err;
  }
}

export function messagesOf(raw: unknown, opts: ParseOptions = {}): string[] {
  return problemsOf(raw, opts).map((p) => p.message);
}

/** A table case: change the base chute, expect exactly these messages ([] = valid). */
export interface Case {
  title: string;
  edit: (chute: Raw) => void;
  messages: string[];
}

export function edited(edit: (chute: Raw) => void): Raw {
  const chute = baseChute();
  edit(chute);
  return chute;
}
