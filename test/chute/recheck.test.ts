// recheckChute: the chute language's rules applied to a Chute value built anywhere, by writing it
// back (toRawChute) and parsing it. Round trip on every example and fixture; broken values are found.
import test from 'ava';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadChute } from '../../src/chute/load.js';
import { parseChute } from '../../src/chute/parse.js';
import { recheckChute, toRawChute } from '../../src/chute/recheck.js';
import type { Chute } from '../../src/chute/types.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCES = [
  'files/usr/share/paradrop/examples/seccam', 'files/usr/share/paradrop/examples/envsense', 'test/fixtures/chapter/seccam',
  'test/fixtures/chapter/seccam-2014', 'test/fixtures/chapter/seccam-2014.json',
];

for (const source of SOURCES) {
  test(`recheck: ${source} round-trips and passes`, async (t) => {
    const { chute } = await loadChute(join(ROOT, source));
    t.deepEqual(parseChute(toRawChute(chute)), chute);
    t.deepEqual(recheckChute(chute), []);
  });
}

test('recheck: pool interfaces, explicit rules, DEFAULT amounts, URL and file locations round-trip', (t) => {
  const chute: Chute = {
    name: 'rt', version: '1', description: '', owner: '',
    struct: { net: [{ name: 'wan', type: 'wan', intfName: 'eth0' }, { name: 'w', type: 'wifi', intfName: 'eth1', ssid: 'S', encryption: 'none' }] },
    files: [
      { name: 'a', path: '/root/', location: { kind: 'url', url: 'https://x.example/a.py' }, hash: { algorithm: 'sha256', hex: 'b'.repeat(64) }, extract: false },
      { name: 'b', path: '/srv/b', location: { kind: 'file', path: '/opt/b.tar.gz' }, hash: { algorithm: 'sha1', hex: 'c'.repeat(40) }, extract: true },
    ],
    resource: { cpu: { kind: 'default' }, memory: { kind: 'value', value: 8 << 20 }, net: { w: { upKbps: 5 } } },
    runtime: [{ kind: 'program', name: 'p', program: 'sh', args: ['-c', 'echo "$X"'] }, { kind: 'dhcpserver', name: 'd', interfaces: ['w'] }],
    traffic: [{ name: 'r', description: 'd', kind: 'redirect', from: { network: 'wan', address: '*', port: 8080 }, to: { iface: 'w', port: 80 }, proto: 'tcp udp' }],
  };
  t.deepEqual(parseChute(toRawChute(chute)), chute);
  t.deepEqual(recheckChute(chute), []);
});

test('recheck: a value breaking the rules yields the same problems parseChute gives', (t) => {
  const { chute } = { chute: parseChute({ name: 'x', struct: { net: { wan: { type: 'wan', intfName: 'eth0' } } } }) };
  const bad: Chute = {
    ...chute,
    struct: { net: [...chute.struct.net, { ...chute.struct.net[0]!, intfName: 'eth1' }, { name: 'lo0', type: 'wan', intfName: 'lo', ipaddr: '10.0.0.1', netmask: '255.255.255.252' }] },
    traffic: [{ name: 't', kind: 'redirect', from: { network: 'lan', address: '*', port: 0 }, to: { iface: 'wan', port: 80 }, proto: 'tcp' }],
  };
  t.deepEqual(recheckChute(bad).map((p) => p.message), [
    'struct.net[1]: the interface name "wan" is used twice',
    'struct.net.lo0.intfName: "lo" is the loopback device every chute already has',
    'struct.net.lo0.netmask: "255.255.255.252" (/30) leaves no room for the chute, the gateway and a device (expected /8 to /29)',
    'traffic[0].port: must be a port number from 1 to 65535 (got 0)',
  ]);
});
