import test from 'ava';
import { ValidationError } from '../../src/errors.js';
import { defaultProfile, parseProfile } from '../../src/plan/profile.js';

test('the default profile is valid and an empty JSON profile is the default', (t) => {
  t.deepEqual(parseProfile({}), defaultProfile());
  const d = defaultProfile();
  t.is(d.cgroup, 'v2');
  t.is(d.ramBytes, 512 * 1024 * 1024);
  t.is(d.defaults.cpuShares, 1024);
  t.true(d.capsDrop.includes('net_admin'));
  t.false(d.capsDrop.includes('net_bind_service'));
  t.false(d.capsDrop.includes('net_raw'));
});

test('objects merge field by field, lists replace', (t) => {
  const p = parseProfile({ name: 'x', cgroup: 'v1', lan: { ipaddr: '192.168.8.1' }, radios: [], defaults: { cpuShares: 512 } });
  t.is(p.cgroup, 'v1');
  t.is(p.lan.ipaddr, '192.168.8.1');
  t.is(p.lan.device, 'br-lan');
  t.deepEqual(p.radios, []);
  t.is(p.defaults.cpuShares, 512);
  t.is(p.defaults.memoryBytes, 64 * 1024 * 1024);
});

test('every bad field is reported at once, by path', (t) => {
  const err = t.throws(() => parseProfile({
    cgroup: 'v3', ramBytes: -1, radios: [{ name: 'radio0', band: '7g', maxAps: 1 }, { name: 'radio0', band: '2g', maxAps: 1 }],
    lan: { zone: 'a-very-long-zone-name' }, subnetPool: '10.0.0.0/25', servicePorts: [{ name: 'x', proto: 'sctp', port: 70000 }],
    paths: { chutes: 'relative/dir' }, capsDrop: ['CAP_SYS_ADMIN'], memoryPolicy: { overcommit: 0 }, colour: 'blue',
  }), { instanceOf: ValidationError });
  const paths = err!.problems.map((p) => p.path).sort();
  t.deepEqual(paths, [
    'profile.capsDrop[0]', 'profile.cgroup', 'profile.colour', 'profile.lan.zone', 'profile.memoryPolicy.overcommit',
    'profile.paths.chutes', 'profile.radios[0].band', 'profile.radios[1].name', 'profile.ramBytes',
    'profile.servicePorts[0].port', 'profile.servicePorts[0].proto', 'profile.subnetPool',
  ]);
  t.true(err!.problems.every((p) => p.message.startsWith(p.path.replace(/^profile\./, 'profile.'))));
  t.is(err!.problems.find((p) => p.path === 'profile.colour')!.code, 'FIELD_UNKNOWN');
  t.is(err!.problems.find((p) => p.path === 'profile.cgroup')!.code, 'PROFILE_INVALID');
});

test('a profile that is not an object is refused', (t) => {
  for (const bad of [null, 3, 'x', []]) t.throws(() => parseProfile(bad), { instanceOf: ValidationError });
});
