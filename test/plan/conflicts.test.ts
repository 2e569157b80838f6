// Each conflict kind is an error naming both parties; all conflicts of one compile come at once.
import test from 'ava';
import { compile } from '../../src/plan/compile.js';
import { defaultProfile } from '../../src/plan/profile.js';
import type { ChuteInput } from '../../src/plan/types.js';
import { inputs, seccam, simple } from './fixtures.js';
import { problemsOf, withCode } from './helpers.js';

const wanAt = (ipaddr: string, netmask = '255.255.255.0') => [{ name: 'wan', type: 'wan' as const, intfName: 'eth0', ipaddr, netmask }];

test('overlapping subnets between chutes name both chutes and interfaces', (t) => {
  const ps = problemsOf(t, () => compile(defaultProfile(), inputs(
    simple('alpha', { net: wanAt('10.50.0.1'), port: 7001 }),
    simple('beta', { net: wanAt('10.50.0.129', '255.255.255.128'), port: 7002 }),
  )));
  const [p] = withCode(t, ps, 'SUBNET_OVERLAP');
  t.regex(p!.message, /chute 'alpha' interface 'wan' \(10\.50\.0\.0\/24\)/);
  t.regex(p!.message, /chute 'beta' interface 'wan' \(10\.50\.0\.128\/25\)/);
});

test('overlap with the gateway LAN and reserved subnets names the gateway network', (t) => {
  const profile = { ...defaultProfile(), reservedSubnets: ['172.16.0.0/12'] };
  const ps = problemsOf(t, () => compile(profile, inputs(
    simple('lanny', { net: wanAt('192.168.1.50'), port: 7001 }),
    simple('resv', { net: wanAt('172.20.0.1'), port: 7002 }),
  )));
  const found = withCode(t, ps, 'SUBNET_OVERLAP').map((p) => p.message);
  t.true(found.some((m) => /the gateway's LAN network 'lan' \(192\.168\.1\.0\/24\)/.test(m) && /'lanny'/.test(m)), found.join('\n'));
  t.true(found.some((m) => /reserved subnet 172\.16\.0\.0\/12/.test(m) && /'resv'/.test(m)), found.join('\n'));
});

test('two interfaces of one chute may not overlap either (src/chute\'s rule, rechecked)', (t) => {
  const net = [
    { name: 'wan', type: 'wan' as const, intfName: 'eth0', ipaddr: '10.9.0.1', netmask: '255.255.255.0' },
    { name: 'wifi', type: 'wifi' as const, intfName: 'eth1', ipaddr: '10.9.0.5', netmask: '255.255.255.0', ssid: 'S', encryption: 'none' },
  ];
  const [p] = withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(simple('one', { net })))), 'FIELD_INVALID');
  t.is(p!.message, "chute 'one': struct.net.wifi: subnet 10.9.0.0/24 overlaps 10.9.0.0/24 of struct.net.wan");
  t.is(p!.path, 'one:struct.net.wifi');
});

test('duplicate SSIDs on a radio name both chutes', (t) => {
  const ps = problemsOf(t, () => compile(defaultProfile(), inputs(simple('a1', { ssid: 'Home', port: 7001 }), simple('b1', { ssid: 'Home', port: 7002 }))));
  const [p] = withCode(t, ps, 'SSID_DUPLICATE');
  t.regex(p!.message, /chute 'a1' interface 'wifi' and chute 'b1' interface 'wifi' both broadcast SSID 'Home' on radio 'radio0'/);
});

test('the same SSID on two different radios is fine', (t) => {
  const profile = { ...defaultProfile(), radios: [{ name: 'radio0', band: '2g' as const, maxAps: 1 }, { name: 'radio1', band: '5g' as const, maxAps: 1 }] };
  const s = compile(profile, inputs(simple('a1', { ssid: 'Home', port: 7001 }), simple('b1', { ssid: 'Home', port: 7002 })));
  t.deepEqual(s.chutes.map((c) => c.interfaces[1]!.radio), ['radio0', 'radio1']);
});

test('device names over 15 characters or clashing inside a chute are errors', (t) => {
  const net = [
    { name: 'wan', type: 'wan' as const, intfName: 'a-very-long-name0' },
    { name: 'lan2', type: 'wan' as const, intfName: 'eth1' },
    { name: 'lan3', type: 'wan' as const, intfName: 'eth1' },
  ];
  const ps = withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(simple('dev', { net, traffic: [] })))), 'FIELD_INVALID');
  t.deepEqual(ps.map((p) => p.message), [
    `chute 'dev': struct.net.wan.intfName: "a-very-long-name0" is 17 bytes long (Linux allows at most 15)`,
    `chute 'dev': struct.net.lan3.intfName: "eth1" is already the intfName of struct.net.lan2`,
  ]);
});

test('a chute device name clashing with the gateway\'s names both', (t) => {
  const c = simple('clash', { port: 7001 });
  const input: ChuteInput = { chute: c, slot: 'abc' };
  const profile = { ...defaultProfile(), lan: { ...defaultProfile().lan, device: 'br-pdabc0' } };
  const [p] = withCode(t, problemsOf(t, () => compile(profile, [input])), 'DEVICE_NAME_INVALID');
  t.regex(p!.message, /the gateway's LAN and chute 'clash' interface 'wan' both use the device name 'br-pdabc0'/);
});

test('two chutes recording the same slot name both', (t) => {
  const ps = problemsOf(t, () => compile(defaultProfile(), [{ chute: simple('x1', { port: 7001 }), slot: 'q00' }, { chute: simple('x2', { port: 7002 }), slot: 'q00' }]));
  const [p] = withCode(t, ps, 'DEVICE_NAME_INVALID');
  t.regex(p!.message, /'x1' and 'x2' both have slot 'q00'/);
});

test('a redirect on a gateway service port names the rule, the chute and the service', (t) => {
  const ps = problemsOf(t, () => compile(defaultProfile(), inputs(simple('web', { port: 443 }))));
  const [p] = withCode(t, ps, 'PORT_IN_USE');
  t.regex(p!.message, /traffic rule 'web' of chute 'web' takes lan tcp port 443, which the gateway's own service 'https' uses/);
});

test('udp rules collide with udp services only', (t) => {
  const udp = (port: number) => [{ name: 'u', kind: 'redirect' as const, proto: 'udp' as const, from: { network: 'lan' as const, address: '*', port }, to: { iface: 'wan', port } }];
  t.notThrows(() => compile(defaultProfile(), inputs(simple('u1', { traffic: udp(22) }))));
  const [p] = withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(simple('u2', { traffic: udp(67) })))), 'PORT_IN_USE');
  t.regex(p!.message, /'dhcp'/);
});

test('two chutes taking the same gateway port name both chutes and rules', (t) => {
  const ps = problemsOf(t, () => compile(defaultProfile(), inputs(simple('one', { port: 8080 }), simple('two', { port: 8080 }))));
  const [p] = withCode(t, ps, 'PORT_IN_USE');
  t.regex(p!.message, /traffic rule 'web' of chute 'one' and traffic rule 'web' of chute 'two' both take lan tcp port 8080/);
});

test('two rules of one chute on the same port, and tcp+udp against tcp, clash (src/chute\'s rule, rechecked)', (t) => {
  const rules = [
    { name: 'r1', kind: 'redirect' as const, proto: 'tcp udp' as const, from: { network: 'lan' as const, address: '*', port: 9000 }, to: { iface: 'wan', port: 80 } },
    { name: 'r2', kind: 'redirect' as const, proto: 'tcp' as const, from: { network: 'lan' as const, address: '*', port: 9000 }, to: { iface: 'wan', port: 81 } },
  ];
  const [p] = withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(simple('dup', { traffic: rules })))), 'FIELD_INVALID');
  t.is(p!.message, "chute 'dup': traffic[1]: lan port 9000 is already forwarded by traffic[0]");
});

test('the same port from lan and from wan does not clash', (t) => {
  const rules = [
    { name: 'r1', kind: 'redirect' as const, proto: 'tcp' as const, from: { network: 'lan' as const, address: '*', port: 9000 }, to: { iface: 'wan', port: 80 } },
    { name: 'r2', kind: 'redirect' as const, proto: 'tcp' as const, from: { network: 'wan' as const, address: '*', port: 9000 }, to: { iface: 'wan', port: 80 } },
  ];
  t.notThrows(() => compile(defaultProfile(), inputs(simple('ok', { traffic: rules }))));
});

test('memory over-commit names the total, the limit and every chute', (t) => {
  const MiB = 1024 * 1024;
  const profile = { ...defaultProfile(), ramBytes: 256 * MiB, memoryPolicy: { reserveBytes: 128 * MiB, overcommit: 1 } };
  const ps = problemsOf(t, () => compile(profile, inputs(simple('m1', { memory: 100 * MiB, port: 7001 }), simple('m2', { memory: 50 * MiB, port: 7002 }))));
  const [p] = withCode(t, ps, 'MEMORY_OVERCOMMIT');
  t.regex(p!.message, /157286400 bytes \(150 MiB\)/);
  t.regex(p!.message, /134217728 bytes \(128 MiB\)/);
  t.regex(p!.message, /'m1' 104857600 bytes/);
  t.regex(p!.message, /'m2' 52428800 bytes/);
  // overcommit 1.5 lets the same chutes in
  t.notThrows(() => compile({ ...profile, memoryPolicy: { reserveBytes: 128 * MiB, overcommit: 1.5 } },
    inputs(simple('m1', { memory: 100 * MiB, port: 7001 }), simple('m2', { memory: 50 * MiB, port: 7002 }))));
});

test('unknown and full radios', (t) => {
  const named = simple('r1', { port: 7001 });
  named.struct.net[1] = { ...named.struct.net[1]!, radio: 'radio9' };
  withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(named))), 'RADIO_UNKNOWN');
  const profile = { ...defaultProfile(), radios: [{ name: 'radio0', band: '2g' as const, maxAps: 1 }] };
  const ps = withCode(t, problemsOf(t, () => compile(profile, inputs(simple('f1', { port: 7001 }), simple('f2', { port: 7002 })))), 'FIELD_INVALID');
  t.regex(ps[0]!.message, /chute 'f2' interface 'wifi': no radio has room/);
});

test('every conflict of one compile is reported at once', (t) => {
  const ps = problemsOf(t, () => compile(defaultProfile(), inputs(
    simple('a1', { ssid: 'S', port: 22, net: undefined }),
    simple('b1', { ssid: 'S', port: 22 }),
    { ...seccam(), name: 'c1' }, seccam(),
  )));
  const codes = new Set(ps.map((p) => p.code));
  for (const code of ['SSID_DUPLICATE', 'PORT_IN_USE', 'SUBNET_OVERLAP']) t.true(codes.has(code as never), code);
});

test('a chute given twice is an error', (t) => {
  withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(seccam(), seccam()))), 'CHUTE_DUPLICATE');
});
