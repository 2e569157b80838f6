// A chute with a network interface, end to end through the CLI, inside a gateway network
// namespace the test makes (nothing in the host's): install writes paradrop's UCI sections and
// the plain-Linux applier turns them into a bridge with the gateway's address, the chute's veth
// on it, tc shaping both ways and the `inet paradrop` nftables table; set-resources changes the
// rate live; removal takes all of it away again, UCI files included.
import test from 'ava';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cli, makeGatewayNs, makeSysEnv, snapshot, sysExec, uniqueName, writeChute } from './helpers/system.js';

test('a wan chute in a gateway namespace: bridge, address, veth, shaping and firewall come and go with it', async (t) => {
  t.timeout(5 * 60_000);
  const e = await makeSysEnv(t);
  await makeGatewayNs(e);
  const name = uniqueName('net');
  const dir = await writeChute(e, name, { resource: { wan: { down: 5000, up: 1000 } } });
  const { writeFile, readFile } = await import('node:fs/promises');
  const chute = JSON.parse(await readFile(join(dir, 'chute.json'), 'utf8')) as { struct: { net: Record<string, unknown> } };
  chute.struct.net.wan = { type: 'wan', intfName: 'eth0' };
  await writeFile(join(dir, 'chute.json'), JSON.stringify(chute));

  const before = await snapshot(e, [name]);
  const r = await cli(e, ['install', dir]);
  t.is(r.exitCode, 0, r.stderr);
  const status = JSON.parse((await cli(e, ['status', name, '--json'])).stdout) as {
    state: string; interfaces: Array<{ address: string; gateway: string; bridge: string; hostVeth: string; downKbps: number; upKbps: number }>;
  };
  t.is(status.state, 'RUNNING');
  const i = status.interfaces[0]!;
  t.like(i, { downKbps: 5000, upKbps: 1000 });

  const snap = await snapshot(e, [name]);
  const prefix = i.address.split('/')[1];
  t.true(snap.network.includes(`link ${i.bridge} ${i.gateway}/${prefix}`), snap.network.join('\n'));
  t.true(snap.network.some((l) => l.startsWith(`link ${i.hostVeth} master ${i.bridge}`)), 'the chute\'s veth is on its bridge');
  t.true(snap.network.some((l) => l.startsWith(`${i.hostVeth}: class htb 7064:1`) && l.includes('rate 5Mbit')), 'download shaped on the gateway side');
  t.true(snap.network.some((l) => l.startsWith('table inet paradrop')), 'the firewall table');
  t.deepEqual(Object.keys(snap.uci).sort(), ['dhcp', 'firewall', 'network']);
  t.regex(snap.uci.network!, new RegExp(`config interface 'pd_`));

  const inside = await sysExec(e, 'lxc-attach', ['-P', join(e.stateDir, 'lxc'), '-n', `pd-${name}`, '--', 'ip', '-4', 'addr', 'show', 'eth0']);
  t.regex(String(inside.stdout), new RegExp(`inet ${i.address.replace(/\./g, '\\.')}`), 'the chute has its address');
  // How the upload is shaped is the applier's business (its tests measure rates); here: something is.
  t.true(snap.network.filter((l) => l.startsWith('qdisc htb')).length >= 2, 'download and upload shaped');

  const sr = await cli(e, ['set-resources', name, '--net', 'wan:down=2000']);
  t.is(sr.exitCode, 0, sr.stderr);
  t.true((await snapshot(e, [name])).network.some((l) => l.startsWith(`${i.hostVeth}: class htb 7064:1`) && l.includes('rate 2Mbit')));

  const rm = await cli(e, ['remove', name]);
  t.is(rm.exitCode, 0, rm.stderr);
  const after = await snapshot(e, [name]);
  t.deepEqual(after.network, before.network, 'nothing of paradrop left in the network namespace');
  t.deepEqual(after, { ...before, journal: [] });
  t.deepEqual(await readdir(join(e.stateDir, 'config')).catch(() => []), [], 'UCI files that held only paradrop\'s sections are gone');
});
