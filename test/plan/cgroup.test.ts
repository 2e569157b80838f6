import test from 'ava';
import { MAX_WEIGHT, MIN_WEIGHT, cgroupLimits, lxcCgroupKeys, sharesToWeight } from '../../src/plan/cgroup.js';

test('shares map to weight: 1024 -> 100, linear, clamped to 1..10000', (t) => {
  const table: [number, number][] = [
    [1024, 100], [512, 50], [2048, 200], [256, 25], [100, 10], [10, 1], [5, 1], [2, 1], [1, 1], [0, 1],
    [6, 1], [7, 1], [15, 1], [16, 2], [262144, 10000], [102400, 10000], [102399, 10000], [102348, 9995], [10240, 1000],
  ];
  for (const [shares, weight] of table) t.is(sharesToWeight(shares), weight, `shares ${shares}`);
});

test('shares to weight is monotonic and in range over the whole v1 range', (t) => {
  let prev = sharesToWeight(2);
  let ok = true;
  for (let s = 2; s <= 262144; s++) {
    const w = sharesToWeight(s);
    if (w < prev || w < MIN_WEIGHT || w > MAX_WEIGHT || !Number.isInteger(w)) { ok = false; t.fail(`shares ${s} -> ${w} after ${prev}`); break; }
    prev = w;
  }
  t.true(ok);
});

test('v1 limits are lxc.cgroup.* only, v2 lxc.cgroup2.* only', (t) => {
  const v1 = cgroupLimits('v1', 512, 64 << 20);
  t.deepEqual(v1.files, { 'cpu.shares': '512', 'memory.limit_in_bytes': String(64 << 20) });
  t.deepEqual(lxcCgroupKeys(v1).map(([k]) => k), ['lxc.cgroup.cpu.shares', 'lxc.cgroup.memory.limit_in_bytes']);
  const v2 = cgroupLimits('v2', 512, 64 << 20);
  t.deepEqual(v2.files, { 'cpu.weight': '50', 'memory.max': String(64 << 20) });
  t.deepEqual(lxcCgroupKeys(v2).map(([k]) => k), ['lxc.cgroup2.cpu.weight', 'lxc.cgroup2.memory.max']);
  t.is(v2.cpuWeight, 50);
  t.is(v1.cpuShares, 512);
});
