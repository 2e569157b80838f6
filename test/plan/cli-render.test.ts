// `paradrop render` run in-process: it prints exactly the golden plan, reports conflicts between
// the chutes it is given, and refuses bad arguments.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { renderCommand } from '../../src/cli/render.js';
import { runCli } from '../../src/cli/main.js';
import { bufferIo } from '../../src/cli/io.js';
import type { DesiredState } from '../../src/plan/types.js';

const repo = new URL('../../../', import.meta.url).pathname;
const golden = (c: string, f: string): string => readFileSync(`${repo}test/golden/${c}/${f}`, 'utf8');
const SECCAM = 'files/usr/share/paradrop/examples/seccam';
const ENVSENSE = 'files/usr/share/paradrop/examples/envsense';

test('render prints the plan of several chutes rendered together', async (t) => {
  const io = bufferIo('', repo);
  t.is(await renderCommand([SECCAM, ENVSENSE, '--profile', 'test/golden/profiles/v2.json'], io), 0);
  t.is(io.out, golden('both-chutes-v2', 'plan.txt'));
});

test('render --json prints the desired state', async (t) => {
  const io = bufferIo('', repo);
  t.is(await renderCommand(['--json', `--profile=test/golden/profiles/v1.json`, SECCAM], io), 0);
  const state = JSON.parse(io.out) as DesiredState;
  t.is(state.profile, 'test-v1');
  t.is(state.chutes[0]!.lxcConfig, golden('seccam-v1', 'lxc-seccam.conf'));
});

test('render without --profile uses the profile install would use on this machine', async (t) => {
  const io = bufferIo('', repo);
  t.is(await renderCommand([SECCAM], io), 0);
  t.regex(io.out, /^paradrop render: gateway profile 'this-gateway', 1 chute: seccam\n/);
  // This machine drives no radio, so the SSID is reported as not broadcast.
  t.regex(io.out, /SSID 'SecCam' of chute 'seccam' is not broadcast/);
});

test('conflicts between the chutes given are a user error naming both', async (t) => {
  const io = bufferIo('', repo);
  // the same chute twice under two names is not possible from disk, so give the same one twice
  t.is(await runCli(['render', SECCAM, SECCAM], io), 1);
  t.is(io.out, '');
  t.regex(io.err, /chute 'seccam' is given twice/);
});

test('bad arguments and unreadable files', async (t) => {
  const table: [string[], number, RegExp][] = [
    [['render'], 1, /no chute given/],
    [['render', '--frob', SECCAM], 1, /unknown option "--frob"/],
    [['render', SECCAM, '--profile'], 1, /--profile needs a file/],
    [['render', SECCAM, '--profile', 'a.json', '--profile=b.json'], 1, /--profile is given twice \("a\.json" and "b\.json"\)/],
    [['render', SECCAM, '--profile', 'no/such/profile.json'], 2, /cannot read gateway profile no\/such\/profile.json/],
    [['render', 'no/such/chute'], 1, /no\/such\/chute/],
  ];
  for (const [argv, code, err] of table) {
    const io = bufferIo('', repo);
    t.is(await runCli(argv, io), code, argv.join(' '));
    t.regex(io.err, err, argv.join(' '));
    t.is(io.out, '');
  }
});

test('an invalid profile names the field', async (t) => {
  const io = bufferIo('', repo);
  // a profile file that is valid JSON but not a profile: the chute example's package.json
  t.is(await runCli(['render', SECCAM, '--profile', `${SECCAM}/package.json`], io), 1);
  t.regex(io.err, /profile\.\w+: unknown field/);
});

test('render --json prints JSON on failure too: load problems with their input, then exit 1', async (t) => {
  const io = bufferIo('', repo);
  t.is(await runCli(['render', '--json', 'test/fixtures/chapter/seccam-misprints', SECCAM], io), 1);
  t.is(io.err, '');
  const doc = JSON.parse(io.out) as { ok: boolean; code: string; problems: { input?: string; code: string; path: string }[] };
  t.false(doc.ok);
  t.is(doc.code, 'VALIDATION_FAILED');
  t.deepEqual(doc.problems.map((p) => [p.input, p.code, p.path]), [
    ['test/fixtures/chapter/seccam-misprints', 'FIELD_UNKNOWN', 'files[0].shal'],
    ['test/fixtures/chapter/seccam-misprints', 'FIELD_UNKNOWN', 'files[1].shal'],
    ['test/fixtures/chapter/seccam-misprints', 'FIELD_INVALID', 'files[1].shal'],
  ]);
});

test('render --json prints JSON for compile conflicts and a bad profile', async (t) => {
  const io = bufferIo('', repo);
  t.is(await runCli(['render', '--json', SECCAM, SECCAM], io), 1);
  t.is(io.err, '');
  const doc = JSON.parse(io.out) as { ok: boolean; code: string; problems: { code: string; message: string }[] };
  t.like(doc, { ok: false, code: 'VALIDATION_FAILED' });
  t.deepEqual(doc.problems.map((p) => p.code), ['CHUTE_DUPLICATE']);
  const bad = bufferIo('', repo);
  t.is(await runCli(['render', '--json', SECCAM, '--profile', 'no/such.json'], bad), 2);
  t.like(JSON.parse(bad.out), { ok: false, code: 'IO_ERROR' });
});

test('render shows where a file whose path names a directory lands', async (t) => {
  const io = bufferIo('', repo);
  t.is(await runCli(['render', 'test/fixtures/chapter/seccam'], io), 0);
  t.regex(io.out, /^  root  \/root\/seccam\.py \(path \/root\)  <- @paradrop\.server\(seccam\.py\)/m);
});
