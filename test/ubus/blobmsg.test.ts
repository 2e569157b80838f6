// blobmsg codec and libubox JSON formatter against vectors/ubus/blobmsg.json, one test per case.
import test from 'ava';
import { decodeBlobmsgContainer, decodeBlobmsgFields, encodeBlobmsgContainer, encodeBlobmsgFields } from '../../src/ubus/blobmsg.js';
import { parseJsonToBlobmsg } from '../../src/ubus/blobmsg-json.js';
import { formatBlobmsgJson } from '../../src/ubus/blobmsg-format.js';
import { UbusError } from '../../src/ubus/status.js';
import { hex, loadBlobmsgVectors, typedView, unhex } from './vectors.js';

const vectors = loadBlobmsgVectors();

for (const c of vectors.encode) {
  if (!c.accepted) {
    test(`blobmsg encode rejects ${c.name}`, (t) => {
      const err = t.throws(() => parseJsonToBlobmsg(c.json));
      t.true(err instanceof UbusError);
      t.is((err as UbusError).code, 'UBUS_PARSE_ERROR');
      t.is((err as UbusError).status, 12);
    });
    continue;
  }
  test(`blobmsg encode ${c.name}`, (t) => {
    const want = (v: string | undefined, what: string): string => {
      if (v === undefined) throw new Error(`accepted case ${c.name} lacks ${what}`);
      return v;
    };
    const fields = parseJsonToBlobmsg(c.json);
    t.is(hex(encodeBlobmsgFields(fields)), want(c.hex, 'hex'), 'hex');
    t.is(hex(encodeBlobmsgContainer(fields)), want(c.blob_hex, 'blob_hex'), 'blob_hex');
    t.is(formatBlobmsgJson(fields), want(c.format_compact, 'format_compact'), 'format_compact');
    t.is(formatBlobmsgJson(fields, { indent: 0 }), want(c.format_indent, 'format_indent'), 'format_indent');
    // The decoder gives back the types libubox chose, and re-encodes byte for byte.
    const decoded = decodeBlobmsgFields(unhex(want(c.hex, 'hex')));
    t.deepEqual(typedView(decoded), c.types, 'types');
    t.is(hex(encodeBlobmsgFields(decoded)), want(c.hex, 'hex'), 're-encode');
    t.deepEqual(decodeBlobmsgContainer(unhex(want(c.blob_hex, 'blob_hex'))), decoded, 'container decode');
  });
}

for (const c of vectors.decode) {
  test(`blobmsg decode ${c.name}`, (t) => {
    const fields = decodeBlobmsgFields(unhex(c.hex));
    t.is(formatBlobmsgJson(fields), c.format_compact, 'format_compact');
    t.is(formatBlobmsgJson(fields, { indent: 0 }), c.format_indent, 'format_indent');
    t.is(hex(encodeBlobmsgFields(fields)), c.hex, 're-encode keeps every byte, invalid members included');
  });
}
