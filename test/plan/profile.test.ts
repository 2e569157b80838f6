import test from 'ava';
import { ValidationError } from '../../src/errors.js';
import { defaultProfile, parseProfile } from '../../src/plan/profile.js';

test('the default profile is valid and an empty JSON profile is the default', (t) => {
  t.deepEqual(parseProfile({}), defaultProfile());
  const d = defaultProfile();
  t.is(d.cgroup, 'v2');
  t.is(d.ramBytes, 512 * 1024 * 1024);
  t.is(d.defaults.cpuShares, 1024);
  t.deepEqual(d.capsKeep, ['chown', 'dac_override', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap', 'setfcap',
    'sys_chroot', 'audit_write', 'net_bind_service', 'net_raw']);
  t.deepEqual(d.chuteSubnets, ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
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
    paths: { chutes: 'relative/dir' }, capsKeep: ['CAP_SYS_ADMIN'], memoryPolicy: { overcommit: 0 }, colour: 'blue',
  }), { instanceOf: ValidationError });
  const paths = err!.problems.map((p) => p.path).sort();
  t.deepEqual(paths, [
    'profile.capsKeep[0]', 'profile.cgroup', 'profile.colour', 'profile.lan.zone', 'profile.memoryPolicy.overcommit',
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

test('the former capsDrop is refused, pointing at capsKeep; capsKeep takes only known capabilities', (t) => {
  const err = t.throws(() => parseProfile({ capsDrop: ['sys_admin'] }), { instanceOf: ValidationError });
  t.deepEqual(err!.problems.map((p) => [p.code, p.path]), [['PROFILE_INVALID', 'profile.capsDrop']]);
  t.regex(err!.problems[0]!.message, /^profile\.capsDrop: is no longer read: .*capsKeep \(default: chown dac_override/);
  const bad = t.throws(() => parseProfile({ capsKeep: ['net_admin', 'sys_admn'] }), { instanceOf: ValidationError });
  t.deepEqual(bad!.problems.map((p) => p.path), ['profile.capsKeep[1]']);
  t.deepEqual(parseProfile({ capsKeep: ['bpf', 'perfmon', 'checkpoint_restore'] }).capsKeep, ['bpf', 'perfmon', 'checkpoint_restore']);
});

test('the LAN needs an address: redirects from it match it', (t) => {
  const err = t.throws(() => parseProfile({ lan: { ipaddr: null, netmask: null } }), { instanceOf: ValidationError });
  t.deepEqual(err!.problems.map((p) => p.path), ['profile.lan.ipaddr']);
  t.regex(err!.problems[0]!.message, /profile\.lan\.ipaddr: null is missing: redirects from the LAN match the gateway's own LAN address/);
});

test('chuteSubnets: CIDRs outside the special ranges; the pool lies inside one of them', (t) => {
  const table: Array<[unknown, string[]]> = [
    [{ chuteSubnets: ['10.0.0.0/8'] }, []],
    [{ chuteSubnets: ['172.16.0.0/12'] }, ['profile.subnetPool']],
    [{ chuteSubnets: ['10.0.0.1/8', '127.0.0.0/8', '0.0.0.0/0', '100.64.0.0/16'] },
      ['profile.chuteSubnets[0]', 'profile.chuteSubnets[1]', 'profile.chuteSubnets[2]', 'profile.chuteSubnets[3]', 'profile.subnetPool']],
    [{ chuteSubnets: ['8.8.0.0/16'], subnetPool: '8.8.8.0/24' }, []],
    [{ subnetPool: '8.8.0.0/16' }, ['profile.subnetPool']],
  ];
  for (const [json, paths] of table) {
    let got: string[] = [];
    try {
      parseProfile(json);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      got = err.problems.map((p) => p.path);
    }
    t.deepEqual(got, paths, JSON.stringify(json));
  }
  const err = t.throws(() => parseProfile({ subnetPool: '8.8.0.0/16' }), { instanceOf: ValidationError });
  t.is(err!.problems[0]!.message, 'profile.subnetPool: "8.8.0.0/16" is not inside any of chuteSubnets (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)');
});
