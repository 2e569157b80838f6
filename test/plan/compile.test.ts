import test from 'ava';
import type { UciSectionSpec } from '../../src/uci/model.js';
import { compile } from '../../src/plan/compile.js';
import { lintDesiredState } from '../../src/plan/lint.js';
import { isSectionOfSlot } from '../../src/plan/names.js';
import { defaultProfile } from '../../src/plan/profile.js';
import type { DesiredState, UciPackageName } from '../../src/plan/types.js';
import { inputs, profileV1, seccam, simple } from './fixtures.js';
import { permutations, problemsOf, withCode } from './helpers.js';

const PACKAGES: UciPackageName[] = ['network', 'wireless', 'dhcp', 'firewall'];

test('seccam compiles to the sections the network model asks for', (t) => {
  const s = compile(defaultProfile(), inputs(seccam()));
  const [c] = s.chutes;
  t.is(c!.container, 'pd-seccam');
  t.is(c!.dir, '/var/lib/paradrop/chutes/seccam');
  t.is(c!.diskKiB, 12345);
  const [wan, wifi] = c!.interfaces;
  t.like(wan, { chuteAddress: '10.100.12.1', gatewayAddress: '10.100.12.2', subnet: '10.100.12.0/24', prefixLength: 24 });
  t.like(wifi, { chuteAddress: '10.100.13.1', gatewayAddress: '10.100.13.2', ssid: 'SecCam', radio: 'radio0' });
  t.regex(wan!.mac, /^02:70:64:[0-9a-f]{2}:[0-9a-f]{2}:00$/);
  t.deepEqual(s.uci.network.map((x) => x.type), ['device', 'interface', 'device', 'interface']);
  t.deepEqual(s.uci.wireless.map((x) => x.type), ['wifi-iface']);
  t.deepEqual(s.uci.dhcp.map((x) => x.type), ['dhcp', 'dhcp']);
  t.deepEqual(s.uci.firewall.map((x) => x.type), ['zone', 'forwarding', 'rule', 'zone', 'redirect', 'redirect']);
  const fwd = s.uci.firewall.find((x) => x.type === 'forwarding')!;
  t.deepEqual(fwd.options, [{ name: 'src', value: wan!.zone }, { name: 'dest', value: 'wan' }]);
  // redirect: DNAT from lan to the chute's wifi address
  const r = s.uci.firewall.find((x) => x.type === 'redirect')!;
  t.deepEqual(Object.fromEntries(r.options.map((o) => [o.name, o.value])), {
    name: 'seccam-Web', target: 'DNAT', src: 'lan', src_dport: '5000', proto: 'tcp', dest: wifi!.zone,
    dest_ip: '10.100.13.1', dest_port: '80', reflection: '0',
  });
  t.deepEqual(lintDesiredState(s, defaultProfile()), []);
  t.deepEqual(s.notes, []);
});

test('wan type: default route through the gateway; wifi type: none', (t) => {
  const { lxcConfig } = compile(defaultProfile(), inputs(seccam())).chutes[0]!;
  t.regex(lxcConfig, /^lxc\.net\.0\.ipv4\.gateway = 10\.100\.12\.2$/m);
  t.notRegex(lxcConfig, /^lxc\.net\.1\.ipv4\.gateway/m);
  t.regex(lxcConfig, /^lxc\.net\.1\.veth\.pair = vpd...1$/m);
});

test('cgroup v1 has no lxc.cgroup2 keys and v2 no lxc.cgroup. keys', (t) => {
  const v1 = compile(profileV1(), inputs(seccam(), simple('other'))).chutes;
  const v2 = compile(defaultProfile(), inputs(seccam(), simple('other'))).chutes;
  for (const c of v1) {
    t.notRegex(c.lxcConfig, /lxc\.cgroup2\./);
    t.regex(c.lxcConfig, /^lxc\.cgroup\.cpu\.shares = \d+$/m);
    t.regex(c.lxcConfig, /^lxc\.cgroup\.memory\.limit_in_bytes = \d+$/m);
  }
  for (const c of v2) {
    t.notRegex(c.lxcConfig, /lxc\.cgroup\./);
    t.regex(c.lxcConfig, /^lxc\.cgroup2\.cpu\.weight = \d+$/m);
    t.regex(c.lxcConfig, /^lxc\.cgroup2\.memory\.max = \d+$/m);
  }
});

test('a gateway without radio: no wifi-iface, radio null, and a note', (t) => {
  const s = compile({ ...defaultProfile(), radios: [] }, inputs(seccam()));
  t.deepEqual(s.uci.wireless, []);
  t.is(s.chutes[0]!.interfaces[1]!.radio, null);
  t.deepEqual(s.notes, ["SSID 'SecCam' of chute 'seccam' is not broadcast: the gateway has no radio"]);
  t.deepEqual(lintDesiredState(s, { ...defaultProfile(), radios: [] }), []);
});

test('a wifi interface nobody serves DHCP on gets a note', (t) => {
  const c = seccam();
  c.runtime = c.runtime.filter((r) => r.kind === 'program');
  const s = compile(defaultProfile(), inputs(c));
  t.true(s.notes.some((n) => /chute 'seccam' interface 'wifi': no @net.runtime.dhcpserver/.test(n)));
});

test('install order does not change the output', (t) => {
  const chutes = [seccam(), simple('envsense', { port: 6000 }), simple('alpha', { port: 6001 })];
  const expected = JSON.stringify(compile(defaultProfile(), inputs(...chutes)));
  for (const order of permutations(chutes)) t.is(JSON.stringify(compile(defaultProfile(), inputs(...order))), expected);
});

function withoutSlot(s: DesiredState, slot: string, name: string): DesiredState {
  const uci = Object.fromEntries(PACKAGES.map((p) => [p, s.uci[p].filter((x: UciSectionSpec) => !isSectionOfSlot(x.name, slot))])) as DesiredState['uci'];
  return { ...s, uci, chutes: s.chutes.filter((c) => c.name !== name), notes: s.notes.filter((n) => !n.includes(`'${name}'`)) };
}

test('removing a chute yields exactly the state without it', (t) => {
  const a = seccam(); const b = simple('envsense', { port: 6000 }); const c = simple('zeta', { port: 6002 });
  for (const profile of [defaultProfile(), profileV1(), { ...defaultProfile(), radios: [] }]) {
    const abc = compile(profile, inputs(a, b, c));
    for (const gone of [a, b, c]) {
      const slot = abc.chutes.find((x) => x.name === gone.name)!.slot;
      const rest = [a, b, c].filter((x) => x !== gone);
      t.deepEqual(withoutSlot(abc, slot, gone.name), compile(profile, inputs(...rest)), `${profile.name} without ${gone.name}`);
    }
  }
});

test('recorded slots and subnets are kept as given', (t) => {
  const s = compile(defaultProfile(), [{ chute: simple('rec'), slot: 'q7x', subnets: { wan: '10.128.200.0/24' } }]);
  const c = s.chutes[0]!;
  t.is(c.slot, 'q7x');
  t.is(c.interfaces[0]!.subnet, '10.128.200.0/24');
  t.is(c.interfaces[0]!.chuteAddress, '10.128.200.2');
  t.is(c.interfaces[0]!.uciInterface, 'pd_q7x0');
});

test('DEFAULT resources come from the profile; explicit ones are kept', (t) => {
  const profile = { ...defaultProfile(), defaults: { cpuShares: 256, memoryBytes: 32 << 20, diskKiB: 1000 } };
  const s = compile(profile, inputs(seccam(), simple('other')));
  const [other, sec] = s.chutes;
  t.like(sec!.limits, { cpuShares: 256, cpuWeight: 25, memoryBytes: 32 << 20 });
  t.like(other!.limits, { cpuShares: 512, memoryBytes: 32 << 20 });
  t.is(other!.diskKiB, 1000);
  t.is(sec!.diskKiB, 12345);
});

test('shaping: down on the gateway veth, up on the chute interface', (t) => {
  const c = compile(defaultProfile(), inputs(seccam())).chutes[0]!;
  t.deepEqual(c.shaping, [
    { iface: 'wan', down: { dev: c.interfaces[0]!.hostVeth, kbps: 25000 }, up: { dev: 'eth0', kbps: 10000 } },
    { iface: 'wifi', down: { dev: c.interfaces[1]!.hostVeth, kbps: 25000 }, up: { dev: 'eth1', kbps: 10000 } },
  ]);
});

test('programs: argv passes through, dhcpserver becomes dnsmasq on the wifi side', (t) => {
  const c = compile(defaultProfile(), inputs(seccam())).chutes[0]!;
  t.deepEqual(c.runtime[0], { name: 'webhosting', argv: ['uhttpd', '-p', '80', '-i', '.php=/usr/bin/php-cgi', '-h', '/srv/www'], origin: 'program' });
  const d = c.runtime[1]!;
  t.is(d.origin, 'dhcpserver');
  t.is(d.argv[0], 'dnsmasq');
  for (const arg of ['--keep-in-foreground', '--port=0', '--no-resolv', '--bind-interfaces', '--interface=eth1', '--dhcp-broadcast',
    '--dhcp-range=set:eth1,10.100.13.3,10.100.13.254,255.255.255.0,12h', '--dhcp-option=tag:eth1,option:router,10.100.13.1']) {
    t.true(d.argv.includes(arg), arg);
  }
  t.true(d.argv.some((a) => /^--dhcp-leasefile=\/tmp\//.test(a)));
  t.false(d.argv.some((a) => a.includes('eth0')));
});

test('a chute file inside a read-only system directory is an error', (t) => {
  const c = seccam();
  c.files = [{ ...c.files[0]!, path: '/usr/share/www' }];
  const [p] = withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(c))), 'FIELD_INVALID');
  t.regex(p!.message, /'\/usr\/share\/www'.*read-only/);
});

test('a redirect to an address that is not the chute\'s is an error', (t) => {
  const c = seccam();
  c.traffic = [{ ...c.traffic[0]!, to: { iface: 'wifi', address: '10.100.13.9', port: 80 } }];
  const [p] = withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(c))), 'FIELD_INVALID');
  t.regex(p!.message, /10\.100\.13\.9.*10\.100\.13\.1/);
});

test('a redirect with a gateway address gets src_dip; tcp+udp gets two list lines', (t) => {
  const c = simple('dip', { traffic: [{ name: 'both', kind: 'redirect', proto: 'tcp udp', from: { network: 'lan', address: '192.168.1.1', port: 7070 }, to: { iface: 'wan', port: 70 } }] });
  const r = compile(defaultProfile(), inputs(c)).uci.firewall.find((x) => x.type === 'redirect')!;
  t.deepEqual(r.options.find((o) => o.name === 'src_dip')?.value, '192.168.1.1');
  t.deepEqual(r.options.find((o) => o.name === 'proto')?.value, ['tcp', 'udp']);
});

test('chuteDns false: no DNS input rule', (t) => {
  const s = compile({ ...defaultProfile(), chuteDns: false }, inputs(seccam()));
  t.false(s.uci.firewall.some((x) => x.type === 'rule'));
});

test('an empty compile is empty', (t) => {
  t.deepEqual(compile(defaultProfile(), []), { profile: 'default', uci: { network: [], wireless: [], dhcp: [], firewall: [] }, chutes: [], notes: [] });
});

test('a chute without interfaces gets a loopback-only network namespace and no UCI', (t) => {
  const c = simple('lonely', { net: [], traffic: [] });
  c.runtime = c.runtime.filter((r) => r.kind === 'program');
  c.resource.net = {};
  const s = compile(defaultProfile(), inputs(c));
  t.deepEqual(s.uci, { network: [], wireless: [], dhcp: [], firewall: [] });
  t.regex(s.chutes[0]!.lxcConfig, /^lxc\.net\.0\.type = empty$/m);
  t.is(s.chutes[0]!.lxcConfig.match(/^lxc\.net\./gm)!.length, 1);
});
