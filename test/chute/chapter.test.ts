// The chapter's SecCam figures 1.4-1.7 (completed with their missing braces), their misprints, the
// figures pasted as fragments, and the 2014 library's SecCam: the first real input.
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { mkdir, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChute } from '../../src/chute/load.js';
import { ParadropError, ValidationError } from '../../src/errors.js';

const CHAPTER = fileURLToPath(new URL('../../../test/fixtures/chapter/', import.meta.url));

const SECCAM_STRUCT = {
  diskKiB: 123456,
  net: [
    { name: 'wan', type: 'wan', intfName: 'eth0', ipaddr: '10.100.10.1', netmask: '255.255.255.0' },
    { name: 'wifi', type: 'wifi', intfName: 'eth1', ipaddr: '10.100.11.1', netmask: '255.255.255.0', ssid: 'SecCam', encryption: 'psk2', key: 'noOneCanHackThis' },
  ],
};
const SECCAM_FILES = [
  { name: 'www', path: '/srv/www', location: { kind: 'store', path: 'seccam/srv.tar.gz' }, hash: { algorithm: 'sha1', hex: '526bb8cb52458aad4043c56980cd238551b46b7e' }, extract: true },
  { name: 'root', path: '/root', location: { kind: 'store', path: 'seccam.py' }, hash: { algorithm: 'sha1', hex: '1633ea1d6351929cc2c8717d1611dcb41681b585' }, extract: false },
];
const SECCAM_RUNTIME = [
  { kind: 'program', name: 'webhosting', program: 'uhttpd', args: ['-p', '80', '-i', '.php=/usr/bin/php-cgi', '-h', '/srv/www'] },
  { kind: 'dhcpserver', name: 'DHCP Server' },
];

test('chapter: figures 1.4-1.7 with their braces completed', async (t) => {
  const { chute, source } = await loadChute(join(CHAPTER, 'seccam'));
  t.is(chute.name, 'seccam');
  t.is(chute.version, '0.0.0');
  t.is(chute.description, '');
  t.is(chute.owner, '');
  t.deepEqual(chute.struct, SECCAM_STRUCT);
  t.deepEqual(chute.files, SECCAM_FILES);
  t.deepEqual(chute.resource, {
    cpu: { kind: 'default' },
    memory: { kind: 'default' },
    net: { wan: { downKbps: 25000, upKbps: 10000 }, wifi: { downKbps: 25000, upKbps: 10000 } },
  });
  t.deepEqual(chute.runtime, SECCAM_RUNTIME);
  t.deepEqual(chute.traffic, []);
  t.is(source.kind, 'directory');
  t.is(source.baseDir, join(CHAPTER, 'seccam'));
  t.deepEqual(source.files.map((f) => f.slice(source.baseDir.length + 1)), ['Chute.struct', 'Chute.files', 'Chute.resource', 'Chute.runtime']);
  t.deepEqual(source.notes, ['no name in chute.json: the chute is named after its directory, "seccam"', 'no version given: using "0.0.0"']);
});

test('chapter: the misprints "shal" and the non-hex hash are pointed at', async (t) => {
  const err = await t.throwsAsync(loadChute(join(CHAPTER, 'seccam-misprints'), { label: 'seccam-misprints' }), { instanceOf: ValidationError });
  t.deepEqual(err.problems.map((p) => [p.code, p.path, p.message]), [
    ['FIELD_UNKNOWN', 'files[0].shal', 'files[0]: unknown field "shal" (did you mean "sha1"?)'],
    ['FIELD_UNKNOWN', 'files[1].shal', 'files[1]: unknown field "shal" (did you mean "sha1"?)'],
    ['FIELD_INVALID', 'files[1].shal', 'files[1].shal: "1633eald6351929cc2c8717d1611dcb41681b585" is not a SHA-1 hash: "l" at character 7 is not a hex digit (expected 40 hex digits)'],
  ]);
  t.true(err.message.startsWith('seccam-misprints: 3 problems:\n'));
});

test('chapter: the figures pasted without their outer braces still load', async (t) => {
  const pasted = await loadChute(join(CHAPTER, 'seccam-fragments'), { label: 'frag' });
  const completed = await loadChute(join(CHAPTER, 'seccam'));
  t.deepEqual({ ...pasted.chute, name: 'seccam' }, completed.chute);
  t.deepEqual(pasted.source.notes, [
    'frag/Chute.struct: read as an object fragment inside { }',
    'frag/Chute.files: read as a list fragment inside [ ]',
    'frag/Chute.resource: read as an object fragment inside { }',
    'frag/Chute.runtime: read as a list fragment inside [ ]',
    'no name in chute.json: the chute is named after its directory, "seccam-fragments"',
    'no version given: using "0.0.0"',
  ]);
});

test('chapter: figure 1.4 exactly as printed is a syntax error naming the unclosed brace', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'pd-chute-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  // A directory whose name is a chute name: the syntax error is then the only problem.
  const dir = join(root, 'pasted');
  await mkdir(dir);
  const fragment = await readFile(join(CHAPTER, 'seccam-fragments', 'Chute.struct'), 'utf8');
  // The printed figure lacks the brace closing "net" (the fragment fixture's last line).
  await writeFile(join(dir, 'Chute.struct'), fragment.replace(/\n}\n$/, ''));
  const err = await t.throwsAsync(loadChute(dir, { label: 'pasted' }), { instanceOf: ParadropError });
  t.is(err.code, 'JSON_SYNTAX');
  t.is(err.message, 'pasted/Chute.struct:19:2: invalid end of input (the "{" at line 4, column 8 is never closed) (read as a fragment inside { })');
});

test('chapter: the 2014 library SecCam, with its traffic rules', async (t) => {
  const { chute, source } = await loadChute(join(CHAPTER, 'seccam-2014'));
  t.is(chute.name, 'seccam');
  t.is(chute.version, '2014');
  t.is(chute.owner, 'paradrop');
  t.deepEqual(chute.struct, {
    diskKiB: 12345,
    net: [
      { name: 'wan', type: 'wan', intfName: 'eth0', ipaddr: '10.100.12.1', netmask: '255.255.255.0' },
      { name: 'wifi', type: 'wifi', intfName: 'eth1', ipaddr: '10.100.13.1', netmask: '255.255.255.0', ssid: 'SecCam', encryption: 'psk2', key: 'wifi1234' },
    ],
  });
  t.deepEqual(chute.files.map((f) => f.location), [{ kind: 'store', path: 'seccam/srv.tar.gz' }, { kind: 'store', path: 'seccam/seccam.py' }]);
  t.deepEqual(chute.resource, {
    cpu: { kind: 'value', value: 1024 },
    memory: { kind: 'value', value: 53687091 },
    net: { wan: { downKbps: 25000, upKbps: 25000 }, wifi: { downKbps: 25000, upKbps: 25000 } },
  });
  t.deepEqual(chute.runtime, SECCAM_RUNTIME);
  t.deepEqual(chute.traffic, [
    { name: 'Web', description: 'Allows the chute to provide a webserver on WAN', kind: 'redirect', from: { network: 'lan', address: '*', port: 5000 }, to: { iface: 'wifi', address: '10.100.13.1', port: 80 }, proto: 'tcp' },
    { name: 'HostSSH', description: 'Allows the host stack access to SSH', kind: 'redirect', from: { network: 'lan', address: '*', port: 5001 }, to: { iface: 'wifi', address: '10.100.13.1', port: 22 }, proto: 'tcp' },
  ]);
  t.deepEqual(source.notes, []);
});

test('chapter: the 2014 SecCam as one chute.json file is the same chute', async (t) => {
  const dir = await loadChute(join(CHAPTER, 'seccam-2014'));
  const file = await loadChute(join(CHAPTER, 'seccam-2014.json'));
  t.deepEqual(file.chute, dir.chute);
  t.is(file.source.kind, 'file');
  t.is(file.source.baseDir, CHAPTER.replace(/\/$/, ''));
});
