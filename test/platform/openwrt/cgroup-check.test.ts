// OpenWrt's cgroup rule: v2 only; a hybrid or v1-only mount is refused with a message saying
// why; a chute's cgroup must lie outside the daemon's procd cgroup. Pure.
import test from 'ava';
import { checkOpenWrtCgroup, chuteCgroupIsOutside, unifiedCgroupOf } from '../../../src/platform/openwrt/index.js';
import { ParadropError } from '../../../src/errors.js';

test('cgroup v2 passes; hybrid and v1 are refused with CGROUP_UNAVAILABLE and a clear message', (t) => {
  t.notThrows(() => checkOpenWrtCgroup({ mode: 'v2' }));
  for (const [mode, re] of [['hybrid', /hybrid cgroup mount.*cgroup v2 only/], ['v1', /needs cgroup v2.*only cgroup v1/]] as const) {
    const err = t.throws(() => checkOpenWrtCgroup({ mode }));
    t.true(err instanceof ParadropError);
    t.is((err as ParadropError).code, 'CGROUP_UNAVAILABLE');
    t.regex(err!.message, re);
  }
});

test('chute cgroups outside the daemon\'s procd cgroup', (t) => {
  const daemon = unifiedCgroupOf('0::/services/paradrop/instance1\n');
  t.is(daemon, '/services/paradrop/instance1');
  const cases: Array<[string, boolean]> = [
    ['/lxc.payload.pd-a1', true],
    ['/services/paradrop/instance1/lxc.payload.pd-a1', false],
    ['/services/paradrop/instance1', false],
    ['/services/paradrop/instance10', true],
  ];
  for (const [chute, outside] of cases) t.is(chuteCgroupIsOutside(daemon!, chute), outside, chute);
  t.is(unifiedCgroupOf('1:name=systemd:/x\n'), undefined);
});
