// Program ids name log files and status lines inside the chute: they must be file-safe and unique
// whatever the chute calls its programs (the chapter calls one "DHCP Server").
import test from 'ava';
import { programIds } from '../../src/plan/runtime.js';

const cases: [string[], string[]][] = [
  [['webhosting', 'DHCP Server'], ['webhosting', 'dhcp-server']],
  [['a b', 'a-b', 'A B'], ['a-b', 'a-b-2', 'a-b-3']],
  [['../../etc/passwd'], ['etc-passwd']],
  [['', '***', '.hidden'], ['program', 'program-2', 'hidden']],
  [['Ünïcode name'], ['n-code-name']],
  [['x.log', 'x_1'], ['x.log', 'x_1']],
];

for (const [input, expected] of cases) {
  test(`programIds(${JSON.stringify(input)})`, (t) => {
    const ids = programIds(input);
    t.deepEqual(ids, expected);
    for (const id of ids) t.regex(id, /^[a-z0-9_][a-z0-9._-]*$/);
    t.is(new Set(ids).size, ids.length);
  });
}
