import test from 'ava';
import type { UciSectionSpec } from '../../src/uci/model.js';
import { compile } from '../../src/plan/compile.js';
import { lintDesiredState } from '../../src/plan/lint.js';
import { isSectionOfSlot } from '../../src/plan/names.js';
import { defaultProfile } from '../../src/plan/profile.js';
import type { DesiredState, GatewayProfile, UciPackageName } from '../../src/plan/types.js';
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
    name: 'seccam-Web', target: 'DNAT', src: 'lan', src_dip: '192.168.1.1', src_dport: '5000', proto: 'tcp', dest: wifi!.zone,
    dest_ip: '10.100.13.1', dest_port: '80', reflection: '0',
  });
  t.deepEqual(lintDesiredState(s, defaultProfile()), []);
  t.deepEqual(s.notes, []);
});

test('wan type: default route through the gateway; wifi type beside it: none', (t) => {
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

test('shaping, all on the gateway side: down on the host veth, up from its ingress through an ifb', (t) => {
  const c = compile(defaultProfile(), inputs(seccam())).chutes[0]!;
  t.is(c.slot, 'xf5');
  t.deepEqual(c.shaping, [
    { iface: 'wan', down: { dev: 'vpdxf50', kbps: 25000 }, up: { dev: 'vpdxf50', kbps: 10000, ifb: 'ipdxf50' } },
    { iface: 'wifi', down: { dev: 'vpdxf51', kbps: 25000 }, up: { dev: 'vpdxf51', kbps: 10000, ifb: 'ipdxf51' } },
  ]);
  t.deepEqual(c.interfaces.map((i) => i.hostVeth), ['vpdxf50', 'vpdxf51']);
});

test('an ifb name is a device name like the others: a clash with the gateway\'s is an error', (t) => {
  const profile = { ...defaultProfile(), wan: { ...defaultProfile().wan, device: 'ipdxf50' } };
  const [p] = withCode(t, problemsOf(t, () => compile(profile, inputs(seccam()))), 'DEVICE_NAME_INVALID');
  t.regex(p!.message, /the gateway's WAN and chute 'seccam' interface 'wan' both use the device name 'ipdxf50'/);
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

test('a redirect with the gateway\'s own address gets src_dip; tcp+udp gets two list lines', (t) => {
  const c = simple('dip', { traffic: [{ name: 'both', kind: 'redirect', proto: 'tcp udp', from: { network: 'lan', address: '192.168.1.1', port: 7070 }, to: { iface: 'wan', port: 70 } }] });
  const r = compile(defaultProfile(), inputs(c)).uci.firewall.find((x) => x.type === 'redirect')!;
  t.deepEqual(r.options.find((o) => o.name === 'src_dip')?.value, '192.168.1.1');
  t.deepEqual(r.options.find((o) => o.name === 'proto')?.value, ['tcp', 'udp']);
});

const redirectFrom = (network: 'lan' | 'wan', address: string) =>
  simple('dip', { traffic: [{ name: 'web', kind: 'redirect', proto: 'tcp', from: { network, address, port: 7070 }, to: { iface: 'wan', port: 70 } }] });
const srcDip = (profile: GatewayProfile, network: 'lan' | 'wan', address: string): unknown =>
  compile(profile, inputs(redirectFrom(network, address))).uci.firewall.find((x) => x.type === 'redirect')!
    .options.find((o) => o.name === 'src_dip')?.value;

test('src_dip: "*" is the gateway\'s own address: always from lan, from wan when the profile knows it', (t) => {
  // Without src_dip the DNAT matches LAN traffic to ANY address on that port (vector redirect_lan_tcp).
  const staticWan = { ...defaultProfile(), wan: { ...defaultProfile().wan, ipaddr: '203.0.113.2', netmask: '255.255.255.0' } };
  const table: [GatewayProfile, 'lan' | 'wan', string, string | undefined][] = [
    [defaultProfile(), 'lan', '*', '192.168.1.1'],
    [{ ...defaultProfile(), lan: { ...defaultProfile().lan, ipaddr: '192.168.8.1' } }, 'lan', '*', '192.168.8.1'],
    [defaultProfile(), 'wan', '*', undefined],
    [staticWan, 'wan', '*', '203.0.113.2'],
    [staticWan, 'wan', '203.0.113.2', '203.0.113.2'],
  ];
  for (const [profile, network, address, want] of table) t.is(srcDip(profile, network, address), want, `${network} ${address} ${profile.wan.ipaddr ?? 'dhcp'}`);
});

test('src_dip: any other gateway-side address is an error naming the rule, the value and the expectation', (t) => {
  const table: ['lan' | 'wan', string, string][] = [
    ['lan', '10.0.0.1', "traffic rule 'web' of chute 'dip': gateway-side address '10.0.0.1' is not the gateway's own address on lan (expected '*' or the gateway's own lan address 192.168.1.1)"],
    ['wan', '203.0.113.2', "traffic rule 'web' of chute 'dip': gateway-side address '203.0.113.2' is not the gateway's own address on wan (expected '*' (the gateway's wan address is not known: the profile's wan has no ipaddr))"],
  ];
  for (const [network, address, message] of table) {
    const [p] = withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(redirectFrom(network, address)))), 'FIELD_INVALID');
    t.is(p!.message, message);
    t.is(p!.value, address);
  }
});

test('lint refuses a redirect without the gateway\'s own address as src_dip', (t) => {
  const s = compile(defaultProfile(), inputs(seccam()));
  const r = s.uci.firewall.find((x) => x.type === 'redirect')!;
  r.options = r.options.filter((o) => o.name !== 'src_dip');
  t.true(lintDesiredState(s, defaultProfile()).some((f) => /src_dip '' is not the gateway's own address on 'lan' \(192\.168\.1\.1\)/.test(f)));
});

test('a chute claiming public address space is refused; the profile decides what is allowed', (t) => {
  const pub = simple('pub', { net: [{ name: 'wan', type: 'wan', intfName: 'eth0', ipaddr: '8.8.8.8', netmask: '255.255.255.0' }] });
  const [p] = withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(pub))), 'FIELD_INVALID');
  t.is(p!.path, 'pub:struct.net.wan.ipaddr');
  t.regex(p!.message, /8\.8\.8\.0\/24, which is not inside the gateway's chute subnets/);
  t.notThrows(() => compile({ ...defaultProfile(), chuteSubnets: ['8.8.8.0/24', '10.0.0.0/8'] }, inputs(pub)));
});

test('capabilities: an allow-list; net_admin only for a chute running a DHCP server', (t) => {
  const keep = (lxc: string): string => /^lxc\.cap\.keep = (.*)$/m.exec(lxc)?.[1] ?? '';
  const withDhcp = compile(defaultProfile(), inputs(seccam())).chutes[0]!.lxcConfig;
  t.notRegex(withDhcp, /lxc\.cap\.drop/);
  t.is(keep(withDhcp), 'audit_write chown dac_override fowner fsetid kill net_admin net_bind_service net_raw setfcap setgid setpcap setuid sys_chroot');
  t.regex(withDhcp, /# Capabilities kept, all others dropped; net_admin for dnsmasq's DHCP, scoped to the chute's own network namespace\.\nlxc\.cap\.keep/);
  const c = seccam();
  c.runtime = c.runtime.filter((r) => r.kind === 'program');
  const without = compile(defaultProfile(), inputs(c)).chutes[0]!.lxcConfig;
  t.is(keep(without), 'audit_write chown dac_override fowner fsetid kill net_bind_service net_raw setfcap setgid setpcap setuid sys_chroot');
  t.is(keep(compile({ ...defaultProfile(), capsKeep: [] }, inputs(c)).chutes[0]!.lxcConfig), 'none');
  for (const cap of ['sys_admin', 'bpf', 'perfmon', 'checkpoint_restore', 'dac_read_search', 'mknod']) t.false(keep(withDhcp).split(' ').includes(cap), cap);
});

test('devices: deny all, allow the harmless ones; v1 and v2 keys never mixed', (t) => {
  const allow = ['c 1:3 rwm', 'c 1:5 rwm', 'c 1:7 rwm', 'c 1:8 rwm', 'c 1:9 rwm', 'c 5:0 rwm', 'c 5:2 rwm', 'c 136:* rwm'];
  for (const [profile, prefix, other] of [[profileV1(), 'lxc.cgroup.devices', /^lxc\.cgroup2\./m], [defaultProfile(), 'lxc.cgroup2.devices', /^lxc\.cgroup\./m]] as const) {
    const lxc = compile(profile, inputs(seccam())).chutes[0]!.lxcConfig;
    const lines = lxc.split('\n').filter((l) => l.startsWith(`${prefix}.`));
    t.deepEqual(lines, [`${prefix}.deny = a`, ...allow.map((a) => `${prefix}.allow = ${a}`)]);
    t.notRegex(lxc, other);
  }
});

test('a chute with only wifi-type interfaces gets its default route on the first one', (t) => {
  const c = seccam();
  c.struct.net = c.struct.net.filter((n) => n.type === 'wifi');
  c.resource.net = { wifi: c.resource.net.wifi! };
  const { lxcConfig } = compile(defaultProfile(), inputs(c)).chutes[0]!;
  t.regex(lxcConfig, /^lxc\.net\.0\.ipv4\.gateway = 10\.100\.13\.2$/m);
  t.is(lxcConfig.match(/ipv4\.gateway/g)!.length, 1);
  // with a wan-type interface listed second, that one carries the route
  const d = seccam();
  d.struct.net = [d.struct.net[1]!, d.struct.net[0]!];
  const second = compile(defaultProfile(), inputs(d)).chutes[0]!.lxcConfig;
  t.regex(second, /^lxc\.net\.1\.ipv4\.gateway = 10\.100\.12\.2$/m);
  t.is(second.match(/ipv4\.gateway/g)!.length, 1);
});

test('files: a plain file whose path is a writable directory or ends with "/" lands inside it', (t) => {
  const c = seccam();
  const hash = c.files[0]!.hash;
  c.files.push(
    { name: 'root', path: '/root', location: { kind: 'store', path: 'seccam.py' }, hash, extract: false },
    { name: 'cfg', path: '/etc/app/', location: { kind: 'url', url: 'https://x.example/a/app.conf' }, hash, extract: false },
    { name: 'plain', path: '/root/other.py', location: { kind: 'file', path: '/opt/x.py' }, hash, extract: false },
  );
  const files = compile(defaultProfile(), inputs(c)).chutes[0]!.files;
  t.deepEqual(files.map((f) => [f.path, f.target]), [
    ['/srv/www', '/srv/www'], ['/root', '/root/seccam.py'], ['/etc/app/', '/etc/app/app.conf'], ['/root/other.py', '/root/other.py'],
  ]);
  // still ChuteFile values
  t.like(files[1], { name: 'root', location: { kind: 'store', path: 'seccam.py' }, extract: false });
});

test('files: two files landing on one target are an error naming both', (t) => {
  const c = seccam();
  const hash = c.files[0]!.hash;
  c.files = [
    { name: 'a', path: '/root', location: { kind: 'store', path: 'x/seccam.py' }, hash, extract: false },
    { name: 'b', path: '/root/seccam.py', location: { kind: 'store', path: 'y.py' }, hash, extract: false },
  ];
  const [p] = withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(c))), 'FIELD_INVALID');
  t.is(p!.message, "chute 'seccam': files 'a' and 'b' both go to '/root/seccam.py'");
});

test('an open SSID is allowed, with a note', (t) => {
  const c = seccam();
  c.struct.net[1] = { ...c.struct.net[1]!, encryption: 'none' };
  delete c.struct.net[1]!.key;
  const s = compile(defaultProfile(), inputs(c));
  t.deepEqual(s.notes, ["chute 'seccam' interface 'wifi': SSID 'SecCam' is open (encryption none): anyone in range can join it and reach the chute"]);
});

test('a Chute value breaking src/chute\'s rules is refused with its messages, whoever built it', (t) => {
  const c = seccam();
  c.struct.net[0] = { ...c.struct.net[0]!, netmask: '255.255.255.252' };
  c.struct.net.push(...Array.from({ length: 31 }, (_, i) => ({ name: `x${i}`, type: 'wan' as const, intfName: `x${i}` })));
  c.files[0] = { ...c.files[0]!, location: { kind: 'store', path: 'a/%2e%2e/b' } };
  c.resource.cpu = { kind: 'value', value: 1 };
  const ps = problemsOf(t, () => compile(defaultProfile(), inputs(c)));
  t.deepEqual(ps.map((p) => p.path), ['seccam:struct.net', 'seccam:struct.net.wan.netmask', 'seccam:files[0].location', 'seccam:resource.cpu']);
  t.regex(ps[1]!.message, /^chute 'seccam': struct\.net\.wan\.netmask: "255\.255\.255\.252" \(\/30\) leaves no room/);
  // and a chute given twice is still found when the first copy is broken
  const broken = { ...seccam(), resource: { ...seccam().resource, cpu: { kind: 'value' as const, value: 1 } } };
  withCode(t, problemsOf(t, () => compile(defaultProfile(), inputs(broken, broken))), 'CHUTE_DUPLICATE');
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
