// The host-network guard: on a plain Linux machine, chute networking in the machine's own network
// namespace is refused before anything changes. The inner applier here is a recording stand-in:
// letting a real one loose in the root namespace is exactly what must never happen on this
// machine. Namespace detection itself is checked for real, in and out of a namespace.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { guarded, inInitialNetns } from '../../src/platform/system-network.js';
import { ParadropError } from '../../src/errors.js';
import type { NetworkApplier, UciConfigSet } from '../../src/platform/network-applier.js';
import { parseUci } from '../../src/uci/parse.js';
import { defaultProfile } from '../../src/plan/profile.js';

function config(network: string): UciConfigSet {
  return {
    network: parseUci(network, 'network'),
    wireless: parseUci('', 'wireless'),
    dhcp: parseUci('', 'dhcp'),
    firewall: parseUci('', 'firewall'),
  };
}

function recorder(): NetworkApplier & { calls: string[] } {
  const calls: string[] = [];
  return { calls, apply: async () => { calls.push('apply'); }, applyShaping: async () => { calls.push('shaping'); } };
}

test('recording stand-in applier: chute sections in the host namespace are refused before the applier runs', async (t) => {
  const inner = recorder();
  const err = await t.throwsAsync(guarded(inner).apply(config("config interface 'pd_abc0'\n\toption proto 'static'\n"), defaultProfile()));
  t.true(err instanceof ParadropError);
  t.is((err as ParadropError).code, 'HOST_NETWORK_REFUSED');
  t.regex(err!.message, /PARADROP_HOST_NETWORK=1/);
  t.deepEqual(inner.calls, []);
});

test('recording stand-in applier: a config without chute sections (chutes without interfaces) passes through', async (t) => {
  const inner = recorder();
  await guarded(inner).apply(config("config interface 'lan'\n\toption proto 'static'\n"), defaultProfile());
  t.deepEqual(inner.calls, ['apply']);
});

test('the test runner shares pid 1\'s network namespace; a child in another namespace does not', async (t) => {
  t.true(await inInitialNetns());
  const ns = `pdg-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    // The built module, run in the new namespace, must say it is not the host's.
    const mod = new URL('../../src/platform/system-network.js', import.meta.url).pathname;
    const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e',
      `const m = await import(${JSON.stringify(mod)}); console.log(await m.inInitialNetns())`], { encoding: 'utf8' }).trim();
    t.is(out, 'false');
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});
