// `paradrop validate`, run in-process: exit codes, the ok line with notes, every problem on its own
// line prefixed with the input, and the --json document.
import test from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bufferIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { validateCommand } from '../../src/cli/validate.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHAPTER = 'test/fixtures/chapter';
const EXAMPLES = 'files/usr/share/paradrop/examples';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo('', ROOT);
  const code = await runCli(['validate', ...args], io);
  return { code, out: io.out, err: io.err };
}

test('validate: valid chutes print NAME VERSION: ok and exit 0', async (t) => {
  const r = await run(`${EXAMPLES}/seccam`, `${EXAMPLES}/envsense`);
  t.deepEqual(r, { code: 0, out: 'seccam 0.1.0: ok\nenvsense 0.1.0: ok\n', err: '' });
});

test('validate: notes follow the ok line', async (t) => {
  const r = await run(`${CHAPTER}/seccam`);
  t.is(r.code, 0);
  t.is(r.out, 'seccam 0.0.0: ok\n  note: no name in chute.json: the chute is named after its directory, "seccam"\n  note: no version given: using "0.0.0"\n');
});

test('validate: every problem on its own line, prefixed with the input; exit 1', async (t) => {
  const r = await run(`${CHAPTER}/seccam-misprints`);
  t.is(r.code, 1);
  t.is(r.out, '');
  t.is(r.err, [
    `${CHAPTER}/seccam-misprints: files[0]: unknown field "shal" (did you mean "sha1"?)`,
    `${CHAPTER}/seccam-misprints: files[1]: unknown field "shal" (did you mean "sha1"?)`,
    `${CHAPTER}/seccam-misprints: files[1].shal: "1633eald6351929cc2c8717d1611dcb41681b585" is not a SHA-1 hash: "l" at character 7 is not a hex digit (expected 40 hex digits)`,
    '',
  ].join('\n'));
});

test('validate: a mix of good, bad and missing inputs', async (t) => {
  const r = await run(`${CHAPTER}/seccam-2014.json`, 'no/such/chute', `${CHAPTER}/seccam-misprints`);
  t.is(r.code, 1);
  t.is(r.out, 'seccam 2014: ok\n');
  t.is(r.err.split('\n')[0], 'no/such/chute: no such chute directory or file');
  t.is(r.err.split('\n').length, 5);
});

test('validate: a syntax error names the file, line and column', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pd-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'Chute.struct'), '{net: {},,}');
  const io = bufferIo('', dir);
  t.is(await validateCommand(['.'], io), 1);
  t.is(io.err, "Chute.struct:1:10: invalid character ','\n");
});

test('validate: --json prints one machine-readable document', async (t) => {
  const r = await run('--json', `${EXAMPLES}/seccam`, `${CHAPTER}/seccam-misprints`);
  t.is(r.code, 1);
  t.is(r.err, '');
  const doc = JSON.parse(r.out);
  t.false(doc.ok);
  t.is(doc.results.length, 2);
  t.like(doc.results[0], { input: `${EXAMPLES}/seccam`, ok: true, name: 'seccam', version: '0.1.0', notes: [] });
  t.is(doc.results[0].chute.traffic[0].to.port, 80);
  t.like(doc.results[1], { input: `${CHAPTER}/seccam-misprints`, ok: false, code: 'VALIDATION_FAILED' });
  t.deepEqual(doc.results[1].problems.map((p: { code: string; path: string }) => [p.code, p.path]),
    [['FIELD_UNKNOWN', 'files[0].shal'], ['FIELD_UNKNOWN', 'files[1].shal'], ['FIELD_INVALID', 'files[1].shal']]);
});

test('validate: --json for a valid chute exits 0', async (t) => {
  const r = await run(`${EXAMPLES}/envsense`, '--json');
  t.is(r.code, 0);
  t.true(JSON.parse(r.out).ok);
});

test('validate: usage errors exit 1', async (t) => {
  const none = await run();
  t.is(none.code, 1);
  t.is(none.err, 'paradrop validate: no chute given; usage: paradrop validate DIR|FILE... [--json]\n');
  const bad = await run('--jsn', `${EXAMPLES}/seccam`);
  t.is(bad.code, 1);
  t.is(bad.err, 'paradrop validate: unknown option "--jsn"; usage: paradrop validate DIR|FILE... [--json]\n');
  const help = await run('--help');
  t.deepEqual(help, { code: 0, out: 'usage: paradrop validate DIR|FILE... [--json]\n', err: '' });
});

test('validate: "--" ends the options', async (t) => {
  const r = await run('--', '--json');
  t.is(r.code, 1);
  t.is(r.err, '--json: no such chute directory or file\n');
});

test('validate: a part that cannot be read exits 2', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pd-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'Chute.struct'));
  const io = bufferIo('', dir);
  t.is(await validateCommand(['.'], io), 2);
  t.is(io.err, 'Chute.struct: cannot read (EISDIR)\n');
});
