// Test helper: a STAND-IN for an installed chute's Wi-Fi side (test/e2e runs the real `paradrop
// install`; these tests exercise the programs alone, fast and without LXC): what paradrop would
// make is made by hand from the compiler's own plan for the example chute
// on the sim's gateway profile (`sim-home profile`): the chute's wifi bridge on the gateway
// (br-pd...), the chute's namespace (P<chute>) with its interface and address on a veth into
// that bridge, and the DHCP server the @net.runtime.dhcpserver macro compiles to (the compiler's
// dnsmasq argv, with its /tmp files moved into a private directory). The device programs then
// attach with `sim-home attach-camera|attach-sensor BRIDGE` exactly as they will in the real
// thing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChute } from '../../src/chute/load.js';
import { compile } from '../../src/plan/compile.js';
import { parseProfile } from '../../src/plan/profile.js';
import type { ChutePlan, InterfacePlan } from '../../src/plan/types.js';
import { run, STORE, type Proc, type SimHome } from './helpers.js';

export interface StandIn {
  /** Role of the chute's namespace in the home (`seccam`: namespace P + 'seccam'). */
  role: string;
  plan: ChutePlan;
  wifi: InterfacePlan;
  /** Private directory holding dnsmasq's pid and lease files (the chute's /tmp). */
  tmp: string;
  leaseFile: string;
  /** The compiled dnsmasq argv as run. */
  dnsmasqArgv: string[];
  dnsmasq: Proc;
}

export async function standInChute(home: SimHome, chuteName: 'seccam' | 'envsense'): Promise<StandIn> {
  const { chute } = await loadChute(join(STORE, chuteName));
  const profile = parseProfile(JSON.parse(String((await home.sim(['profile'])).stdout)));
  const plan = compile(profile, [{ chute }]).chutes[0]!;
  const wifi = plan.interfaces.find((i) => i.type === 'wifi')!;
  const dhcp = plan.runtime.find((r) => r.origin === 'dhcpserver')!;

  const role = chuteName;
  const ns = home.ns(role);
  const gw = home.ns('gateway');
  await run('ip', ['netns', 'add', ns]);
  home.onTeardown(async () => {
    // Whatever is left inside (it is all ours) goes before the namespace does.
    const pids = String((await run('ip', ['netns', 'pids', ns], { reject: false })).stdout).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await run('ip', ['netns', 'delete', ns], { reject: false });
  });
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  await run('ip', ['-n', gw, 'link', 'add', wifi.bridge, 'type', 'bridge']);
  await run('ip', ['-n', gw, 'link', 'set', wifi.bridge, 'up']);
  await run('ip', ['-n', gw, 'link', 'add', wifi.hostVeth, 'type', 'veth', 'peer', 'name', wifi.intfName, 'netns', ns]);
  await run('ip', ['-n', gw, 'link', 'set', wifi.hostVeth, 'master', wifi.bridge]);
  await run('ip', ['-n', gw, 'link', 'set', wifi.hostVeth, 'up']);
  await run('ip', ['-n', ns, 'link', 'set', wifi.intfName, 'address', wifi.mac]);
  await run('ip', ['-n', ns, 'addr', 'add', `${wifi.chuteAddress}/${wifi.prefixLength}`, 'dev', wifi.intfName]);
  await run('ip', ['-n', ns, 'link', 'set', wifi.intfName, 'up']);

  const tmp = await mkdtemp(join(tmpdir(), `pd-${chuteName}-tmp-`));
  home.onTeardown(() => rm(tmp, { recursive: true, force: true }));
  const argv = dhcp.argv.map((a) => a.replace(/=\/tmp\//, `=${tmp}/`));
  const leaseFile = argv.find((a) => a.startsWith('--dhcp-leasefile='))!.slice('--dhcp-leasefile='.length);
  const dnsmasq = home.spawn(role, argv[0]!, argv.slice(1));
  await dnsmasq.waitOutput(/DHCP, sockets bound exclusively to interface/);
  return { role, plan, wifi, tmp, leaseFile, dnsmasqArgv: argv, dnsmasq };
}

/** Leases in dnsmasq's lease file: `expiry mac ip hostname clientid`. */
export function parseLeases(text: string): Array<{ mac: string; ip: string; hostname: string }> {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const [, mac, ip, hostname] = l.trim().split(/\s+/);
    return { mac: mac!, ip: ip!, hostname: hostname! };
  });
}
