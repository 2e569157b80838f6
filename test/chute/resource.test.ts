// resource: CPU shares, memory limit, per-interface kbps; DEFAULT macros; one case per rule.
import test from 'ava';
import { parseChute } from '../../src/chute/parse.js';
import { type Case, edited, messagesOf } from './helpers.js';

test('resource: normalized field by field', (t) => {
  t.deepEqual(parseChute(edited(() => {})).resource, {
    cpu: { kind: 'value', value: 1024 },
    memory: { kind: 'value', value: 64 * 1024 * 1024 },
    net: { wan: { downKbps: 25000, upKbps: 10000 }, wifi: { downKbps: 25000, upKbps: 10000 } },
  });
});

test('resource: DEFAULT macros stay symbolic; an absent resource is all defaults', (t) => {
  const r = parseChute(edited((c) => { c.resource = { cpu: '@resource.cpu.DEFAULT', memory: '@resource.memory.DEFAULT', wan: { down: 1 } }; })).resource;
  t.deepEqual(r, { cpu: { kind: 'default' }, memory: { kind: 'default' }, net: { wan: { downKbps: 1 } } });
  t.deepEqual(parseChute(edited((c) => { delete c.resource; })).resource, { cpu: { kind: 'default' }, memory: { kind: 'default' }, net: {} });
});

const memoryOf = (memory: unknown): unknown => parseChute(edited((c) => { c.resource.memory = memory; })).resource.memory;

test('resource: memory sizes', (t) => {
  t.deepEqual(memoryOf(53687091), { kind: 'value', value: 53687091 });
  t.deepEqual(memoryOf('4M'), { kind: 'value', value: 4194304 });
  t.deepEqual(memoryOf('64MB'), { kind: 'value', value: 67108864 });
  t.deepEqual(memoryOf('64 MiB'), { kind: 'value', value: 67108864 });
  t.deepEqual(memoryOf('1.5G'), { kind: 'value', value: 1610612736 });
  t.deepEqual(memoryOf('65536k'), { kind: 'value', value: 67108864 });
});

const cases: Case[] = [
  { title: 'cpu below 2', edit: (c) => { c.resource.cpu = 1; }, messages: ['resource.cpu: must be a whole number of CPU shares from 2 to 262144 (got 1)'] },
  { title: 'cpu 2', edit: (c) => { c.resource.cpu = 2; }, messages: [] },
  { title: 'cpu 262144', edit: (c) => { c.resource.cpu = 262144; }, messages: [] },
  { title: 'cpu above 262144', edit: (c) => { c.resource.cpu = 262145; }, messages: ['resource.cpu: 262145 is too large (expected at most 262144)'] },
  { title: 'cpu fractional', edit: (c) => { c.resource.cpu = 100.5; }, messages: ['resource.cpu: must be a whole number of CPU shares from 2 to 262144 (got 100.5, not a whole number)'] },
  { title: 'cpu NaN', edit: (c) => { c.resource.cpu = NaN; }, messages: ['resource.cpu: must be a whole number of CPU shares from 2 to 262144 (got NaN)'] },
  { title: 'cpu -Infinity', edit: (c) => { c.resource.cpu = -Infinity; }, messages: ['resource.cpu: must be a whole number of CPU shares from 2 to 262144 (got -Infinity)'] },
  { title: 'cpu a numeric string', edit: (c) => { c.resource.cpu = '1024'; }, messages: ['resource.cpu: must be a number of CPU shares or @resource.cpu.DEFAULT, not a string ("1024")'] },
  { title: 'cpu a list', edit: (c) => { c.resource.cpu = [1024]; }, messages: ['resource.cpu: must be a whole number of CPU shares from 2 to 262144, not a list'] },
  { title: 'cpu macro in lower case', edit: (c) => { c.resource.cpu = '@resource.cpu.default'; }, messages: ['resource.cpu: unknown macro "@resource.cpu.default" (did you mean "@resource.cpu.DEFAULT"?); known here: @resource.cpu.DEFAULT'] },
  { title: 'cpu with the memory macro', edit: (c) => { c.resource.cpu = '@resource.memory.DEFAULT'; }, messages: ['resource.cpu: macro "@resource.memory.DEFAULT" belongs in resource.memory, not here'] },
  { title: 'memory below 4 MiB', edit: (c) => { c.resource.memory = 1048576; }, messages: ['resource.memory: 1048576 (1M) is too little: a chute needs at least 4M to start its init and program; below that it is OOM-killed while booting'] },
  { title: 'memory one byte below 4 MiB', edit: (c) => { c.resource.memory = 4194303; }, messages: ['resource.memory: 4194303 (4194303 bytes) is too little: a chute needs at least 4M to start its init and program; below that it is OOM-killed while booting'] },
  { title: 'memory string below 4 MiB', edit: (c) => { c.resource.memory = '512K'; }, messages: ['resource.memory: "512K" (512K) is too little: a chute needs at least 4M to start its init and program; below that it is OOM-killed while booting'] },
  { title: 'memory negative', edit: (c) => { c.resource.memory = -1; }, messages: ['resource.memory: must be a whole number of bytes (got -1)'] },
  { title: 'memory huge number', edit: (c) => { c.resource.memory = 2 ** 41; }, messages: ['resource.memory: 2199023255552 is too large (expected at most 1099511627776)'] },
  { title: 'memory huge string', edit: (c) => { c.resource.memory = '2T'; }, messages: ['resource.memory: "2T" is too large (expected at most 1T)'] },
  { title: 'memory absurd string', edit: (c) => { c.resource.memory = `${'9'.repeat(400)}T`; }, messages: [`resource.memory: "${'9'.repeat(70)}… is not a memory size: it is too large`] },
  { title: 'memory fractional bytes', edit: (c) => { c.resource.memory = '0.1K'; }, messages: ['resource.memory: "0.1K" is not a memory size: it is not a whole number of bytes'] },
  { title: 'memory without a unit', edit: (c) => { c.resource.memory = '67108864'; }, messages: ['resource.memory: "67108864" is not a memory size: expected a size such as "512K", "64M" or "1G" (binary units)'] },
  { title: 'memory macro unknown', edit: (c) => { c.resource.memory = '@resource.memory.MAX'; }, messages: ['resource.memory: unknown macro "@resource.memory.MAX"; known here: @resource.memory.DEFAULT'] },
  { title: 'down negative', edit: (c) => { c.resource.wan.down = -5; }, messages: ['resource.wan.down: must be a positive number of kbps (got -5)'] },
  { title: 'up zero', edit: (c) => { c.resource.wifi.up = 0; }, messages: ['resource.wifi.up: must be a positive number of kbps (got 0)'] },
  { title: 'down a string', edit: (c) => { c.resource.wan.down = '25000'; }, messages: ['resource.wan.down: must be a positive number of kbps, not a string ("25000")'] },
  { title: 'down too fast', edit: (c) => { c.resource.wan.down = 1e8; }, messages: ['resource.wan.down: 100000000 is too large (expected at most 10000000)'] },
  { title: 'down the 2014 MAX macro', edit: (c) => { c.resource.wan.down = '@resource.net.wan.down.MAX'; }, messages: ['resource.wan.down: unknown macro "@resource.net.wan.down.MAX": not supported, give a number of kbps; no macro is accepted here'] },
  { title: 'bandwidth field misspelt', edit: (c) => { c.resource.wan = { dwon: 5 }; }, messages: ['resource.wan: unknown field "dwon" (did you mean "down"?)'] },
  { title: 'bandwidth not an object', edit: (c) => { c.resource.wan = 5; }, messages: ['resource.wan: must be an object {"down": kbps, "up": kbps}, not a number (5)'] },
  { title: 'a key that is no interface', edit: (c) => { c.resource.lan = { down: 5 }; }, messages: ['resource: "lan" is neither cpu, memory nor an interface of struct.net (did you mean "wan"?) (interfaces: wan, wifi)'] },
  { title: 'disk in resource', edit: (c) => { c.resource.disk = 5; }, messages: ['resource: "disk" is neither cpu, memory nor an interface of struct.net (interfaces: wan, wifi)'] },
  { title: 'resource a list', edit: (c) => { c.resource = []; }, messages: ['resource: must be an object, not a list'] },
];

for (const c of cases) {
  test(`resource: ${c.title}`, (t) => {
    t.deepEqual(messagesOf(edited(c.edit)), c.messages);
  });
}
