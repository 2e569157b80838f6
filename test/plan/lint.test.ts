// The OpenWrt rules checker: it must pass real compiles (many random ones included) and catch
// each mistake the fw4/netifd vectors show being dropped, warned about or failing.
import test from 'ava';
import type { Chute, NetInterface } from '../../src/chute/types.js';
import { compile } from '../../src/plan/compile.js';
import { lintDesiredState } from '../../src/plan/lint.js';
import { defaultProfile } from '../../src/plan/profile.js';
import type { DesiredState, GatewayProfile } from '../../src/plan/types.js';
import type { UciSectionSpec } from '../../src/uci/model.js';
import { inputs, profileV1, seccam, simple } from './fixtures.js';
import { prng } from './helpers.js';

const base = (): DesiredState => compile(defaultProfile(), inputs(seccam()));
const find = (s: DesiredState, pkg: keyof DesiredState['uci'], type: string): UciSectionSpec => s.uci[pkg].find((x) => x.type === type)!;
const setOpt = (sec: UciSectionSpec, name: string, value: string | string[] | undefined): void => {
  const i = sec.options.findIndex((o) => o.name === name);
  if (value === undefined) { if (i >= 0) sec.options.splice(i, 1); return; }
  if (i >= 0) sec.options[i] = { name, value }; else sec.options.push({ name, value });
};

const mutations: [string, (s: DesiredState) => void, RegExp][] = [
  ['unknown option (vector unknown_option_paradrop_mark)', (s) => setOpt(find(s, 'firewall', 'zone'), 'paradrop_chute', 'seccam'), /unknown option paradrop_chute/],
  ['space-joined list item (zone_networks_space_joined_list_item)', (s) => setOpt(find(s, 'firewall', 'zone'), 'network', ['pd_a pd_b']), /holds a space/],
  ['network as an option', (s) => setOpt(find(s, 'firewall', 'zone'), 'network', 'pd_x'), /must be written as list lines/],
  ['16-character device (zone_device_name_16_chars)', (s) => setOpt(find(s, 'network', 'device'), 'name', 'br-pd1w-chute-xy'), /not 1 to 15 characters/],
  ['bridge without bridge_empty (netifd_chute_bridge_without_bridge_empty)', (s) => setOpt(find(s, 'network', 'device'), 'bridge_empty', undefined), /bridge_empty/],
  ['interface on an undeclared device', (s) => setOpt(find(s, 'network', 'interface'), 'device', 'br-pd1w'), /not a bridge paradrop declares/],
  ['zone naming a missing network', (s) => setOpt(find(s, 'firewall', 'zone'), 'network', ['pd_nope0']), /not a chute interface/],
  ['zone name over 11 characters', (s) => setOpt(find(s, 'firewall', 'zone'), 'name', 'pdz_toolong1'), /zone name/],
  ['zone forward DENY (zone_invalid_value)', (s) => setOpt(find(s, 'firewall', 'zone'), 'forward', 'DENY'), /forward 'DENY'/],
  ['rule target ALLOW (rule_invalid_value)', (s) => setOpt(find(s, 'firewall', 'rule'), 'target', 'ALLOW'), /target 'ALLOW'/],
  ['rule from a missing zone (rule_missing_zone)', (s) => setOpt(find(s, 'firewall', 'rule'), 'src', 'pdz9e'), /zone that does not exist/],
  ['two src on a rule', (s) => setOpt(find(s, 'firewall', 'rule'), 'src', ['lan', 'wan']), /single option/],
  ['redirect without dest (redirect_no_dest_zone)', (s) => setOpt(find(s, 'firewall', 'redirect'), 'dest', undefined), /option dest is missing/],
  ['redirect dest_ip outside the zone', (s) => setOpt(find(s, 'firewall', 'redirect'), 'dest_ip', '10.1.1.1'), /not in the subnet/],
  ['redirect on the gateway ssh port', (s) => setOpt(find(s, 'firewall', 'redirect'), 'src_dport', '22'), /gateway's own tcp port 22/],
  ['forwarding into a chute zone', (s) => setOpt(find(s, 'firewall', 'forwarding'), 'dest', s.chutes[0]!.interfaces[1]!.zone), /forwarding into chute zone/],
  ['forwarding from a chute zone to lan', (s) => setOpt(find(s, 'firewall', 'forwarding'), 'dest', 'lan'), /forwards to 'lan', not to wan/],
  ['input rule to ssh', (s) => setOpt(find(s, 'firewall', 'rule'), 'dest_port', '22'), /chute isolation forbids/],
  ['empty value (uci drops it)', (s) => setOpt(find(s, 'wireless', 'wifi-iface'), 'key', ''), /is empty/],
  ['dhcp section missing dhcpv4', (s) => setOpt(find(s, 'dhcp', 'dhcp'), 'dhcpv4', undefined), /dhcpv4 is missing/],
  ['section name without pd_', (s) => { find(s, 'dhcp', 'dhcp').name = 'seccam_dhcp'; }, /not pd_/],
  ['wrong cgroup keys', (s) => { s.chutes[0]!.lxcConfig += 'lxc.cgroup.cpu.shares = 1024\n'; }, /wrong version/],
  ['chute interface in no zone (gateway_default_zones)', (s) => { s.uci.firewall = s.uci.firewall.filter((x) => !(x.type === 'zone' && x.name.endsWith('1_z'))); }, /in 0 firewall zones/],
  ['redirect from lan without src_dip (vector redirect_lan_tcp: DNAT to any address)', (s) => setOpt(find(s, 'firewall', 'redirect'), 'src_dip', undefined), /src_dip '' is not the gateway's own address on 'lan'/],
  ['redirect from lan with another src_dip', (s) => setOpt(find(s, 'firewall', 'redirect'), 'src_dip', '8.8.8.8'), /src_dip '8\.8\.8\.8' is not the gateway's own address/],
  ['capabilities by a deny-list', (s) => { s.chutes[0]!.lxcConfig = s.chutes[0]!.lxcConfig.replace(/^lxc\.cap\.keep = .*$/m, 'lxc.cap.drop = sys_admin'); }, /allow-list/],
  ['devices not denied by default', (s) => { s.chutes[0]!.lxcConfig = s.chutes[0]!.lxcConfig.replace(/^lxc\.cgroup2\.devices\.deny = a\n/m, ''); }, /deny devices/],
  ['an ifb name over 15 characters', (s) => { s.chutes[0]!.shaping[0]!.up!.ifb = 'ipd-much-too-long0'; }, /shaping device 'ipd-much-too-long0'/],
  ['wifi-iface on an unknown radio', (s) => setOpt(find(s, 'wireless', 'wifi-iface'), 'device', 'radio7'), /radio 'radio7'/],
];

for (const [name, mutate, expected] of mutations) {
  test(`lint catches: ${name}`, (t) => {
    const s = structuredClone(base());
    t.deepEqual(lintDesiredState(s, defaultProfile()), []);
    mutate(s);
    const findings = lintDesiredState(s, defaultProfile());
    t.true(findings.some((f) => expected.test(f)), findings.join('\n'));
  });
}

function randomChute(rand: () => number, i: number): Chute {
  const n = 1 + Math.floor(rand() * 3);
  const net: NetInterface[] = [];
  for (let k = 0; k < n; k++) {
    const wifi = rand() < 0.5;
    const iface: NetInterface = wifi
      ? { name: `w${k}`, type: 'wifi', intfName: `eth${k}`, ssid: `S${i}-${k}`, ...(rand() < 0.3 ? { encryption: 'none' } : { encryption: 'psk2', key: 'long-enough-key' }) }
      : { name: `e${k}`, type: 'wan', intfName: `eth${k}` };
    if (rand() < 0.3) { iface.ipaddr = `10.${100 + (i % 100)}.${(i >> 7) * 4 + k}.${1 + Math.floor(rand() * 200)}`; iface.netmask = '255.255.255.0'; }
    net.push(iface);
  }
  const c = simple(`r${i}-chute`, { net, traffic: [] });
  c.runtime = rand() < 0.5 ? [{ kind: 'program', name: 'p', program: '/bin/sh', args: ['-c', "echo 'hi'"] }] : c.runtime;
  if (!net.some((x) => x.type === 'wifi')) c.runtime = c.runtime.filter((r) => r.kind !== 'dhcpserver');
  c.resource.net = {};
  c.traffic = net.map((x, k) => ({ name: `t${k}`, kind: 'redirect' as const, proto: (['tcp', 'udp', 'tcp udp'] as const)[k % 3]!,
    from: { network: rand() < 0.7 ? 'lan' as const : 'wan' as const, address: '*', port: 10000 + i * 10 + k }, to: { iface: x.name, port: 80 } }));
  return c;
}

test('random multi-chute compiles pass lint (v1, v2, no radio)', (t) => {
  const rand = prng(20240601);
  const profiles: GatewayProfile[] = [
    { ...defaultProfile(), radios: [{ name: 'radio0', band: '5g', maxAps: 40 }, { name: 'radio1', band: '2g', maxAps: 40 }], ramBytes: 8 * 2 ** 30 },
    { ...profileV1(), radios: [], ramBytes: 8 * 2 ** 30 },
  ];
  let compiled = 0;
  for (let round = 0; round < 40; round++) {
    const count = 1 + Math.floor(rand() * 12);
    const chutes = Array.from({ length: count }, (_, i) => randomChute(rand, round * 20 + i));
    for (const profile of profiles) {
      const s = compile(profile, inputs(...chutes));
      t.deepEqual(lintDesiredState(s, profile), []);
      compiled++;
    }
  }
  t.is(compiled, 80);
});
