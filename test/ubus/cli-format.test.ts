// CLI texts and exit codes of the ubus tool, and the status vocabulary.
import test from 'ava';
import { callExitCode, callFailure, formatCallOutput, formatEventLine, formatListOutput, plainFailure } from '../../src/ubus/cli-format.js';
import { UbusError, UbusStatus, errorCodeForStatus, statusName, statusText } from '../../src/ubus/status.js';

const exits: Array<[number, number]> = [[0, 0], [2, 254], [3, 253], [4, 252], [6, 250], [7, 249], [8, 248], [12, 244]];
for (const [status, code] of exits) {
  test(`ubus call exit code for status ${status} is ${code}`, (t) => {
    t.is(callExitCode(status), code);
  });
}

test('call failure text names the call and argument', (t) => {
  t.deepEqual(callFailure('demo', 'add', '{"a":1}', 2), {
    exitCode: 254, stderr: 'Command failed: ubus call demo add {"a":1} (Invalid argument)\n', usage: true,
  });
  t.deepEqual(callFailure('demo', 'fail', undefined, 8), {
    exitCode: 248, stderr: 'Command failed: ubus call demo fail (Operation not supported)\n', usage: false,
  });
  t.deepEqual(plainFailure(4), { exitCode: 4, stderr: 'Command failed: Not found\n', usage: false });
});

test('call output from JS values uses libubox formatting', (t) => {
  t.is(formatCallOutput({}), '{\n\t\n}\n');
  t.is(formatCallOutput({ a: 1, d: 0.5 }, { simple: true }), '{"a":1,"d":0.500000}\n');
  t.is(formatEventLine('x.y', { n: [true] }), '{ "x.y": {"n":[true]} }\n');
});

test('verbose list names argument types like the CLI', (t) => {
  t.is(formatListOutput([{ path: 'o', id: 0xab, signature: { m: { s: 3, i: 5, b: 7, a: 1, t: 2, l: 4 }, n: {} } }], { verbose: true }),
    "'o' @000000ab\n\t\"m\":{\"s\":\"String\",\"i\":\"Integer\",\"b\":\"Boolean\",\"a\":\"Array\",\"t\":\"Table\",\"l\":\"(unknown)\"}\n\t\"n\":{}\n");
});

test('status names, texts and error codes', (t) => {
  t.is(statusName(UbusStatus.METHOD_NOT_FOUND), 'METHOD_NOT_FOUND');
  t.is(statusName(42), 'STATUS_42');
  t.is(statusText(5), 'No response');
  t.is(statusText(99), 'Unknown error: 99');
  t.is(errorCodeForStatus(13), 'UBUS_SYSTEM_ERROR');
  t.is(errorCodeForStatus(99), 'UBUS_UNKNOWN_ERROR');
  const err = new UbusError(99, 'odd');
  t.is(err.status, 99);
  t.deepEqual(err.toJSON(), { code: 'UBUS_UNKNOWN_ERROR', message: 'odd', status: 99 });
});
