// The whole chute: top-level fields, every problem at once in a stable order, hostile input.
import test from 'ava';
import { parseChute, parseChuteWithNotes } from '../../src/chute/parse.js';
import { parseLenientJson } from '../../src/chute/lenient-json.js';
import { ValidationError } from '../../src/errors.js';
import { type Case, baseChute, edited, messagesOf, problemsOf } from './helpers.js';

test('parse: top-level fields are normalized', (t) => {
  const chute = parseChute(edited((c) => { c.description = 'Camera'; c.owner = 'ParaDrop Labs'; }));
  t.is(chute.name, 'seccam');
  t.is(chute.version, '1.0');
  t.is(chute.description, 'Camera');
  t.is(chute.owner, 'ParaDrop Labs');
});

test('parse: defaults and notes', (t) => {
  const { chute, notes } = parseChuteWithNotes({ name: 'bare', struct: {} });
  t.deepEqual(chute, {
    name: 'bare', version: '0.0.0', description: '', owner: '',
    struct: { net: [] }, files: [], resource: { cpu: { kind: 'default' }, memory: { kind: 'default' }, net: {} }, runtime: [], traffic: [],
  });
  t.deepEqual(notes, ['no version given: using "0.0.0"']);
});

test('parse: the chapter\'s part names are accepted as keys', (t) => {
  const raw = baseChute();
  for (const part of ['struct', 'files', 'resource', 'runtime', 'traffic']) {
    raw[`Chute.${part}`] = raw[part];
    delete raw[part];
  }
  const { chute, notes } = parseChuteWithNotes(raw);
  t.deepEqual(chute, parseChute(baseChute()));
  t.deepEqual(notes, ['read "Chute.struct" as "struct"', 'read "Chute.files" as "files"', 'read "Chute.resource" as "resource"', 'read "Chute.runtime" as "runtime"', 'read "Chute.traffic" as "traffic"']);
});

const cases: Case[] = [
  { title: 'name with capitals', edit: (c) => { c.name = 'SecCam'; }, messages: ['name: "SecCam" is not a chute name (expected a lower-case letter, then up to 31 lower-case letters, digits or "-")'] },
  { title: 'name starting with a digit', edit: (c) => { c.name = '1cam'; }, messages: ['name: "1cam" is not a chute name (expected a lower-case letter, then up to 31 lower-case letters, digits or "-")'] },
  { title: 'name of 32', edit: (c) => { c.name = `a${'b'.repeat(31)}`; }, messages: [] },
  { title: 'name of 33', edit: (c) => { c.name = `a${'b'.repeat(32)}`; }, messages: [`name: "a${'b'.repeat(32)}" is not a chute name (expected a lower-case letter, then up to 31 lower-case letters, digits or "-")`] },
  { title: 'name a number', edit: (c) => { c.name = 5; }, messages: ['name: must be a string, not a number (5)'] },
  { title: 'name missing', edit: (c) => { delete c.name; }, messages: ['name: missing (expected a chute name such as "seccam")'] },
  { title: 'version a number', edit: (c) => { c.version = 1.1; }, messages: ['version: must be a string, not a number (1.1): write "1.1", a number loses zeros ("1.10" is 1.1)'] },
  { title: 'version with a space', edit: (c) => { c.version = '1 0'; }, messages: ['version: "1 0" is not a version (expected letters, digits and . + _ ~ -, such as "1.0.2")'] },
  { title: 'description a list', edit: (c) => { c.description = ['x']; }, messages: ['description: must be a string, not a list'] },
  { title: 'owner with a newline', edit: (c) => { c.owner = 'a\nb'; }, messages: ['owner: "a\\nb" contains a control character (newline, tab, NUL...)'] },
  { title: 'unknown top-level field', edit: (c) => { c.trafic = c.traffic; delete c.traffic; }, messages: ['chute: unknown field "trafic" (did you mean "traffic"?)'] },
  { title: 'struct missing', edit: (c) => { delete c.struct; c.resource = {}; c.runtime = []; c.traffic = []; }, messages: ['struct: missing (expected an object with "net" and optionally "disk"; in a directory: the file Chute.struct)'] },
  { title: 'a part under both spellings', edit: (c) => { c['Chute.files'] = c.files; }, messages: ['["Chute.files"]: the part "files" is given twice, as "files" and "Chute.files"'] },
];
for (const c of cases) {
  test(`parse: ${c.title}`, (t) => {
    t.deepEqual(messagesOf(edited(c.edit)), c.messages);
  });
}

test('parse: a chute that is not an object', (t) => {
  for (const raw of [[], 'seccam', null, 42]) {
    t.is(problemsOf(raw).length, 1);
  }
  t.deepEqual(messagesOf([]), ['chute: must be an object holding name, version and the parts struct, files, resource, runtime, traffic, not a list']);
});

test('parse: five independent errors are reported at once, in part order', (t) => {
  const raw = edited((c) => {
    c.traffic[0].rule = '@net.traffic.redirect(@net.host.lan:*:0, wifi:10.100.13.1:80)';
    c.runtime[0].program = '';
    c.resource.wan.down = -5;
    c.files[0].shal = c.files[0].sha1;
    delete c.files[0].sha1;
    c.struct.net.wifi.netmask = '255.255.0.300';
  });
  const messages = messagesOf(raw);
  t.deepEqual(messages, [
    'struct.net.wifi.netmask: "255.255.0.300" is not a netmask (300 is more than 255)',
    'files[0]: unknown field "shal" (did you mean "sha1"?)',
    'resource.wan.down: must be a positive number of kbps (got -5)',
    'runtime[0].program: must not be empty',
    'traffic[0].rule: the source port "0" is not a port number from 1 to 65535',
  ]);
  // Stable: the same input gives the same list.
  t.deepEqual(messagesOf(raw), messages);
  const err = t.throws(() => parseChute(raw, { subject: 'seccam/' }), { instanceOf: ValidationError });
  t.is(err.code, 'VALIDATION_FAILED');
  t.true(err.message.startsWith('seccam/: 5 problems:\n  struct.net.wifi.netmask: '));
});

test('parse: wrong types everywhere', (t) => {
  const raw = { name: [], version: {}, description: 1, owner: true, struct: 5, files: {}, resource: [], runtime: 'x', traffic: null };
  t.deepEqual(messagesOf(raw), [
    'name: must be a string, not a list',
    'version: must be a string, not an object',
    'description: must be a string, not a number (1)',
    'owner: must be a string, not true',
    'struct: must be an object, not a number (5)',
    'files: must be a list of files, not an object',
    'resource: must be an object, not a list',
    'runtime: must be a list of programs, not a string ("x")',
    'traffic: must be a list of traffic rules, not null',
  ]);
});

test('parse: NaN and Infinity from JSON5 text are rejected where they land', (t) => {
  const { value } = parseLenientJson(`{
    name: 'x', struct: {disk: {size: Infinity}, net: {wan: {type: 'wan', intfName: 'eth0'}}},
    resource: {cpu: NaN, memory: -Infinity, wan: {down: NaN}},
  }`, 'chute.json');
  t.deepEqual(messagesOf(value), [
    'struct.disk.size: must be a positive number of KiB (got Infinity)',
    'resource.cpu: must be a whole number of CPU shares from 2 to 262144 (got NaN)',
    'resource.memory: must be a whole number of bytes (got -Infinity)',
    'resource.wan.down: must be a positive number of kbps (got NaN)',
  ]);
});

test('parse: prototype keys are plain unknown fields and pollute nothing', (t) => {
  const { value } = parseLenientJson(`{
    "__proto__": {"polluted": true},
    "name": "x",
    "struct": {"net": {"__proto__": {"type": "wan", "intfName": "eth0"}, "constructor": {"type": "wan", "intfName": "eth1"}}},
    "resource": {"constructor": {"down": 5}, "toString": 3, "hasOwnProperty": {}},
    "files": [{"__proto__": {}, "name": "f", "path": "/f", "location": "/f", "sha1": "${'0'.repeat(40)}"}],
    "traffic": [{"name": "t", "from": "lan", "port": 80, "to": "constructor", "toPort": 80, "proto": "__proto__"}],
  }`, 'chute.json');
  const messages = messagesOf(value);
  t.deepEqual(messages, [
    'chute: unknown field "__proto__" (expected one of: name, version, description, owner, struct, files, resource, runtime, traffic, Chute.struct, Chute.files, Chute.resource, Chute.runtime, Chute.traffic)',
    'struct.net.__proto__: "__proto__" is not an interface name (expected a lower-case letter, then up to 15 letters, digits or "_")',
    'files[0]: unknown field "__proto__" (expected one of: name, path, location, sha1, sha256, todo)',
    'resource: "toString" is neither cpu, memory nor an interface of struct.net (interfaces: __proto__, constructor)',
    'resource: "hasOwnProperty" is neither cpu, memory nor an interface of struct.net (interfaces: __proto__, constructor)',
    'traffic[0].proto: "__proto__" is not a protocol (expected "tcp", "udp" or "tcp udp")',
  ]);
  t.is(({} as Record<string, unknown>).polluted, undefined);
  t.is(Object.getPrototypeOf({}), Object.prototype);
  // An interface called "constructor" is odd but valid, and its resources are its own.
  const chute = parseChute({ name: 'x', struct: { net: { constructor: { type: 'wan', intfName: 'eth0' } } }, resource: { constructor: { down: 5 } } });
  t.deepEqual(chute.resource.net, { constructor: { downKbps: 5 } });
  t.true(Object.hasOwn(chute.resource.net, 'constructor'));
});

test('parse: huge values are cut short in messages', (t) => {
  const messages = messagesOf(edited((c) => { c.name = 'x'.repeat(100000); c.struct.net.wan.ipaddr = '1'.repeat(100000); }));
  t.is(messages.length, 2);
  for (const m of messages) t.true(m.length < 250, m.slice(0, 300));
  t.true(messages[0]!.includes('…'));
});

test('parse: many broken entries give one problem each', (t) => {
  const raw = edited((c) => { c.files = Array.from({ length: 200 }, () => 7); });
  const problems = problemsOf(raw);
  t.is(problems.length, 200);
  t.is(problems[199]!.message, 'files[199]: must be an object, not a number (7)');
});
