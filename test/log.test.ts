// DEBUG matching of our logger, as the `debug` package reads the variable.
import test from 'ava';
import { isEnabled } from '../src/log.js';

const cases: [string, string | undefined, boolean][] = [
  ['paradrop:engine:lock', undefined, false],
  ['paradrop:engine:lock', '', false],
  ['paradrop:engine:lock', 'paradrop:*', true],
  ['paradrop:engine:lock', 'paradrop:engine:lock', true],
  ['paradrop:engine:lock', 'paradrop:ubus:*', false],
  ['paradrop:engine:lock', 'paradrop:*,-paradrop:engine:*', false],
  ['paradrop:engine:lock', '-paradrop:engine:* paradrop:*', false],
  ['paradrop:ubus:client', 'paradrop:*,-paradrop:engine:*', true],
  ['paradrop:ubus:client', '*', true],
  ['paradrop.x', 'paradrop?x', false],
];
for (const [ns, spec, expected] of cases) {
  test(`DEBUG=${JSON.stringify(spec)} ${expected ? 'enables' : 'leaves off'} ${ns}`, (t) => {
    t.is(isEnabled(ns, spec), expected);
  });
}
