// JS values <-> blobmsg for the client and server API: a JS object becomes a member list the way
// its JSON text would (integers INT32 or INT64, other numbers DOUBLE, booleans INT8, null UNSPEC),
// and received members become plain JS objects. TypedBlobmsg pins an exact wire type where JS
// can't tell (int16, int64, a double that happens to be integral) or passes fields through as is.
// Invariants: integers beyond int64 clamp like json-c; `undefined` members are left out; an
// INT64 that a JS number can't hold exactly comes back as a bigint; invalid members are dropped.
import { type BlobmsgField, type BlobmsgValue } from './blobmsg.js';
import { UbusError, UbusStatus } from './status.js';

const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** INT32 when it fits, else INT64 clamped to the int64 range (json-c's behaviour). */
export function integerValue(n: bigint): BlobmsgValue {
  const clamped = n > INT64_MAX ? INT64_MAX : n < INT64_MIN ? INT64_MIN : n;
  if (clamped >= INT32_MIN && clamped <= INT32_MAX) return { type: 'int32', value: Number(clamped) };
  return { type: 'int64', value: clamped };
}

/** Marks a JS value with an exact blobmsg type (int16, int64, double, or a ready field list). */
export class TypedBlobmsg {
  constructor(readonly value: BlobmsgValue) {}
}

export const asInt16 = (n: number): TypedBlobmsg => new TypedBlobmsg({ type: 'int16', value: n });
export const asInt32 = (n: number): TypedBlobmsg => new TypedBlobmsg({ type: 'int32', value: n });
export const asInt64 = (n: number | bigint): TypedBlobmsg => new TypedBlobmsg({ type: 'int64', value: BigInt(n) });
export const asDouble = (n: number): TypedBlobmsg => new TypedBlobmsg({ type: 'double', value: n });
/** A table given as already-typed fields (e.g. echoing a request's arguments unchanged). */
export const asTable = (children: BlobmsgField[]): TypedBlobmsg => new TypedBlobmsg({ type: 'table', children });

const MAX_JS_DEPTH = 64;

function jsError(path: string, value: unknown, expected: string): UbusError {
  return new UbusError(UbusStatus.INVALID_ARGUMENT, `${path} can't be sent over ubus: ${expected}`, { path, value: String(value), expected });
}

function numberValue(n: number): BlobmsgValue {
  if (!Number.isInteger(n)) return { type: 'double', value: n };
  if (n >= -2147483648 && n <= 2147483647) return { type: 'int32', value: n };
  return integerValue(BigInt(n));
}

/**
 * A JS value to blobmsg, the way JSON would go through blobmsg_json: integers become INT32 or
 * INT64, other numbers DOUBLE (a JS `1.0` is an integer: use asDouble), booleans INT8, null UNSPEC.
 * `undefined` members are left out, objects with toJSON (Date) are converted first.
 */
export function toBlobmsgValue(value: unknown, path = 'value', depth = 0): BlobmsgValue {
  if (depth > MAX_JS_DEPTH) throw jsError(path, '...', `nesting deeper than ${MAX_JS_DEPTH}`);
  if (value instanceof TypedBlobmsg) return value.value;
  if (value === null) return { type: 'unspec' };
  switch (typeof value) {
    case 'boolean': return { type: 'int8', value: value ? 1 : 0 };
    case 'string': return { type: 'string', value };
    case 'number': return numberValue(value);
    case 'bigint': return integerValue(value);
    case 'object': break;
    default: throw jsError(path, typeof value, 'a JSON value (not a function, symbol or undefined)');
  }
  if (Array.isArray(value)) {
    return { type: 'array', children: value.map((v, i) => ({ name: '', value: toBlobmsgValue(v === undefined ? null : v, `${path}[${i}]`, depth + 1) })) };
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return toBlobmsgValue(withJson.toJSON(), path, depth + 1);
  const children: BlobmsgField[] = [];
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    children.push({ name, value: toBlobmsgValue(v, `${path}.${name}`, depth + 1) });
  }
  return { type: 'table', children };
}

/** A JS object (or asTable) to the member list of UBUS_ATTR_DATA. */
export function toBlobmsgFields(value: Record<string, unknown> | TypedBlobmsg | undefined, path = 'message'): BlobmsgField[] {
  if (value === undefined) return [];
  const v = toBlobmsgValue(value, path);
  if (v.type !== 'table') throw jsError(path, value, 'a JSON object at the top level');
  return v.children;
}

/** blobmsg to JS: INT8 -> boolean, INT64 -> number when exact else bigint, invalid entries dropped. */
export function fromBlobmsgValue(value: BlobmsgValue): unknown {
  switch (value.type) {
    case 'unspec': return null;
    case 'int8': return value.value !== 0;
    case 'int16': case 'int32': case 'double': case 'string': return value.value;
    case 'int64': {
      const n = Number(value.value);
      return Number.isSafeInteger(n) ? n : value.value;
    }
    case 'array':
      return value.children.filter((c) => c.value.type !== 'invalid').map((c) => fromBlobmsgValue(c.value));
    case 'table':
      return fromBlobmsgFields(value.children);
    case 'invalid':
      return undefined;
  }
}

/** A member list to a JS object; a repeated name keeps the last value. */
export function fromBlobmsgFields(fields: readonly BlobmsgField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.value.type === 'invalid') continue;
    // defineProperty so that a member called "__proto__" stays data, not a prototype change.
    Object.defineProperty(out, f.name, { value: fromBlobmsgValue(f.value), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
