// Checks a Chute value that did not come straight from parseChute (a chute recorded in a state
// file by an older paradrop, one built in code) against the same rules parseChute applies, by
// writing it back in the chute language (toRawChute) and parsing that. Pure. This keeps every
// chute-intrinsic rule in one place: src/plan calls recheckChute instead of re-implementing them.
// Invariant, tested on the examples: parseChute(toRawChute(c)) deep-equals c for any c that
// parseChute returned.
import type { Chute } from './types.js';
import type { Problem } from '../errors.js';
import { ValidationError } from '../errors.js';
import { CPU_DEFAULT, DHCP_SERVER, MEMORY_DEFAULT, STORE_FILE } from './macros.js';
import { parseChute } from './parse.js';
import { indexPath, joinPath } from './problems.js';

type Raw = Record<string, unknown>;

/** A plain object whose keys are own data properties (a key "__proto__" stays a key). */
function define(obj: Raw, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `chute` in the chute language: the JSON a chute.json holding it would contain. */
export function toRawChute(chute: Chute): Raw {
  const net: Raw = {};
  for (const n of chute.struct.net) {
    const iface: Raw = { type: n.type, intfName: n.intfName };
    for (const key of ['ipaddr', 'netmask', 'ssid', 'encryption', 'key', 'radio'] as const) {
      if (n[key] !== undefined) iface[key] = n[key];
    }
    define(net, n.name, iface);
  }
  const resource: Raw = {
    cpu: chute.resource.cpu.kind === 'default' ? CPU_DEFAULT : chute.resource.cpu.value,
    memory: chute.resource.memory.kind === 'default' ? MEMORY_DEFAULT : chute.resource.memory.value,
  };
  for (const [name, bw] of Object.entries(chute.resource.net)) {
    define(resource, name, { ...(bw.downKbps === undefined ? {} : { down: bw.downKbps }), ...(bw.upKbps === undefined ? {} : { up: bw.upKbps }) });
  }
  return {
    name: chute.name,
    version: chute.version,
    ...(chute.description === '' ? {} : { description: chute.description }),
    ...(chute.owner === '' ? {} : { owner: chute.owner }),
    struct: { ...(chute.struct.diskKiB === undefined ? {} : { disk: { size: chute.struct.diskKiB } }), net },
    files: chute.files.map((f) => ({
      name: f.name,
      path: f.path,
      location: f.location.kind === 'store' ? `${STORE_FILE}(${f.location.path})` : f.location.kind === 'url' ? f.location.url : f.location.path,
      [f.hash.algorithm]: f.hash.hex,
      ...(f.extract ? { todo: 'EXTRACT' } : {}),
    })),
    resource,
    runtime: chute.runtime.map((e) => (e.kind === 'program'
      ? { name: e.name, program: e.program, args: e.args }
      : { name: e.name, program: DHCP_SERVER, ...(e.interfaces === undefined ? {} : { interfaces: e.interfaces }) })),
    traffic: chute.traffic.map((r) => ({
      name: r.name,
      ...(r.description === undefined ? {} : { description: r.description }),
      type: r.kind,
      from: r.from.network,
      fromAddress: r.from.address,
      port: r.from.port,
      to: r.to.iface,
      ...(r.to.address === undefined ? {} : { toAddress: r.to.address }),
      toPort: r.to.port,
      proto: r.proto,
    })),
  };
}

/**
 * Every rule of the chute language that `chute` breaks, as problems with JSON paths
 * (`struct.net.wan.netmask`). Empty when parseChute would have returned this very chute.
 */
export function recheckChute(chute: Chute): Problem[] {
  const problems: Problem[] = [];
  // Two interfaces of one name cannot be written as keys of struct.net: say so, check the rest.
  const seen = new Set<string>();
  chute.struct.net.forEach((n, i) => {
    if (seen.has(n.name)) {
      const path = indexPath(joinPath('struct', 'net'), i);
      problems.push({ code: 'FIELD_INVALID', path, value: n.name, expected: 'unique interface names',
        message: `${path}: the interface name ${JSON.stringify(n.name)} is used twice` });
    }
    seen.add(n.name);
  });
  try {
    parseChute(toRawChute(chute));
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.problems);
  }
  return problems;
}
