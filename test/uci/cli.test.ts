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
