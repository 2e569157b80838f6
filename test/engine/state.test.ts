// The state file's pure rules: reading refuses what paradrop did not write, overrides are applied
// before compiling, and an update keeps an override unless the new version changes that field.
// Also the CLI's pure parsing of set-resources flags and of the shared options.
import test from 'ava';
import type { Chute } from '../../src/chute/types.js';
import { ParadropError } from '../../src/errors.js';
import {
  type ChuteRecord, effectiveSpec, emptyState, mergeOverrides, overridesAfterUpdate, parseState, serializeState, withChute,
} from '../../src/engine/state.js';
import { parseResourceFlags } from '../../src/cli/set-resources.js';
import { parseArgs } from '../../src/cli/args.js';
import { engineExitCode } from '../../src/cli/output.js';

function spec(edit: (c: Chute) => void = () => undefined): Chute {
  const c: Chute = {
    name: 'cam', version: '1', description: '', owner: '',
    struct: { net: [{ name: 'wan', type: 'wan', intfName: 'eth0' }] }, files: [],
    resource: { cpu: { kind: 'default' }, memory: { kind: 'value', value: 64 << 20 }, net: { wan: { downKbps: 1000, upKbps: 500 } } },
    runtime: [], traffic: [],
  };
  edit(c);
  return c;
}

function record(s: Chute, o?: ChuteRecord['resourceOverrides']): ChuteRecord {
  return { spec: s, slot: 'abc', subnets: {}, desired: 'running', installedAt: 't', updatedAt: 't', ...(o ? { resourceOverrides: o } : {}) };
}

test('overrides are applied to the spec that gets compiled, per field and per direction', (t) => {
  const e = effectiveSpec(record(spec(), { cpuShares: 256, net: { wan: { downKbps: 5000 } } }));
  t.deepEqual(e.resource.cpu, { kind: 'value', value: 256 });
  t.deepEqual(e.resource.memory, { kind: 'value', value: 64 << 20 });
  t.deepEqual(e.resource.net.wan, { downKbps: 5000, upKbps: 500 });
  const plain = record(spec());
  t.is(effectiveSpec(plain), plain.spec, 'no overrides: the spec itself');
});

test('an update keeps an override unless the new version changes that very field', (t) => {
  const o = { cpuShares: 256, memoryBytes: 32 << 20, net: { wan: { downKbps: 5000, upKbps: 50 } } };
  const table: Array<[string, (c: Chute) => void, unknown]> = [
    ['nothing changed', () => undefined, o],
    ['memory changed', (c) => { c.resource.memory = { kind: 'value', value: 128 << 20 }; }, { cpuShares: 256, net: o.net }],
    ['cpu set explicitly', (c) => { c.resource.cpu = { kind: 'value', value: 1024 }; }, { memoryBytes: 32 << 20, net: o.net }],
    ['down rate changed', (c) => { c.resource.net.wan = { downKbps: 2000, upKbps: 500 }; }, { cpuShares: 256, memoryBytes: 32 << 20, net: { wan: { upKbps: 50 } } }],
    ['interface gone', (c) => { c.struct.net = []; c.resource.net = {}; }, { cpuShares: 256, memoryBytes: 32 << 20 }],
  ];
  for (const [title, edit, expected] of table) t.deepEqual(overridesAfterUpdate(spec(), spec(edit), o), expected, title);
  t.is(overridesAfterUpdate(spec(), spec(), undefined), undefined);
  t.is(overridesAfterUpdate(spec(), spec((c) => { c.resource.cpu = { kind: 'value', value: 1 }; }), { cpuShares: 2 }), undefined);
});

test('set-resources merges over earlier overrides, changing only what it names', (t) => {
  t.deepEqual(mergeOverrides({ cpuShares: 1, net: { wan: { upKbps: 5 } } }, { net: { wan: { downKbps: 9 } }, memoryBytes: 7 }),
    { cpuShares: 1, memoryBytes: 7, net: { wan: { upKbps: 5, downKbps: 9 } } });
});

test('the state file round-trips, sorted by name; damaged or foreign files are refused with a way out', (t) => {
  const s = withChute(withChute(emptyState(), 'zed', record(spec((c) => { c.name = 'zed'; }))), 'cam', record(spec()));
  const text = serializeState(s);
  t.deepEqual(Object.keys(parseState(text, '/s').chutes), ['cam', 'zed']);
  t.true(text.indexOf('"cam"') < text.indexOf('"zed"'));
  const bad = ['not json', '{"version":2,"chutes":{}}', '{"version":1,"chutes":{"x":{"spec":{"name":"y"},"slot":"a","desired":"running"}}}'];
  for (const b of bad) {
    const err = t.throws(() => parseState(b, '/s'), { instanceOf: ParadropError });
    t.is(err?.code, 'STATE_INVALID');
    t.regex(err!.message, /state file \/s/);
  }
  t.deepEqual(withChute(s, 'zed', undefined).chutes.zed, undefined);
});

test('set-resources flags: sizes, shares and per-interface rates; mistakes are usage errors that show the form', (t) => {
  t.deepEqual(parseResourceFlags('64M', '512', ['wan:down=5000', 'wifi:up=10,down=20']),
    { memoryBytes: 64 << 20, cpuShares: 512, net: { wan: { downKbps: 5000 }, wifi: { upKbps: 10, downKbps: 20 } } });
  const bad: Array<[string | undefined, string | undefined, string[], RegExp]> = [
    ['64 apples', undefined, [], /--memory "64 apples": expected a size/],
    [undefined, '1', [], /--cpu "1": expected CPU shares/],
    [undefined, undefined, ['wan'], /--net "wan": expected IFACE:down=KBPS/],
    [undefined, undefined, ['wan:down=0'], /whole kbps of at least 1/],
  ];
  for (const [m, c, n, re] of bad) {
    const err = t.throws(() => parseResourceFlags(m, c, n), { instanceOf: ParadropError });
    t.is(err?.code, 'USAGE');
    t.regex(err!.message, re);
  }
});

test('shared options: globals anywhere, --x=v and --x v, lists, and unknown options named', (t) => {
  const p = parseArgs(['cam', '--state-dir=/s', '--json', '--net', 'a', '--net=b', '-q', '--keep-data'],
    { '--net': 'list', '--keep-data': 'boolean' }, 'usage');
  t.deepEqual(p.positional, ['cam']);
  t.deepEqual(p.global, { stateDir: '/s' });
  t.true(p.json && p.quiet);
  t.deepEqual(p.options, { net: ['a', 'b'], 'keep-data': true });
  t.throws(() => parseArgs(['--bogus'], {}, 'usage: x'), { message: /unknown option "--bogus"; usage: x/ });
  t.throws(() => parseArgs(['--store'], {}, 'usage: x'), { message: /--store needs a value/ });
});

test('exit codes: the user\'s fault is 1, the system\'s 2; a failed step is judged by its cause', (t) => {
  const step = (cause: ParadropError) => new ParadropError('STEP_FAILED', 'x', { cause });
  t.is(engineExitCode(new ParadropError('CHUTE_NOT_FOUND', 'x')), 1);
  t.is(engineExitCode(step(new ParadropError('HASH_MISMATCH', 'x'))), 1);
  t.is(engineExitCode(step(new ParadropError('PROGRAM_MISSING', 'x'))), 1);
  t.is(engineExitCode(step(new ParadropError('COMMAND_FAILED', 'x'))), 2);
  t.is(engineExitCode(new ParadropError('BUSY', 'x')), 2);
  t.is(engineExitCode(new Error('bug')), 2);
});
