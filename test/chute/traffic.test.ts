// traffic: @net.traffic.redirect and its explicit JSON form; endpoints checked against struct.net.
import test from 'ava';
import { parseChute } from '../../src/chute/parse.js';
import { type Case, edited, messagesOf } from './helpers.js';

const WEB = { name: 'Web', kind: 'redirect', from: { network: 'lan', address: '*', port: 5000 }, to: { iface: 'wifi', address: '10.100.13.1', port: 80 }, proto: 'tcp' };

test('traffic: the 2014 rules are normalized field by field', (t) => {
  const traffic = parseChute(edited((c) => {
    c.traffic[0].description = 'Allows the chute to provide a webserver on WAN';
    c.traffic.push({ name: 'HostSSH', rule: '@net.traffic.redirect(@net.host.lan:*:5001, wifi:10.100.13.1:22)' });
  })).traffic;
  t.deepEqual(traffic, [
    { ...WEB, description: 'Allows the chute to provide a webserver on WAN' },
    { name: 'HostSSH', kind: 'redirect', from: { network: 'lan', address: '*', port: 5001 }, to: { iface: 'wifi', address: '10.100.13.1', port: 22 }, proto: 'tcp' },
  ]);
});

const ruleOf = (rule: Record<string, unknown>): unknown => parseChute(edited((c) => { c.traffic = [rule]; })).traffic[0];

test('traffic: the explicit form means the same', (t) => {
  t.deepEqual(ruleOf({ name: 'Web', type: 'redirect', from: 'lan', port: 5000, to: 'wifi', toPort: 80, proto: 'tcp' }), WEB);
  t.deepEqual(ruleOf({ name: 'Web', from: 'lan', port: 5000, to: 'wifi', toPort: 80 }), WEB);
  t.deepEqual(ruleOf({ name: 'Web', from: 'lan', fromAddress: '*', port: 5000, to: 'wifi', toAddress: '10.100.13.1', toPort: 80 }), WEB);
  t.deepEqual(ruleOf({ name: 'Web', from: 'lan', port: 80, to: 'wifi' }), { ...WEB, from: { ...WEB.from, port: 80 } });
});

test('traffic: sources, protocols and pool interfaces', (t) => {
  t.deepEqual(ruleOf({ name: 'w', rule: '@net.traffic.redirect( @net.host.wan : 192.168.1.1 : 8080 , wan:10.100.12.1:8080 )', proto: 'udp' }),
    { name: 'w', kind: 'redirect', from: { network: 'wan', address: '192.168.1.1', port: 8080 }, to: { iface: 'wan', address: '10.100.12.1', port: 8080 }, proto: 'udp' });
  t.is((ruleOf({ name: 'Web', from: 'lan', port: 5000, to: 'wifi', proto: 'TCPUDP' }) as { proto: string }).proto, 'tcp udp');
  const pool = parseChute(edited((c) => {
    delete c.struct.net.wifi.ipaddr;
    delete c.struct.net.wifi.netmask;
    c.traffic = [{ name: 'Web', from: 'lan', port: 5000, to: 'wifi', toPort: 80 }];
  })).traffic[0];
  t.deepEqual(pool?.to, { iface: 'wifi', port: 80 });
});

const t0 = 'traffic[0]';
const rule = (text: string) => (c: any): void => { c.traffic[0].rule = text; }; // eslint-disable-line @typescript-eslint/no-explicit-any
const R = '@net.traffic.redirect';
const SHAPE = '@net.traffic.redirect(@net.host.lan:*:PORT, IFACE:ADDRESS:PORT)';
const cases: Case[] = [
  { title: 'destination not an interface', edit: rule(`${R}(@net.host.lan:*:5000, wlan:10.100.13.1:80)`), messages: [`${t0}.rule: the destination "wlan" is not an interface of struct.net (did you mean "wan"?) (interfaces: wan, wifi)`] },
  { title: 'destination not the chute\'s address', edit: rule(`${R}(@net.host.lan:*:5000, wifi:10.100.11.1:80)`), messages: [`${t0}.rule: the destination address "10.100.11.1" is not the chute's address on "wifi" (10.100.13.1)`] },
  { title: 'destination address on a pool interface', edit: (c) => { delete c.struct.net.wifi.ipaddr; delete c.struct.net.wifi.netmask; }, messages: [`${t0}.rule: the destination address "10.100.13.1" cannot be checked: "wifi" has no ipaddr in struct.net (write "*" for the chute's address from the pool)`] },
  { title: 'destination address "*"', edit: rule(`${R}(@net.host.lan:*:5000, wifi:*:80)`), messages: [] },
  { title: 'source port 0', edit: rule(`${R}(@net.host.lan:*:0, wifi:10.100.13.1:80)`), messages: [`${t0}.rule: the source port "0" is not a port number from 1 to 65535`] },
  { title: 'source port with a leading zero', edit: rule(`${R}(@net.host.lan:*:05000, wifi:10.100.13.1:080)`), messages: [`${t0}.rule: the source port "05000" has a leading zero (expected a port number from 1 to 65535, e.g. 5000)`, `${t0}.rule: the destination port "080" has a leading zero (expected a port number from 1 to 65535, e.g. 5000)`] },
  { title: 'destination port 65536', edit: rule(`${R}(@net.host.lan:*:5000, wifi:10.100.13.1:65536)`), messages: [`${t0}.rule: the destination port "65536" is not a port number from 1 to 65535`] },
  { title: 'port not a number', edit: rule(`${R}(@net.host.lan:*:80a, wifi:10.100.13.1:-1)`), messages: [`${t0}.rule: the source port "80a" is not a port number from 1 to 65535`, `${t0}.rule: the destination port "-1" is not a port number from 1 to 65535`] },
  { title: 'source address not IPv4', edit: rule(`${R}(@net.host.lan:300.1.1.1:5000, wifi:10.100.13.1:80)`), messages: [`${t0}.rule: the source address "300.1.1.1" is neither "*" nor an IPv4 address (300 is more than 255)`] },
  { title: 'source host unknown', edit: rule(`${R}(@net.host.guest:*:5000, wifi:10.100.13.1:80)`), messages: [`${t0}.rule: unknown macro "@net.host.guest"; known here: @net.host.lan, @net.host.wan`] },
  { title: 'source host not a macro', edit: rule(`${R}(lan:*:5000, wifi:10.100.13.1:80)`), messages: [`${t0}.rule: the source "lan:*:5000" must start with @net.host.lan or @net.host.wan`] },
  { title: 'one endpoint', edit: rule(`${R}(@net.host.lan:*:5000)`), messages: [`${t0}.rule: ${R} takes two endpoints (expected ${SHAPE})`] },
  { title: 'endpoint without address', edit: rule(`${R}(@net.host.lan:*:5000, wifi:80)`), messages: [`${t0}.rule: ${R} endpoint "wifi:80" is not HOST:ADDRESS:PORT (expected ${SHAPE})`] },
  { title: 'rule not a macro', edit: rule('redirect lan 5000 to wifi 80'), messages: [`${t0}.rule: "redirect lan 5000 to wifi 80" is not a traffic rule (expected ${SHAPE})`] },
  { title: 'rule macro unknown', edit: rule('@net.traffic.allow(@net.host.lan:*:5000)'), messages: [`${t0}.rule: unknown macro "@net.traffic.allow"; known here: @net.traffic.redirect(SRC, DST)`] },
  { title: 'rule macro without arguments', edit: rule(R), messages: [`${t0}.rule: "@net.traffic.redirect": @net.traffic.redirect needs arguments (expected @net.traffic.redirect(SRC, DST))`] },
  { title: 'rule and explicit fields', edit: (c) => { c.traffic[0].port = 5000; }, messages: [`${t0}.port: give either "rule" or the fields "type", "from", "fromAddress", "port", "to", "toAddress", "toPort", not both`] },
  { title: 'neither rule nor fields', edit: (c) => { delete c.traffic[0].rule; }, messages: [`${t0}: missing field "rule" (expected ${SHAPE}, or the fields "from", "port", "to")`] },
  { title: 'rule misspelt', edit: (c) => { c.traffic[0].rlue = c.traffic[0].rule; delete c.traffic[0].rule; }, messages: [`${t0}: unknown field "rlue" (did you mean "rule"?)`] },
  { title: 'explicit: port too large', edit: (c) => { c.traffic = [{ name: 'w', from: 'lan', port: 70000, to: 'wifi' }]; }, messages: [`${t0}.port: 70000 is too large (expected at most 65535)`] },
  { title: 'explicit: port a string', edit: (c) => { c.traffic = [{ name: 'w', from: 'lan', port: '80', to: 'wifi' }]; }, messages: [`${t0}.port: must be a port number from 1 to 65535, not a string ("80")`] },
  { title: 'explicit: unknown network', edit: (c) => { c.traffic = [{ name: 'w', from: 'guest', port: 80, to: 'wifi' }]; }, messages: [`${t0}.from: "guest" is not a gateway network (expected "lan" or "wan")`] },
  { title: 'explicit: unknown type', edit: (c) => { c.traffic = [{ name: 'w', type: 'dnat', from: 'lan', port: 80, to: 'wifi' }]; }, messages: [`${t0}.type: "dnat" is not a rule type (expected "redirect")`] },
  { title: 'explicit: missing port and to', edit: (c) => { c.traffic = [{ name: 'w', from: 'lan' }]; }, messages: [`${t0}: missing field "port" (expected the gateway-side port)`, `${t0}: missing field "to" (expected an interface of struct.net)`] },
  { title: 'explicit: wrong toAddress', edit: (c) => { c.traffic = [{ name: 'w', from: 'lan', port: 80, to: 'wifi', toAddress: '10.100.13.2' }]; }, messages: [`${t0}.to: the destination address "10.100.13.2" is not the chute's address on "wifi" (10.100.13.1)`] },
  { title: 'proto unknown', edit: (c) => { c.traffic[0].proto = 'icmp'; }, messages: [`${t0}.proto: "icmp" is not a protocol (expected "tcp", "udp" or "tcp udp")`] },
  { title: 'proto an inherited name', edit: (c) => { c.traffic[0].proto = 'constructor'; }, messages: [`${t0}.proto: "constructor" is not a protocol (expected "tcp", "udp" or "tcp udp")`] },
  { title: 'name twice', edit: (c) => { c.traffic.push({ ...c.traffic[0], rule: `${R}(@net.host.lan:*:5001, wifi:10.100.13.1:22)` }); }, messages: ['traffic[1].name: "Web" is already the name of traffic[0]'] },
  { title: 'same gateway port twice', edit: (c) => { c.traffic.push({ name: 'ssh', rule: `${R}(@net.host.lan:*:5000, wifi:10.100.13.1:22)` }); }, messages: ['traffic[1]: lan port 5000 is already forwarded by traffic[0]'] },
  { title: 'same port, other protocol', edit: (c) => { c.traffic.push({ name: 'dns', proto: 'udp', rule: `${R}(@net.host.lan:*:5000, wifi:10.100.13.1:53)` }); }, messages: [] },
  { title: 'same port on the other network', edit: (c) => { c.traffic.push({ name: 'w2', rule: `${R}(@net.host.wan:*:5000, wifi:10.100.13.1:80)` }); }, messages: [] },
  { title: 'traffic null', edit: (c) => { c.traffic = null; }, messages: ['traffic: must be a list of traffic rules, not null'] },
];

for (const c of cases) {
  test(`traffic: ${c.title}`, (t) => {
    t.deepEqual(messagesOf(edited(c.edit)), c.messages);
  });
}
