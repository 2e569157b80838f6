// Gateway-served DHCP of the Linux applier. The compiler marks every chute interface `ignore '1'`
// today (chutes serve DHCP themselves), so this is for a `dhcp` section without it, e.g. the LAN's
// later: one dnsmasq per served interface, its range from start/limit, idempotent start, restart
// on change, stop on ignore, recovery after a crash, and never a signal to a process that is not
// our dnsmasq. Real effects as root in namespaces this test creates (busybox udhcpc as client).
import test from 'ava';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createLinuxApplier } from '../../../src/platform/linux/index.js';
import { dhcpInstances, leaseRange } from '../../../src/platform/linux/dhcp.js';
import { fromUci } from '../../../src/platform/linux/from-uci.js';
import { Lab } from './lab.js';
import { vectorProfile } from './profiles.js';
import { configOf } from './vectors.js';

const NETWORK = `
config device 'pd_d0_br'
	option name 'br-pdd0'
	option type 'bridge'
	option bridge_empty '1'

config interface 'pd_d0'
	option device 'br-pdd0'
	option proto 'static'
	option ipaddr '10.100.40.1'
	option netmask '255.255.255.0'
`;
// As on OpenWrt, the firewall decides whether DHCP requests reach dnsmasq: a zone whose input is
// rejected needs a rule for udp 67-68 (vector rule_chute_dhcp_dns_input); without it the requests
// are rejected like any other input.
const FIREWALL = `
config zone 'pd_d0_z'
	option name 'pdzd0'
	list network 'pd_d0'
	option input 'REJECT'
	option output 'ACCEPT'
	option forward 'REJECT'

config rule 'pd_d0_dhcp'
	option name 'd0-dhcp'
	option src 'pdzd0'
	option proto 'udp'
	option dest_port '67-68'
	option target 'ACCEPT'
`;
const dhcp = (extra: string) => `
config dhcp 'pd_d0'
	option interface 'pd_d0'
	option start '10'
	option limit '20'
	option leasetime '2h'
${extra}`;

test('lease ranges are computed as OpenWrt does (network + start, limit long, below broadcast)', (t) => {
  const model = (start: string, limit: string) => fromUci(configOf(NETWORK, FIREWALL, dhcp(`\toption start '${start}'\n\toption limit '${limit}'`)), vectorProfile()).dhcp[0]!;
  t.deepEqual(leaseRange(model('10', '20')), { first: '10.100.40.10', last: '10.100.40.29', netmask: '255.255.255.0' });
  t.deepEqual(leaseRange(model('100', '500')), { first: '10.100.40.100', last: '10.100.40.254', netmask: '255.255.255.0' });
  t.is(leaseRange(model('300', '5')), undefined);
});

test('ignore, a missing interface or bad numbers mean no dnsmasq; the compiled chute sections serve nothing', (t) => {
  const ignored = fromUci(configOf(NETWORK, FIREWALL, dhcp("\toption ignore '1'")), vectorProfile());
  t.deepEqual(dhcpInstances(ignored, '/run/x'), []);
  const missing = fromUci(configOf('', '', dhcp('')), vectorProfile());
  t.deepEqual(dhcpInstances(missing, '/run/x'), []);
  t.true(missing.refusals.some((r) => r.includes("interface 'pd_d0'")));
  const bad = fromUci(configOf(NETWORK, FIREWALL, dhcp("\toption leasetime 'forever'")), vectorProfile());
  t.deepEqual(dhcpInstances(bad, '/run/x'), []);
  const served = fromUci(configOf(NETWORK, FIREWALL, dhcp('')), vectorProfile());
  const [inst] = dhcpInstances(served, '/run/x');
  t.like(inst, { interface: 'pd_d0', device: 'br-pdd0' });
  t.true(inst!.args.includes('--dhcp-range=10.100.40.10,10.100.40.29,255.255.255.0,2h'));
  t.true(inst!.args.includes('--port=0') && inst!.args.includes('--pid-file=/run/x/dnsmasq-pd_d0.pid'));
});

test('dnsmasq serves leases in range, is kept, restarted on change, restarted after a crash, stopped on ignore', async (t) => {
  const lab = new Lab();
  const runDir = `/tmp/pdl-${lab.id}-run`;
  try {
    const gw = await lab.ns('gw');
    const client = await lab.ns('client');
    const applier = createLinuxApplier({ runDir, netns: gw });
    const pidFile = `${runDir}/dnsmasq-pd_d0.pid`;
    const pid = () => Number(readFileSync(pidFile, 'utf8'));

    let report = await applier.reconcile(configOf(NETWORK, FIREWALL, dhcp('')), vectorProfile());
    t.true(report.changes.includes("start dnsmasq of 'pd_d0'"), report.changes.join('; '));
    await lab.veth(gw, 'vpdd0', client, 'eth0');
    await lab.ip(gw, 'link', 'set', 'vpdd0', 'master', 'br-pdd0');
    const { output: out } = await lab.try(client, 'timeout', ['15', 'busybox', 'udhcpc', '-i', 'eth0', '-n', '-q', '-t', '5', '-T', '1', '-s', '/bin/true']);
    const lease = /lease of (\S+) obtained from 10\.100\.40\.1, lease time 7200/.exec(out);
    t.truthy(lease, out);
    const n = Number(lease![1]!.split('.')[3]);
    t.true(n >= 10 && n <= 29, lease![1]);
    t.true(readFileSync(`${runDir}/dnsmasq-pd_d0.leases`, 'utf8').includes(lease![1]!));
    t.deepEqual((await applier.observe()).dhcp, [{ interface: 'pd_d0', pid: pid() }]);

    const first = pid();
    report = await applier.reconcile(configOf(NETWORK, FIREWALL, dhcp('')), vectorProfile());
    t.deepEqual(report.changes, []);
    t.is(pid(), first);

    report = await applier.reconcile(configOf(NETWORK, FIREWALL, dhcp("\toption limit '50'")), vectorProfile());
    t.deepEqual(report.changes, ["restart dnsmasq of 'pd_d0'"]);
    t.not(pid(), first);
    t.false(existsSync(`/proc/${first}`) && readFileSync(`/proc/${first}/cmdline`, 'utf8').includes(pidFile));

    // A crash: dnsmasq gone, its pid file left behind pointing at a process that is not ours.
    process.kill(pid(), 'SIGKILL');
    const other = await lab.sleeper(client);
    for (let i = 0; i < 50 && existsSync(`/proc/${pid()}/cmdline`) && readFileSync(`/proc/${pid()}/cmdline`, 'utf8').includes('dnsmasq'); i++) await new Promise((r) => setTimeout(r, 20));
    writeFileSync(pidFile, String(other));
    report = await applier.reconcile(configOf(NETWORK, FIREWALL, dhcp("\toption limit '50'")), vectorProfile());
    t.deepEqual(report.changes, ["start dnsmasq of 'pd_d0'"]);
    t.true(existsSync(`/proc/${other}`), 'the unrelated process was not signalled');
    t.true(readFileSync(`/proc/${pid()}/cmdline`, 'utf8').includes('dnsmasq'));

    const last = pid();
    report = await applier.reconcile(configOf(NETWORK, FIREWALL, dhcp("\toption ignore '1'")), vectorProfile());
    t.deepEqual(report.changes, ["stop dnsmasq of 'pd_d0'"]);
    t.false(existsSync(pidFile) || existsSync(`${runDir}/dnsmasq-pd_d0.leases`));
    t.false(existsSync(`/proc/${last}/cmdline`) && readFileSync(`/proc/${last}/cmdline`, 'utf8').includes(pidFile));
    t.deepEqual((await applier.observe()).dhcp, []);
  } finally {
    await lab.cleanup();
    rmSync(runDir, { recursive: true, force: true });
  }
});
