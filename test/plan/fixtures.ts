// Chutes built in TypeScript for the compiler's unit tests (the golden tests read the real example
// directories through the chute loader instead). seccam follows the first ParaDrop's example
// library (docs/paradrop-chapter-notes.md); the others are small variations.
import type { Chute, NetInterface, TrafficRule } from '../../src/chute/types.js';
import type { ChuteInput, GatewayProfile } from '../../src/plan/types.js';
import { defaultProfile } from '../../src/plan/profile.js';

export function seccam(): Chute {
  return {
    name: 'seccam', version: '1.0', description: 'Security camera', owner: 'paradrop',
    struct: {
      diskKiB: 12345,
      net: [
        { name: 'wan', type: 'wan', intfName: 'eth0', ipaddr: '10.100.12.1', netmask: '255.255.255.0' },
        { name: 'wifi', type: 'wifi', intfName: 'eth1', ipaddr: '10.100.13.1', netmask: '255.255.255.0', ssid: 'SecCam', encryption: 'psk2', key: 'wifi1234' },
      ],
    },
    files: [
      { name: 'www', path: '/srv/www', location: { kind: 'store', path: 'seccam/srv.tar.gz' }, hash: { algorithm: 'sha1', hex: '526bb8cb52458aad4043c56980cd238551b46b7e' }, extract: true },
    ],
    resource: {
      cpu: { kind: 'default' }, memory: { kind: 'default' },
      net: { wan: { downKbps: 25000, upKbps: 10000 }, wifi: { downKbps: 25000, upKbps: 10000 } },
    },
    runtime: [
      { kind: 'program', name: 'webhosting', program: 'uhttpd', args: ['-p', '80', '-i', '.php=/usr/bin/php-cgi', '-h', '/srv/www'] },
      { kind: 'dhcpserver', name: 'DHCP Server' },
    ],
    traffic: [
      { name: 'Web', kind: 'redirect', proto: 'tcp', from: { network: 'lan', address: '*', port: 5000 }, to: { iface: 'wifi', address: '10.100.13.1', port: 80 } },
      { name: 'HostSSH', kind: 'redirect', proto: 'tcp', from: { network: 'lan', address: '*', port: 5001 }, to: { iface: 'wifi', address: '10.100.13.1', port: 22 } },
    ],
  };
}

/** A chute with pool-allocated wan + wifi and one redirect on `port`. */
export function simple(name: string, opts: { port?: number; ssid?: string; net?: NetInterface[]; memory?: number; traffic?: TrafficRule[] } = {}): Chute {
  const port = opts.port ?? 8000;
  return {
    name, version: '1', description: name, owner: 'test',
    struct: {
      net: opts.net ?? [
        { name: 'wan', type: 'wan', intfName: 'eth0' },
        { name: 'wifi', type: 'wifi', intfName: 'eth1', ssid: opts.ssid ?? `ssid-${name}`, encryption: 'psk2', key: 'secret-key' },
      ],
    },
    files: [],
    resource: {
      cpu: { kind: 'value', value: 512 },
      memory: opts.memory === undefined ? { kind: 'default' } : { kind: 'value', value: opts.memory },
      net: { wan: { downKbps: 1000, upKbps: 500 } },
    },
    // A DHCP server needs a wifi interface to serve (src/chute's rule).
    runtime: [{ kind: 'program', name: 'main', program: '/usr/bin/app', args: ['--name', name] },
      ...((opts.net ?? [{ type: 'wifi' }]).some((n) => n.type === 'wifi') ? [{ kind: 'dhcpserver' as const, name: 'dhcp' }] : [])],
    traffic: opts.traffic ?? [{ name: 'web', kind: 'redirect', proto: 'tcp', from: { network: 'lan', address: '*', port }, to: { iface: 'wan', port: 80 } }],
  };
}

export const inputs = (...chutes: Chute[]): ChuteInput[] => chutes.map((chute) => ({ chute }));

export function profileV1(): GatewayProfile {
  return { ...defaultProfile(), name: 'test-v1', cgroup: 'v1' };
}
