// runtime: programs, args (string or list), the @net.runtime.dhcpserver macro; one case per rule.
import test from 'ava';
import { parseChute } from '../../src/chute/parse.js';
import { type Case, edited, messagesOf } from './helpers.js';

test('runtime: normalized field by field', (t) => {
  const runtime = parseChute(edited((c) => {
    c.runtime[0] = { name: 'webhosting', program: 'uhttpd', args: '-p 80 -i .php=/usr/bin/php-cgi -h /srv/www' };
    c.runtime.push({ name: 'list', program: '/usr/bin/env', args: ['a b', '', '$HOME'] });
    c.runtime.push({ name: 'bare', program: 'true' });
  })).runtime;
  t.deepEqual(runtime, [
    { kind: 'program', name: 'webhosting', program: 'uhttpd', args: ['-p', '80', '-i', '.php=/usr/bin/php-cgi', '-h', '/srv/www'] },
    { kind: 'dhcpserver', name: 'DHCP Server' },
    { kind: 'program', name: 'list', program: '/usr/bin/env', args: ['a b', '', '$HOME'] },
    { kind: 'program', name: 'bare', program: 'true', args: [] },
  ]);
});

test('runtime: a DHCP server for named wifi interfaces', (t) => {
  const runtime = parseChute(edited((c) => { c.runtime[1].interfaces = ['wifi']; })).runtime;
  t.deepEqual(runtime[1], { kind: 'dhcpserver', name: 'DHCP Server', interfaces: ['wifi'] });
});

const noWifi = (c: any): void => { // eslint-disable-line @typescript-eslint/no-explicit-any
  delete c.struct.net.wifi;
  delete c.resource.wifi;
  c.traffic = [];
};

const r0 = 'runtime[0]';
const r1 = 'runtime[1]';
const cases: Case[] = [
  { title: 'args that do not split', edit: (c) => { c.runtime[0].args = "-h '/srv/www"; }, messages: [`${r0}.args: "-h '/srv/www" cannot be split into words: the single quote at character 4 is never closed`] },
  { title: 'args with a lone backslash', edit: (c) => { c.runtime[0].args = 'a \\'; }, messages: [`${r0}.args: "a \\\\" cannot be split into words: it ends with a lone backslash`] },
  { title: 'args with NUL', edit: (c) => { c.runtime[0].args = 'a\u0000b'; }, messages: [`${r0}.args: "a\\u0000b" contains a NUL character`] },
  { title: 'args a number', edit: (c) => { c.runtime[0].args = 80; }, messages: [`${r0}.args: must be a string (split like a shell, without expansion) or a list of strings, not a number (80)`] },
  { title: 'args list with a number', edit: (c) => { c.runtime[0].args = ['-p', 80]; }, messages: [`${r0}.args[1]: must be a string, not a number (80)`] },
  { title: 'args list with NUL', edit: (c) => { c.runtime[0].args = ['a\u0000']; }, messages: [`${r0}.args[0]: "a\\u0000" contains a NUL character`] },
  { title: 'args misspelt', edit: (c) => { c.runtime[0].arg = c.runtime[0].args; delete c.runtime[0].args; }, messages: [`${r0}: unknown field "arg" (did you mean "args"?)`] },
  { title: 'program empty', edit: (c) => { c.runtime[0].program = ''; }, messages: [`${r0}.program: must not be empty`] },
  { title: 'program blank', edit: (c) => { c.runtime[0].program = '  '; }, messages: [`${r0}.program: must not be blank`] },
  { title: 'program with NUL', edit: (c) => { c.runtime[0].program = 'no\u0000de'; }, messages: [`${r0}.program: "no\\u0000de" contains a NUL character`] },
  { title: 'program with a newline', edit: (c) => { c.runtime[0].program = 'node\nrm'; }, messages: [`${r0}.program: "node\\nrm" contains a control character`] },
  { title: 'program missing', edit: (c) => { delete c.runtime[0].program; }, messages: [`${r0}: missing field "program" (expected a program to run, or @net.runtime.dhcpserver)`] },
  { title: 'program a list', edit: (c) => { c.runtime[0].program = ['node']; }, messages: [`${r0}.program: must be a string, not a list`] },
  { title: 'name missing', edit: (c) => { delete c.runtime[0].name; }, messages: [`${r0}: missing field "name" (expected a string)`] },
  { title: 'name empty', edit: (c) => { c.runtime[0].name = ''; }, messages: [`${r0}.name: must not be empty`] },
  { title: 'name twice', edit: (c) => { c.runtime[1].name = 'web'; }, messages: [`${r1}.name: "web" is already the name of runtime[0]`] },
  { title: 'retired daemonize macro', edit: (c) => { c.runtime[0].program = '@runtime.daemonize(web, node /root/a.js)'; }, messages: [`${r0}.program: unknown macro "@runtime.daemonize": not supported, give the program and its args in a runtime entry instead; known here: @net.runtime.dhcpserver`] },
  { title: 'dhcpserver misspelt', edit: (c) => { c.runtime[1].program = '@net.runtime.dhcpserv'; }, messages: [`${r1}.program: unknown macro "@net.runtime.dhcpserv" (did you mean "@net.runtime.dhcpserver"?); known here: @net.runtime.dhcpserver`] },
  { title: 'dhcpserver with arguments', edit: (c) => { c.runtime[1].program = '@net.runtime.dhcpserver(eth1)'; }, messages: [`${r1}.program: @net.runtime.dhcpserver takes no arguments (list the interfaces in "interfaces" instead)`] },
  { title: 'dhcpserver with args', edit: (c) => { c.runtime[1].args = '-i eth1'; }, messages: [`${r1}.args: @net.runtime.dhcpserver takes no args`] },
  { title: 'dhcpserver without wifi', edit: noWifi, messages: [`${r1}.program: @net.runtime.dhcpserver serves the chute's Wi-Fi subnets, but struct.net has no wifi interface`] },
  { title: 'dhcpserver on wan', edit: (c) => { c.runtime[1].interfaces = ['wan']; }, messages: [`${r1}.interfaces[0]: "wan" is not a wifi interface (a DHCP server on a wan interface would answer the gateway's network)`] },
  { title: 'dhcpserver on no interface', edit: (c) => { c.runtime[1].interfaces = ['nope']; }, messages: [`${r1}.interfaces[0]: "nope" is not an interface of struct.net (wifi interfaces: wifi)`] },
  { title: 'dhcpserver on an empty list', edit: (c) => { c.runtime[1].interfaces = []; }, messages: [`${r1}.interfaces: lists no interface (leave "interfaces" out to serve every wifi interface)`] },
  { title: 'two dhcpservers', edit: (c) => { c.runtime.push({ name: 'dhcp2', program: '@net.runtime.dhcpserver' }); }, messages: ['runtime[2].program: a chute runs one DHCP server; runtime[1] already is one'] },
  { title: 'interfaces on a program', edit: (c) => { c.runtime[0].interfaces = ['wifi']; }, messages: [`${r0}.interfaces: only a @net.runtime.dhcpserver entry takes "interfaces"`] },
  { title: 'runtime an object', edit: (c) => { c.runtime = c.runtime[0]; }, messages: ['runtime: must be a list of programs, not an object'] },
];

for (const c of cases) {
  test(`runtime: ${c.title}`, (t) => {
    t.deepEqual(messagesOf(edited(c.edit)), c.messages);
  });
}
