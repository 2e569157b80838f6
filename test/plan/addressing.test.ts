import test from 'ava';
import type { NetInterface } from '../../src/chute/types.js';
import { addressKey, dhcpRange, gatewayAddressFor, resolveAddresses } from '../../src/plan/addressing.js';
import { fnv1a32 } from '../../src/plan/hash.js';
import { formatIpv4, formatSubnet, parseCidr, ipv4Value as parseIpv4, subnetOf } from '../../src/chute/ipv4.js';
import { ProblemList } from '../../src/plan/problems.js';
import { defaultProfile } from '../../src/plan/profile.js';

const wan = (ipaddr?: string, netmask?: string): NetInterface => ({
  name: 'wan', type: 'wan', intfName: 'eth0', ...(ipaddr ? { ipaddr } : {}), ...(netmask ? { netmask } : {}),
});

test('the gateway takes the first usable address that is not the chute\'s', (t) => {
  const table: [string, string, string][] = [
    ['10.100.13.1', '24', '10.100.13.2'],
    ['10.100.13.2', '24', '10.100.13.1'],
    ['10.100.13.254', '24', '10.100.13.1'],
    ['10.1.0.1', '16', '10.1.0.2'],
    ['192.168.50.9', '29', '192.168.50.10'],
  ];
  for (const [chute, prefix, gw] of table) {
    const a = parseIpv4(chute)!;
    t.is(formatIpv4(gatewayAddressFor(subnetOf(a, Number(prefix)), a)), gw, `${chute}/${prefix}`);
  }
});

test('explicit addresses: chute keeps ipaddr, gateway gets the rule\'s address', (t) => {
  const p = new ProblemList();
  const m = resolveAddresses(defaultProfile(), [{ chute: 'seccam', iface: wan('10.100.12.1', '255.255.255.0') }], p);
  const a = m.get(addressKey('seccam', 'wan'))!;
  t.true(p.empty);
  t.is(formatIpv4(a.chute), '10.100.12.1');
  t.is(formatIpv4(a.gateway), '10.100.12.2');
  t.is(formatSubnet(a.subnet), '10.100.12.0/24');
  t.is(a.source, 'chute');
});

test('pool allocation: the preferred /24 by hash, gateway .1 and chute .2', (t) => {
  const profile = defaultProfile(); // 10.128.0.0/16: 256 blocks
  const p = new ProblemList();
  const m = resolveAddresses(profile, [{ chute: 'cam', iface: wan() }], p);
  const a = m.get(addressKey('cam', 'wan'))!;
  const block = fnv1a32('cam:wan') % 256;
  t.is(formatSubnet(a.subnet), `10.128.${block}.0/24`);
  t.is(formatIpv4(a.gateway), `10.128.${block}.1`);
  t.is(formatIpv4(a.chute), `10.128.${block}.2`);
  t.is(a.source, 'pool');
});

test('pool allocation probes past subnets in use, wrapping around the pool', (t) => {
  const block = fnv1a32('cam:wan') % 256;
  const profile = { ...defaultProfile(), reservedSubnets: [`10.128.${block}.0/24`, `10.128.${(block + 1) % 256}.0/25`] };
  const m = resolveAddresses(profile, [{ chute: 'cam', iface: wan() }], new ProblemList());
  t.is(formatSubnet(m.get(addressKey('cam', 'wan'))!.subnet), `10.128.${(block + 2) % 256}.0/24`);

  // a second chute whose preferred block is the first one's
  const m2 = resolveAddresses({ ...defaultProfile(), subnetPool: '10.128.0.0/24' }, [
    { chute: 'a', iface: wan() }, { chute: 'b', iface: wan() },
  ], new ProblemList());
  t.is(formatSubnet(m2.get(addressKey('a', 'wan'))!.subnet), '10.128.0.0/24');
  t.is(m2.get(addressKey('b', 'wan')), undefined);
});

test('an exhausted pool is an error naming the chute and the pool', (t) => {
  const p = new ProblemList();
  resolveAddresses({ ...defaultProfile(), subnetPool: '10.128.0.0/24' }, [
    { chute: 'a', iface: wan() }, { chute: 'b', iface: wan() },
  ], p);
  t.is(p.items.length, 1);
  t.is(p.items[0]!.code, 'SLOT_EXHAUSTED');
  t.regex(p.items[0]!.message, /'b'.*10\.128\.0\.0\/24/);
});

test('recorded subnets win over the hash and are .1 gateway, .2 chute', (t) => {
  const m = resolveAddresses(defaultProfile(), [{ chute: 'cam', iface: wan(), recorded: '10.128.77.0/24' }], new ProblemList());
  const a = m.get(addressKey('cam', 'wan'))!;
  t.is(formatIpv4(a.chute), '10.128.77.2');
  t.is(a.source, 'recorded');
  // and a fresh pick avoids it
  const block = fnv1a32('other:wan') % 256;
  const m2 = resolveAddresses(defaultProfile(), [
    { chute: 'cam', iface: wan(), recorded: `10.128.${block}.0/24` }, { chute: 'other', iface: wan() },
  ], new ProblemList());
  t.is(formatSubnet(m2.get(addressKey('other', 'wan'))!.subnet), `10.128.${(block + 1) % 256}.0/24`);
});

test('chute subnets must lie inside the profile\'s chuteSubnets: given, recorded or from the pool', (t) => {
  const table: [{ iface: NetInterface; recorded?: string }, string | undefined, RegExp | undefined][] = [
    [{ iface: wan('10.100.12.1', '255.255.255.0') }, undefined, undefined],
    [{ iface: wan('192.168.77.1', '255.255.255.0') }, undefined, undefined],
    // The security hole: a chute claiming public space would get that space routed to it.
    [{ iface: wan('8.8.8.8', '255.255.255.0') }, 'x:struct.net.wan.ipaddr',
      /^chute 'x' interface 'wan': ipaddr '8\.8\.8\.8' puts it in 8\.8\.8\.0\/24, which is not inside the gateway's chute subnets \(10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16\)$/],
    [{ iface: wan('172.32.0.1', '255.255.0.0') }, 'x:struct.net.wan.ipaddr', /172\.32\.0\.0\/16, which is not inside/],
    // A subnet straddling the end of an allowed range is outside it.
    [{ iface: wan('10.1.1.1', '254.0.0.0') }, 'x:struct.net.wan.ipaddr', /10\.0\.0\.0\/7, which is not inside/],
    [{ iface: wan(), recorded: '9.9.9.0/24' }, 'x:subnets.wan', /its recorded subnet is 9\.9\.9\.0\/24, which is not inside/],
    [{ iface: wan(), recorded: '10.9.9.0/30' }, 'x:subnets.wan', /recorded subnet '10\.9\.9\.0\/30' is not a CIDR subnet from \/8 to \/29/],
    [{ iface: wan(), recorded: '127.0.0.0/24' }, 'x:subnets.wan', /outside loopback/],
  ];
  for (const [req, path, re] of table) {
    const p = new ProblemList();
    const m = resolveAddresses(defaultProfile(), [{ chute: 'x', ...req }], p);
    t.is(p.items[0]?.path, path, JSON.stringify(req));
    if (re) {
      t.regex(p.items[0]!.message, re);
      t.is(m.get(addressKey('x', 'wan')), undefined);
    }
  }
  // A pool outside the allowed ranges (a profile built in code; parseProfile refuses it).
  const p = new ProblemList();
  resolveAddresses({ ...defaultProfile(), subnetPool: '100.100.0.0/16' }, [{ chute: 'x', iface: wan() }], p);
  t.regex(p.items[0]?.message ?? '', /the pool gives it 100\.100\.\d+\.0\/24, which is not inside/);
  // A profile that allows public space takes it.
  const ok = new ProblemList();
  resolveAddresses({ ...defaultProfile(), chuteSubnets: ['8.8.0.0/16'] }, [{ chute: 'x', iface: wan('8.8.8.8', '255.255.255.0') }], ok);
  t.true(ok.empty);
});

test('dhcp range: the longest run of hosts without the chute and gateway', (t) => {
  const table: [string, string, number, number][] = [
    ['10.0.0.1', '10.0.0.2', 3, 252],
    ['10.0.0.2', '10.0.0.1', 3, 252],
    ['10.0.0.254', '10.0.0.1', 2, 252],
    ['10.0.0.100', '10.0.0.1', 101, 154],
  ];
  for (const [chute, gw, start, limit] of table) {
    const subnet = parseCidr('10.0.0.0/24')!;
    t.deepEqual(dhcpRange({ subnet, chute: parseIpv4(chute)!, gateway: parseIpv4(gw)!, source: 'chute' }), { start, limit }, chute);
  }
  const small = parseCidr('10.0.0.8/29')!; // hosts .9 - .14
  t.deepEqual(dhcpRange({ subnet: small, chute: parseIpv4('10.0.0.9')!, gateway: parseIpv4('10.0.0.10')!, source: 'chute' }), { start: 3, limit: 4 });
});
