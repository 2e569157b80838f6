import test from 'ava';
import {
  MAX_DEVICE_NAME, MAX_ZONE_NAME, containerName, interfaceNames, isSectionOfSlot, isValidDeviceName,
  isValidSectionName, redirectSectionName,
} from '../../src/plan/names.js';

test('names derive from slot and interface index', (t) => {
  const table: [string, number, Record<string, string>][] = [
    ['abc', 0, { uciInterface: 'pd_abc0', bridge: 'br-pdabc0', hostVeth: 'vpdabc0', zone: 'pdzabc0' }],
    ['z9q', 1, { uciInterface: 'pd_z9q1', bridge: 'br-pdz9q1', hostVeth: 'vpdz9q1', zone: 'pdzz9q1' }],
    ['000', 31, { uciInterface: 'pd_00031', bridge: 'br-pd00031', hostVeth: 'vpd00031', zone: 'pdz00031' }],
  ];
  for (const [slot, index, expected] of table) {
    const n = interfaceNames(slot, index);
    t.like(n, expected, `${slot}/${index}`);
    t.deepEqual(n.sections, {
      device: `pd_${slot}${index}_br`, interface: `pd_${slot}${index}`, wifiIface: `pd_${slot}${index}_ap`,
      dhcp: `pd_${slot}${index}`, zone: `pd_${slot}${index}_z`, forwarding: `pd_${slot}${index}_fwd`, dnsRule: `pd_${slot}${index}_dns`,
    });
  }
  t.is(redirectSectionName('abc', 2), 'pd_abc_r2');
  t.is(containerName('seccam'), 'pd-seccam');
});

test('the longest names stay within Linux and firewall4 limits', (t) => {
  const n = interfaceNames('zzz', 99);
  t.true(n.bridge.length <= MAX_DEVICE_NAME && isValidDeviceName(n.bridge));
  t.true(n.hostVeth.length <= MAX_DEVICE_NAME && isValidDeviceName(n.hostVeth));
  t.true(n.zone.length <= MAX_ZONE_NAME);
  for (const s of Object.values(n.sections)) t.true(isValidSectionName(s), s);
});

test('device and section name checks', (t) => {
  const devices: [string, boolean][] = [
    ['eth0', true], ['br-pdabc0', true], ['a'.repeat(15), true], ['a'.repeat(16), false], ['', false],
    ['eth 0', false], ['eth/0', false], ['..', false], ['wlan0.1', true],
  ];
  for (const [name, ok] of devices) t.is(isValidDeviceName(name), ok, name);
  const sections: [string, boolean][] = [['pd_abc0', true], ['pd-abc0', false], ['pd abc', false], ['', false], ['x_Y_9', true]];
  for (const [name, ok] of sections) t.is(isValidSectionName(name), ok, name);
});

test('a section belongs to exactly one slot', (t) => {
  t.true(isSectionOfSlot('pd_abc0_br', 'abc'));
  t.true(isSectionOfSlot('pd_abc_r3', 'abc'));
  t.true(isSectionOfSlot('pd_abc12_z', 'abc'));
  t.false(isSectionOfSlot('pd_abc0_br', 'ab0'));
  t.false(isSectionOfSlot('pd_abcd_br', 'abc'));
  t.false(isSectionOfSlot('lan', 'abc'));
});
