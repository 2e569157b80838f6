// Bytes that are not UTF-8 survive: config files decoded as UTF-8 when valid, else one char per
// byte, written back alike; CLI values converted to the file's representation; stdout as bytes.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { uciCommand } from '../../src/cli/uci.js';
import { bufferIo } from '../../src/cli/io.js';
import { decodeConfigBytes, encodeConfigText, fromFileText, toFileText } from '../../src/uci/encoding.js';
import { readConfigFile, writeConfigFile } from '../../src/uci/store-fs.js';
import { replaceOwnedSections } from '../../src/uci/owned-sections.js';
import { InternalError } from '../../src/errors.js';
import type { UciSectionSpec } from '../../src/uci/model.js';
import { isPd } from './helpers.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
/** Caf + the latin1 byte E9: not valid UTF-8. */
const latin1Ssid = b('Caf\xe9');
const latin1File = Buffer.concat([b("config wifi-iface 'x'\n\toption ssid '"), latin1Ssid, b("'\n")]);

function setup(t: { teardown(fn: () => void): void }, files: Record<string, Buffer>) {
  const root = mkdtempSync(path.join(tmpdir(), 'pd-uci-enc-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const conf = path.join(root, 'config');
  mkdirSync(conf);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(conf, name), bytes);
  return { root, conf, save: path.join(root, 'save') };
}

/** Runs `paradrop uci` with an io that records stdout as bytes, whichever way they come. */
async function uci(d: { conf: string; save: string }, args: string[], stdin = '') {
  const io = bufferIo(stdin);
  const chunks: Buffer[] = [];
  io.stdout = (s: string) => { chunks.push(Buffer.from(s, 'utf8')); };
  const code = await uciCommand(['-c', d.conf, '-t', d.save, ...args], { ...io, stdoutBytes: (x: Uint8Array) => { chunks.push(Buffer.from(x)); } });
  return { out: Buffer.concat(chunks), err: io.err, code };
}

test('decodeConfigBytes: UTF-8 when valid (BOM kept), else one char per byte', (t) => {
  t.deepEqual(decodeConfigBytes(Buffer.from('Café', 'utf8')), { text: 'Café', encoding: 'utf8' });
  t.deepEqual(decodeConfigBytes(Buffer.from('\ufeffconfig', 'utf8')), { text: '\ufeffconfig', encoding: 'utf8' });
  t.deepEqual(decodeConfigBytes(latin1Ssid), { text: 'Caf\xe9', encoding: 'latin1' });
  const mixed = Buffer.concat([Buffer.from('é', 'utf8'), b('\xe9')]);
  t.deepEqual(decodeConfigBytes(mixed), { text: '\xc3\xa9\xe9', encoding: 'latin1' });
  t.deepEqual(encodeConfigText('\xc3\xa9\xe9', 'latin1'), mixed);
});

test('toFileText/fromFileText: Unicode values as UTF-8 bytes in a latin1 package, and back', (t) => {
  t.is(toFileText('Ünï ☕', 'utf8'), 'Ünï ☕');
  t.is(toFileText('plain', 'latin1'), 'plain');
  t.is(toFileText('é☕', 'latin1'), '\xc3\xa9\xe2\x98\x95');
  t.is(fromFileText('\xc3\xa9\xe2\x98\x95', 'latin1'), 'é☕');
  t.is(fromFileText('Caf\xe9', 'latin1'), 'Caf\ufffd');
  t.throws(() => encodeConfigText('☕', 'latin1'), { instanceOf: InternalError }, 'a value that skipped toFileText is refused, not truncated');
});

test('the repro: a latin1 SSID survives set and commit byte for byte; new values are written as UTF-8', async (t) => {
  const d = setup(t, { wireless: latin1File });
  t.is((await uci(d, ['set', 'wireless.x.mode=ap'])).code, 0);
  t.is((await uci(d, ['set', 'wireless.x.name=Ünï'])).code, 0);
  t.deepEqual(readFileSync(path.join(d.save, 'wireless')), Buffer.from("wireless.x.mode='ap'\nwireless.x.name='Ünï'\n", 'utf8'));
  t.deepEqual((await uci(d, ['commit', 'wireless'])).code, 0);
  const want = Buffer.concat([
    b("\nconfig wifi-iface 'x'\n\toption ssid '"), latin1Ssid, b("'\n\toption mode 'ap'\n"),
    Buffer.from("\toption name 'Ünï'\n\n", 'utf8'),
  ]);
  t.deepEqual(readFileSync(path.join(d.conf, 'wireless')), want);
});

test('show, export, get and changes print the original bytes', async (t) => {
  const d = setup(t, { wireless: latin1File });
  await uci(d, ['set', 'wireless.x.name=Ünï']);
  t.deepEqual((await uci(d, ['get', 'wireless.x.ssid'])).out, Buffer.concat([latin1Ssid, b('\n')]));
  t.deepEqual((await uci(d, ['show', 'wireless.x.ssid'])).out, Buffer.concat([b("wireless.x.ssid='"), latin1Ssid, b("'\n")]));
  const show = await uci(d, ['show']);
  t.deepEqual(show.out, Buffer.concat([b("wireless.x=wifi-iface\nwireless.x.ssid='"), latin1Ssid, b("'\n"), Buffer.from("wireless.x.name='Ünï'\n", 'utf8')]));
  const exp = await uci(d, ['export', 'wireless']);
  t.deepEqual(exp.out, Buffer.concat([b("package wireless\n\nconfig wifi-iface 'x'\n\toption ssid '"), latin1Ssid, b("'\n"), Buffer.from("\toption name 'Ünï'\n\n", 'utf8')]));
  t.deepEqual((await uci(d, ['get', 'wireless.x.name'])).out, Buffer.from('Ünï\n', 'utf8'));
  t.deepEqual((await uci(d, ['changes', 'wireless'])).out, Buffer.from("wireless.x.name='Ünï'\n", 'utf8'));
});

test('values given on the command line match values of a latin1 package by their UTF-8 bytes', async (t) => {
  const utf8Cafe = Buffer.from('Café', 'utf8');
  const file = Buffer.concat([b("config t 'x'\n\tlist l '"), latin1Ssid, b("'\n\tlist l '"), utf8Cafe, b("'\n")]);
  const d = setup(t, { p: file });
  t.is((await uci(d, ['del_list', 'p.x.l=Café'])).code, 0, 'removes the UTF-8 item only');
  t.deepEqual((await uci(d, ['get', 'p.x.l'])).out, Buffer.concat([latin1Ssid, b('\n')]));
  t.is((await uci(d, ['set', 'p.x.o=Café'])).code, 0);
  t.deepEqual((await uci(d, ['get', 'p.x.o'])).out, Buffer.from('Café\n', 'utf8'));
});

test('a file mixing valid UTF-8 and invalid bytes keeps both through batch edits and commit', async (t) => {
  const utf8Part = Buffer.from("config t 'u'\n\toption v 'Grüße ☕'\n", 'utf8');
  const bad = Buffer.concat([b("config t 'l'\n\toption v 'x"), b('\xff\xfe\x80'), b("'\n")]);
  const d = setup(t, { mix: Buffer.concat([utf8Part, bad]) });
  const r = await uci(d, ['batch'], "set mix.u.w='Ünï'\nadd_list mix.l.k='☕'\nrename mix.l.v=w2\n");
  t.is(r.code, 0);
  t.is(r.err, '');
  t.deepEqual((await uci(d, ['get', 'mix.u.v'])).out, Buffer.from('Grüße ☕\n', 'utf8'));
  t.deepEqual((await uci(d, ['get', 'mix.l.w2'])).out, b('x\xff\xfe\x80\n'));
  await uci(d, ['commit']);
  t.deepEqual(readFileSync(path.join(d.conf, 'mix')), Buffer.concat([
    Buffer.from("\nconfig t 'u'\n\toption v 'Grüße ☕'\n\toption w 'Ünï'\n\nconfig t 'l'\n\toption w2 'x", 'utf8'),
    b('\xff\xfe\x80'), Buffer.from("'\n\tlist k '☕'\n\n", 'utf8'),
  ]));
});

test('a delta file with bytes that are not UTF-8 makes the whole package one char per byte', async (t) => {
  const d = setup(t, { p: Buffer.from("config t 'x'\n\toption u 'é'\n", 'utf8') });
  mkdirSync(d.save);
  writeFileSync(path.join(d.save, 'p'), Buffer.concat([b("p.x.v='"), latin1Ssid, b("'\n")]));
  t.deepEqual((await uci(d, ['show', 'p'])).out, Buffer.concat([Buffer.from("p.x=t\np.x.u='é'\np.x.v='", 'utf8'), latin1Ssid, b("'\n")]));
  await uci(d, ['commit', 'p']);
  t.deepEqual(readFileSync(path.join(d.conf, 'p')), Buffer.concat([Buffer.from("\nconfig t 'x'\n\toption u 'é'\n\toption v '", 'utf8'), latin1Ssid, b("'\n\n")]));
  t.deepEqual(readFileSync(path.join(d.save, 'p')), Buffer.alloc(0));
});

test('UTF-8 files are unaffected: strings on stdout, UTF-8 on disk', async (t) => {
  const d = setup(t, { p: Buffer.from("# mine\nconfig t 'x'\n\toption u 'Café'\n", 'utf8') });
  const io = bufferIo();
  let bytesCalls = 0;
  const code = await uciCommand(['-c', d.conf, '-t', d.save, 'show', 'p'], { ...io, stdoutBytes: () => { bytesCalls++; } });
  t.is(code, 0);
  t.is(io.out, "p.x=t\np.x.u='Café'\n");
  t.is(bytesCalls, 0);
  await uci(d, ['set', 'p.x.w=☕']);
  await uci(d, ['commit', 'p']);
  t.is(readFileSync(path.join(d.conf, 'p'), 'utf8'), "\nconfig t 'x'\n\toption u 'Café'\n\toption w '☕'\n\n");
});

test('an io without stdoutBytes gets the bytes handed to stdout as a Buffer (what process.stdout.write takes)', async (t) => {
  const d = setup(t, { wireless: latin1File });
  const chunks: unknown[] = [];
  const io = { ...bufferIo(), stdout: (c: string) => { chunks.push(c); } };
  t.is(await uciCommand(['-c', d.conf, '-t', d.save, 'get', 'wireless.x.ssid'], io), 0);
  t.true(Buffer.isBuffer(chunks[0]));
  t.deepEqual(chunks[0], Buffer.concat([latin1Ssid, b('\n')]));
});

// The same repro through the real process (compiled entry point next to this test's build).
const mainJs = fileURLToPath(new URL('../../src/main.js', import.meta.url));

test('paradrop uci as a process: show and get write the file bytes to stdout', (t) => {
  t.true(existsSync(mainJs), mainJs);
  const d = setup(t, { wireless: latin1File });
  const run = (...args: string[]) => spawnSync(process.execPath, [mainJs, 'uci', '-c', d.conf, '-t', d.save, ...args]);
  t.is(run('set', 'wireless.x.mode=ap').status, 0);
  t.is(run('commit', 'wireless').status, 0);
  const show = run('show', 'wireless');
  t.is(show.status, 0, show.stderr.toString());
  t.deepEqual(show.stdout, Buffer.concat([b("wireless.x=wifi-iface\nwireless.x.ssid='"), latin1Ssid, b("'\nwireless.x.mode='ap'\n")]));
  t.deepEqual(run('get', 'wireless.x.ssid').stdout, Buffer.concat([latin1Ssid, b('\n')]));
});

const pdSpec: UciSectionSpec = { type: 'wifi-iface', name: 'pd_guest', options: [{ name: 'ssid', value: 'Gäste ☕' }, { name: 'l', value: ['é', 'x'] }] };

test('replaceOwnedSections on a latin1 file: user bytes unchanged, new values as UTF-8, and back', (t) => {
  const d = setup(t, { wireless: latin1File });
  const file = path.join(d.conf, 'wireless');
  const read = readConfigFile(file)!;
  t.is(read.encoding, 'latin1');
  const text = replaceOwnedSections(read.text, 'wireless', [pdSpec], isPd, { encoding: read.encoding });
  writeConfigFile(file, text, read.encoding);
  const added = Buffer.from("\nconfig wifi-iface 'pd_guest'\n\toption ssid 'Gäste ☕'\n\tlist l 'é'\n\tlist l 'x'\n", 'utf8');
  t.deepEqual(readFileSync(file), Buffer.concat([latin1File, added]));
  // Idempotent: the converted values compare equal to what is in the file now.
  const again = readConfigFile(file)!;
  t.is(replaceOwnedSections(again.text, 'wireless', [pdSpec], isPd, { encoding: again.encoding }), again.text);
  writeConfigFile(file, replaceOwnedSections(again.text, 'wireless', [], isPd, { encoding: again.encoding }), again.encoding);
  t.deepEqual(readFileSync(file), latin1File);
  // Forgetting the encoding cannot corrupt silently: the values do not fit one char per byte.
  const wrong = replaceOwnedSections(again.text, 'wireless', [pdSpec], isPd);
  t.throws(() => writeConfigFile(file, wrong, 'latin1'), { instanceOf: InternalError });
  t.deepEqual(readFileSync(file), latin1File);
});

test('readConfigFile/writeConfigFile: missing file, UTF-8 file, mode of a new file', (t) => {
  const d = setup(t, {});
  const file = path.join(d.conf, 'new');
  t.is(readConfigFile(file), null);
  writeConfigFile(file, "config t 'é'\n", 'utf8', 0o640);
  t.deepEqual(readConfigFile(file), { text: "config t 'é'\n", encoding: 'utf8' });
  t.deepEqual(readFileSync(file), Buffer.from("config t 'é'\n", 'utf8'));
  t.is(statSync(file).mode & 0o777, 0o640);
});
