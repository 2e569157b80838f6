// `paradrop uci` on real directories: options, file modes, atomic replace, delta directories.
import test from 'ava';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uciCommand } from '../../src/cli/uci.js';
import { bufferIo } from '../../src/cli/io.js';
import { writeFileAtomic } from '../../src/uci/store-fs.js';

const base = "# mine\nconfig interface 'lan'\n\toption proto 'static'\n\nconfig device\n\toption name 'br-lan'\n";

function setup(t: { teardown(fn: () => void): void }) {
  const root = mkdtempSync(path.join(tmpdir(), 'pd-uci-cli-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const conf = path.join(root, 'config');
  mkdirSync(conf, { mode: 0o750 });
  chmodSync(conf, 0o750);
  writeFileSync(path.join(conf, 'net'), base);
  return { root, conf, save: path.join(root, 'save') };
}

async function uci(d: { conf: string; save: string }, args: string[], stdin = '') {
  const io = bufferIo(stdin);
  const code = await uciCommand(['-c', d.conf, '-t', d.save, ...args], io);
  return { out: io.out, err: io.err, code };
}

test('usage errors print the usage and exit 1', async (t) => {
  const d = setup(t);
  for (const args of [[], ['-Z', 'show'], ['get'], ['frob'], ['batch', 'x'], ['-c']]) {
    const io = bufferIo();
    t.is(await uciCommand(args.length === 0 || args[0] === '-c' ? args : ['-c', d.conf, ...args], io), 1, args.join(' '));
    t.regex(io.err, /^Usage: uci /, args.join(' '));
  }
});

test('edits, commit: file mode kept, no temp files left, delta truncated, save dir mode from the config dir', async (t) => {
  const d = setup(t);
  const file = path.join(d.conf, 'net');
  chmodSync(file, 0o640);
  t.is((await uci(d, ['add', 'net', 'device'])).out, 'cfg030f15\n');
  t.is((await uci(d, ['set', 'net.@device[-1].name=x'])).code, 0);
  t.is(statSync(d.save).mode & 0o777, 0o750);
  t.is(statSync(path.join(d.save, 'net')).mode & 0o777, 0o600);
  t.is((await uci(d, ['commit'])).code, 0);
  t.is(statSync(file).mode & 0o777, 0o640);
  t.is(readFileSync(file, 'utf8'), "\nconfig interface 'lan'\n\toption proto 'static'\n\nconfig device\n\toption name 'br-lan'\n\nconfig device\n\toption name 'x'\n\n");
  t.is(readFileSync(path.join(d.save, 'net'), 'utf8'), '');
  t.deepEqual(readdirSync(d.conf), ['net']);
});

test('commit through a symlink replaces the target and keeps the link', async (t) => {
  const d = setup(t);
  const real = path.join(d.root, 'real-net');
  writeFileSync(real, base);
  rmSync(path.join(d.conf, 'net'));
  symlinkSync(real, path.join(d.conf, 'net'));
  await uci(d, ['set', 'net.lan.proto=dhcp']);
  await uci(d, ['commit', 'net']);
  t.true(readFileSync(real, 'utf8').includes("option proto 'dhcp'"));
  t.is(readFileSync(path.join(d.conf, 'net'), 'utf8'), readFileSync(real, 'utf8'));
  t.true(statSync(real).isFile());
});

test('writeFileAtomic: new files get 0600', (t) => {
  const d = setup(t);
  const p = path.join(d.conf, 'fresh');
  writeFileAtomic(p, 'x');
  t.is(readFileSync(p, 'utf8'), 'x');
  t.is(statSync(p).mode & 0o777, 0o600);
});

test('-X, -d, -n, -q, -S and show without arguments', async (t) => {
  const d = setup(t);
  writeFileSync(path.join(d.conf, 'aa'), "config t 'n'\n\tlist l 'a b'\n\tlist l c\n");
  writeFileSync(path.join(d.conf, 'with.dot'), 'garbage that is never read\n');
  mkdirSync(path.join(d.conf, 'adir'));
  t.is((await uci(d, ['show'])).out, "aa.n=t\naa.n.l='a b' 'c'\nnet.lan=interface\nnet.lan.proto='static'\nnet.@device[0]=device\nnet.@device[0].name='br-lan'\n");
  t.is((await uci(d, ['-X', 'show', 'net.@device[0].name'])).out, "net.cfg020f15.name='br-lan'\n");
  t.is((await uci(d, ['-d', ';', 'get', 'aa.n.l'])).out, "'a b';c\n");
  t.is((await uci(d, ['-n', 'export', 'net'])).out.split('\n')[5], "config device 'cfg020f15'");
  t.deepEqual(await uci(d, ['-q', 'get', 'net.nosuch']), { out: '', err: '', code: 1 });
  writeFileSync(path.join(d.conf, 'loose'), "config t 'x' extra\n");
  t.is((await uci(d, ['get', 'loose.x'])).err, 'uci: Parse error (too many arguments) at line 1, byte 19\n');
  t.is((await uci(d, ['-S', 'get', 'loose.x'])).out, 't\n');
});

test('-p: extra delta directories are replayed first and never truncated', async (t) => {
  const d = setup(t);
  const extra = path.join(d.root, 'extra');
  mkdirSync(extra);
  writeFileSync(path.join(extra, 'net'), "net.lan.mtu='1400'\n");
  const r = await uci(d, ['-p', extra, 'changes', 'net']);
  t.is(r.out, "net.lan.mtu='1400'\n");
  await uci(d, ['-p', extra, 'commit', 'net']);
  t.true(readFileSync(path.join(d.conf, 'net'), 'utf8').includes("option mtu '1400'"));
  t.is(readFileSync(path.join(extra, 'net'), 'utf8'), "net.lan.mtu='1400'\n");
  t.false(existsSync(path.join(d.save, 'net')));
});

test('batch: quoting, comments, exit, errors do not stop it', async (t) => {
  const d = setup(t);
  const input = [
    "set net.lan.desc='multi\nline' # comment",
    'get net.nosuch',
    'set net.lan.x="a\\"b"',
    'exit',
    'set net.lan.never=1',
  ].join('\n');
  const r = await uci(d, ['batch'], input);
  t.is(r.code, 0);
  t.is(r.err, 'uci: Entry not found\n');
  t.is(readFileSync(path.join(d.save, 'net'), 'utf8'), "net.lan.desc='multi\nline'\nnet.lan.x='a\"b'\n");
});

test('-S: each parse error is printed as libuci prints it and the rest of the file is loaded; -q does not silence it', async (t) => {
  const d = setup(t);
  const file = path.join(d.conf, 'bad');
  writeFileSync(file, "config t 'x'\nbogus\n\toption a 1\nconfig t 'bad-name'\n\toption b 2\n");
  t.deepEqual(await uci(d, ['show', 'bad']), { out: '', err: 'uci: Parse error (invalid command) at line 2, byte 0\n', code: 1 }, 'strict is the default');
  const skipped = 'Parse error (invalid command) at line 2, byte 0\nParse error (invalid character in name field) at line 4, byte 20\n';
  t.deepEqual(await uci(d, ['-S', 'show', 'bad']), { out: "bad.x=t\nbad.x.a='1'\nbad.x.b='2'\n", err: skipped, code: 0 });
  t.deepEqual(await uci(d, ['-q', '-S', 'get', 'bad.x.b']), { out: '2\n', err: skipped, code: 0 });
  t.deepEqual(await uci(d, ['-S', '-s', 'get', 'bad.x.b']), { out: '', err: 'uci: Parse error (invalid command) at line 2, byte 0\n', code: 1 }, '-s after -S: strict again');
  t.is((await uci(d, ['-S', 'set', 'bad.x.c=3'])).code, 0);
  t.deepEqual(await uci(d, ['-S', 'commit', 'bad']), { out: '', err: skipped, code: 0 });
  t.is(readFileSync(file, 'utf8'), "\nconfig t 'x'\n\toption a '1'\n\toption b '2'\n\toption c '3'\n\n", 'commit writes what was loaded');
});

test('show/export/changes/commit without a package: a broken package is reported and skipped, exit 0', async (t) => {
  const d = setup(t);
  writeFileSync(path.join(d.conf, 'aa'), "config t 'n'\n\toption o 'v'\n");
  writeFileSync(path.join(d.conf, 'bb'), "config t 'n'\nbogus\n");
  const parseErr = 'uci: Parse error (invalid command) at line 2, byte 0\n';
  const show = await uci(d, ['show']);
  t.deepEqual(show, { out: "aa.n=t\naa.n.o='v'\nnet.lan=interface\nnet.lan.proto='static'\nnet.@device[0]=device\nnet.@device[0].name='br-lan'\n", err: parseErr, code: 0 });
  const exp = await uci(d, ['export']);
  t.is(exp.code, 0);
  t.is(exp.err, parseErr);
  t.true(exp.out.startsWith("package aa\n\nconfig t 'n'\n\toption o 'v'\n\npackage net\n"), exp.out);
  t.deepEqual(await uci(d, ['-q', 'show']), { out: show.out, err: '', code: 0 });
  t.deepEqual(await uci(d, ['show', 'bb']), { out: '', err: parseErr, code: 1 }, 'a named broken package is still an error');
  t.deepEqual(await uci(d, ['export', 'bb']), { out: '', err: parseErr, code: 1 });
  // changes and commit look at packages with a delta file: bb has one too.
  await uci(d, ['set', 'net.lan.proto=dhcp']);
  mkdirSync(d.save, { recursive: true });
  writeFileSync(path.join(d.save, 'bb'), "bb.n.o='1'\n");
  t.deepEqual(await uci(d, ['changes']), { out: "net.lan.proto='dhcp'\n", err: parseErr, code: 0 });
  t.deepEqual(await uci(d, ['commit']), { out: '', err: parseErr, code: 0 });
  t.true(readFileSync(path.join(d.conf, 'net'), 'utf8').includes("option proto 'dhcp'"), 'the good package was committed');
  t.is(readFileSync(path.join(d.conf, 'bb'), 'utf8'), "config t 'n'\nbogus\n");
});

test('no package argument on an empty or missing config directory: Entry not found, exit 1', async (t) => {
  const d = setup(t);
  rmSync(path.join(d.conf, 'net'));
  const notFound = { out: '', err: 'uci: Entry not found\n', code: 1 };
  for (const cmd of ['show', 'export', 'changes', 'commit']) t.deepEqual(await uci(d, [cmd]), notFound, `empty: ${cmd}`);
  t.deepEqual(await uci({ conf: path.join(d.root, 'nosuch'), save: d.save }, ['show']), notFound, 'missing directory');
  t.deepEqual(await uci(d, ['-q', 'show']), { out: '', err: '', code: 1 }, '-q');
  writeFileSync(path.join(d.conf, '.hidden'), '');
  t.deepEqual(await uci(d, ['show']), notFound, 'dot files are not seen (uci globs <dir>/*)');
  writeFileSync(path.join(d.conf, 'not.a.package'), 'config t\n');
  t.deepEqual(await uci(d, ['show']), { out: '', err: '', code: 0 }, 'something matched the glob, just no package');
});
