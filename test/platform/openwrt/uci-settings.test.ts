// /etc/config/paradrop → settings and the gateway profile (the shipped file, and a changed one).
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileFromUci, readParadropUci } from '../../../src/cli/uci-settings.js';
import { resolveSettings } from '../../../src/cli/settings.js';
import { bufferIo } from '../../../src/cli/io.js';
import { defaultProfile } from '../../../src/plan/profile.js';
import { ParadropError } from '../../../src/errors.js';

test('the shipped /etc/config/paradrop gives the built-in defaults; changed options reach the profile and settings', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pd-ucis-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const shipped = await readParadropUci({ PARADROP_UCI_CONFIG: join(process.cwd(), 'files/etc/config/paradrop') });
  t.is(shipped?.state_dir, '/srv/paradrop');
  const base = defaultProfile();
  const p0 = await profileFromUci(base, shipped!, dir);
  t.is(p0.subnetPool, base.subnetPool);
  t.deepEqual(p0.defaults, base.defaults);
  t.deepEqual(p0.radios, []);

  await writeFile(join(dir, 'wireless'), "config wifi-device 'radio0'\n\toption band '5g'\nconfig wifi-device 'radio1'\n\toption hwmode '11g'\n");
  const file = join(dir, 'paradrop');
  await writeFile(file, "config paradrop 'main'\n\toption state_dir '" + join(dir, 'state') + "'\n\toption subnet_pool '10.200.0.0/16'\n" +
    "\toption memory_default '32M'\n\toption grace_period '3'\n\toption radio_policy 'listed'\n\tlist radio 'radio0'\n\toption radio_max_aps '2'\n\toption chute_dns '0'\n");
  const io = bufferIo('', dir);
  io.env = { PARADROP_UCI_CONFIG: file, PARADROP_CONFIG_DIR: dir, PARADROP_PLATFORM: 'linux' };
  const s = await resolveSettings({}, io);
  t.is(s.stateDir, join(dir, 'state'));
  t.is(s.graceMs, 3000);
  t.is(s.profile.subnetPool, '10.200.0.0/16');
  t.is(s.profile.defaults.memoryBytes, 32 * 1024 * 1024);
  t.false(s.profile.chuteDns);
  t.deepEqual(s.profile.radios, [{ name: 'radio0', band: '5g', maxAps: 2 }]);
  io.env.PARADROP_GRACE = '7';
  t.is((await resolveSettings({}, io)).graceMs, 7000, 'the environment wins over UCI');

  await writeFile(file, "config paradrop 'main'\n\toption memory_default 'lots'\n");
  const err = await t.throwsAsync(resolveSettings({}, io));
  t.true(err instanceof ParadropError);
  t.is((err as ParadropError).code, 'PROFILE_INVALID');
  t.regex(err!.message, /memory_default "lots" is not a size/);
});
