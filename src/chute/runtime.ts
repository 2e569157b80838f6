// Validates `runtime` (the chapter's Chute.runtime): the programs run inside the chute, and the
// `@net.runtime.dhcpserver` macro. Pure. Invariants of the result: entry names are unique and
// non-empty; programs are non-empty and free of NUL and control characters; args are a list of
// strings (a string is split like a shell would, without expansion); at most one DHCP server, and
// only in a chute with a wifi interface, serving only wifi interfaces.
import type { RuntimeEntry } from './types.js';
import { type Obj, checkFields, expectList, expectObject, expectString, has, requireField, wrongType } from './check.js';
import { type ProblemList, indexPath, joinPath, show } from './problems.js';
import { DHCP_SERVER, isMacro, reportBadMacro, splitMacro } from './macros.js';
import { splitShellWords } from './shell-words.js';
import type { IfaceFacts } from './struct.js';

const ENTRY_FIELDS = ['name', 'program', 'args', 'interfaces'] as const;

export function parseRuntime(raw: unknown, path: string, problems: ProblemList, ifaces: Map<string, IfaceFacts>): RuntimeEntry[] {
  const list = expectList(raw, path, problems, 'a list of programs');
  if (!list) return [];
  const out: RuntimeEntry[] = [];
  const names = new Map<string, string>();
  let dhcpAt: string | undefined;
  list.forEach((item, i) => {
    const itemPath = indexPath(path, i);
    const obj = expectObject(item, itemPath, problems);
    if (!obj) return;
    const entry = parseEntry(obj, itemPath, problems, ifaces);
    if (!entry) return;
    const other = names.get(entry.name);
    if (other !== undefined) {
      problems.invalid(joinPath(itemPath, 'name'), entry.name, `${show(entry.name)} is already the name of ${other}`,
        'a name unique among the runtime entries');
      return;
    }
    names.set(entry.name, itemPath);
    if (entry.kind === 'dhcpserver') {
      if (dhcpAt !== undefined) {
        problems.invalid(joinPath(itemPath, 'program'), DHCP_SERVER, `a chute runs one DHCP server; ${dhcpAt} already is one`,
          'one @net.runtime.dhcpserver entry');
        return;
      }
      dhcpAt = itemPath;
    }
    out.push(entry);
  });
  return out;
}

function parseEntry(obj: Obj, path: string, problems: ProblemList, ifaces: Map<string, IfaceFacts>): RuntimeEntry | undefined {
  const before = problems.count;
  const suggested = checkFields(obj, path, ENTRY_FIELDS, problems);
  const nameRaw = requireField(obj, 'name', path, problems, suggested, 'a string');
  const name = nameRaw === undefined ? undefined : expectString(nameRaw, joinPath(path, 'name'), problems, { max: 64, plain: true });
  const programRaw = requireField(obj, 'program', path, problems, suggested, `a program to run, or ${DHCP_SERVER}`);
  const programPath = joinPath(path, 'program');
  const program = programRaw === undefined ? undefined : checkProgram(programRaw, programPath, problems);
  if (program === undefined) {
    if (has(obj, 'args')) parseArgs(obj.args, joinPath(path, 'args'), problems);
    return undefined;
  }
  if (isMacro(program)) {
    const call = splitMacro(program);
    if (call?.name !== DHCP_SERVER) {
      reportBadMacro(problems, programPath, program, [DHCP_SERVER]);
      return undefined;
    }
    if (call.args !== undefined) {
      problems.invalid(programPath, program, `${DHCP_SERVER} takes no arguments (list the interfaces in "interfaces" instead)`, DHCP_SERVER);
      return undefined;
    }
    if (has(obj, 'args')) problems.invalid(joinPath(path, 'args'), obj.args, `${DHCP_SERVER} takes no args`, 'no args');
    const interfaces = parseDhcpInterfaces(obj, path, problems, ifaces);
    if (problems.count !== before || name === undefined) return undefined;
    return interfaces === undefined ? { kind: 'dhcpserver', name } : { kind: 'dhcpserver', name, interfaces };
  }
  if (has(obj, 'interfaces')) {
    problems.invalid(joinPath(path, 'interfaces'), obj.interfaces, `only a ${DHCP_SERVER} entry takes "interfaces"`, 'no interfaces');
  }
  const args = has(obj, 'args') ? parseArgs(obj.args, joinPath(path, 'args'), problems) : [];
  if (problems.count !== before || name === undefined || args === undefined) return undefined;
  return { kind: 'program', name, program, args };
}

function checkProgram(raw: unknown, path: string, problems: ProblemList): string | undefined {
  const text = expectString(raw, path, problems);
  if (text === undefined) return undefined;
  if (text.includes('\u0000')) {
    problems.invalid(path, text, `${show(text)} contains a NUL character`, 'a program name or path');
    return undefined;
  }
  if (/[\u0001-\u001f\u007f]/.test(text)) {
    problems.invalid(path, text, `${show(text)} contains a control character`, 'a program name or path');
    return undefined;
  }
  if (text.trim() === '') {
    problems.invalid(path, text, 'must not be blank', 'a program name or path');
    return undefined;
  }
  return text;
}

function parseArgs(raw: unknown, path: string, problems: ProblemList): string[] | undefined {
  const expected = 'a string (split like a shell, without expansion) or a list of strings';
  if (typeof raw === 'string') {
    if (raw.includes('\u0000')) {
      problems.invalid(path, raw, `${show(raw)} contains a NUL character`, expected);
      return undefined;
    }
    const r = splitShellWords(raw);
    if (!r.ok) {
      problems.invalid(path, raw, `${show(raw)} cannot be split into words: ${r.reason}`, expected);
      return undefined;
    }
    return r.words;
  }
  if (!Array.isArray(raw)) {
    wrongType(problems, path, raw, expected);
    return undefined;
  }
  let ok = true;
  raw.forEach((arg, i) => {
    const argPath = indexPath(path, i);
    if (typeof arg !== 'string') {
      wrongType(problems, argPath, arg, 'a string');
      ok = false;
    } else if (arg.includes('\u0000')) {
      problems.invalid(argPath, arg, `${show(arg)} contains a NUL character`, 'a string without NUL');
      ok = false;
    }
  });
  return ok ? (raw as string[]) : undefined;
}

function parseDhcpInterfaces(obj: Obj, path: string, problems: ProblemList, ifaces: Map<string, IfaceFacts>): string[] | undefined {
  const programPath = joinPath(path, 'program');
  const wifis = [...ifaces].filter(([, f]) => f.type === 'wifi').map(([n]) => n);
  const untyped = [...ifaces.values()].some((f) => f.type === undefined);
  if (wifis.length === 0 && !untyped) {
    problems.invalid(programPath, DHCP_SERVER,
      `${DHCP_SERVER} serves the chute's Wi-Fi subnets, but struct.net has no wifi interface`, 'a wifi interface in struct.net');
    return undefined;
  }
  if (!has(obj, 'interfaces')) return undefined;
  const listPath = joinPath(path, 'interfaces');
  const list = expectList(obj.interfaces, listPath, problems, 'a list of wifi interface names');
  if (!list) return undefined;
  if (list.length === 0) {
    problems.invalid(listPath, list, 'lists no interface (leave "interfaces" out to serve every wifi interface)',
      'a non-empty list of wifi interface names');
    return undefined;
  }
  const out: string[] = [];
  list.forEach((item, i) => {
    const itemPath = indexPath(listPath, i);
    if (typeof item !== 'string') {
      wrongType(problems, itemPath, item, 'an interface name');
    } else if (!ifaces.has(item)) {
      problems.invalid(itemPath, item, `${show(item)} is not an interface of struct.net (wifi interfaces: ${wifis.join(', ') || 'none'})`,
        'a wifi interface of struct.net');
    } else if (ifaces.get(item)!.type !== 'wifi' && ifaces.get(item)!.type !== undefined) {
      problems.invalid(itemPath, item, `${show(item)} is not a wifi interface (a DHCP server on a wan interface would answer the gateway's network)`,
        'a wifi interface of struct.net');
    } else if (out.includes(item)) {
      problems.invalid(itemPath, item, `${show(item)} is listed twice`, 'each interface once');
    } else {
      out.push(item);
    }
  });
  return out;
}
