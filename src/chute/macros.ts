// The chute language's macros: `@name` or `@name(ARGS)` strings in the places the first ParaDrop
// allowed them. This file knows their spelling and grammar; the part validators decide what they
// mean. Pure. An `@` string in a macro position that is not a macro known there is an error naming
// it (MACRO_UNKNOWN), so a typo never silently becomes a literal program name or file path.
import { didYouMean } from './suggest.js';
import { type ProblemList, show } from './problems.js';

export const CPU_DEFAULT = '@resource.cpu.DEFAULT';
export const MEMORY_DEFAULT = '@resource.memory.DEFAULT';
export const DHCP_SERVER = '@net.runtime.dhcpserver';
export const STORE_FILE = '@paradrop.server';
export const REDIRECT = '@net.traffic.redirect';
export const HOST_LAN = '@net.host.lan';
export const HOST_WAN = '@net.host.wan';

/** Where each macro may appear, for "belongs in" hints. */
const HOME: Record<string, string> = {
  [CPU_DEFAULT]: 'resource.cpu',
  [MEMORY_DEFAULT]: 'resource.memory',
  [DHCP_SERVER]: 'runtime[].program',
  [STORE_FILE]: 'files[].location',
  [REDIRECT]: 'traffic[].rule',
  [HOST_LAN]: 'the source of @net.traffic.redirect',
  [HOST_WAN]: 'the source of @net.traffic.redirect',
};

/** Macros of the 2014 library that this ParaDrop does not implement, with what to write instead. */
const RETIRED: Record<string, string> = {
  '@runtime.daemonize': 'give the program and its args in a runtime entry instead',
  '@net.runtime.rule': 'a chute acting as a router is not supported',
  '@paradrop.chute': 'use @paradrop.server(PATH), a URL or a path relative to the chute directory',
  '@resource.net.wan.down.MAX': 'give a number of kbps',
};

export interface MacroCall {
  name: string;
  /** Text between the parentheses, untrimmed; absent for `@name` without parentheses. */
  args?: string;
}

/** No parenthesis inside the arguments: `@paradrop.server(x)(y)` is malformed, not a call with "x)(y". */
const CALL = /^(@[A-Za-z0-9_.]+)\s*(?:\(([^()]*)\))?\s*$/;

export function isMacro(text: string): boolean {
  return text.trimStart().startsWith('@');
}

/** Splits `@name(args)`; undefined when the text is malformed (unbalanced parenthesis...). */
export function splitMacro(text: string): MacroCall | undefined {
  const m = CALL.exec(text.trim());
  if (!m) return undefined;
  return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, args: m[2] };
}

/**
 * Reports a macro that is not one of `knownHere`: misplaced (known elsewhere), retired (2014
 * library) or unknown, each with what would be accepted here.
 */
export function reportBadMacro(problems: ProblemList, path: string, text: string, knownHere: readonly string[]): void {
  const call = splitMacro(text);
  const name = call?.name ?? text.trim().split(/[\s(]/, 1)[0]!;
  const expected = knownHere.length === 0 ? 'no macro' : `one of: ${knownHere.join(', ')}`;
  if (call === undefined) {
    // e.g. "@paradrop.server(x" (unbalanced) or "@ foo".
    problems.invalid(path, text, `${show(text)} is not a well-formed macro (expected @name or @name(ARGS))`, expected);
    return;
  }
  const names = knownHere.map((k) => k.replace(/\(.*$/, ''));
  const usage = knownHere[names.indexOf(call.name)];
  if (usage !== undefined) {
    // A known macro, called with the wrong arity.
    const needsArgs = usage.includes('(');
    problems.invalid(path, text, `${show(text)}: ${call.name} ${needsArgs ? 'needs arguments' : 'takes no arguments'} (expected ${usage})`, usage);
    return;
  }
  const home = HOME[name];
  if (home !== undefined && !names.includes(name)) {
    problems.invalid(path, text, `macro ${show(name)} belongs in ${home}, not here`, expected);
    return;
  }
  const retired = RETIRED[name];
  const hint = retired !== undefined ? `: not supported, ${retired}` : didYouMean(name, names);
  const here = knownHere.length === 0 ? 'no macro is accepted here' : `known here: ${knownHere.join(', ')}`;
  problems.add('MACRO_UNKNOWN', path, `unknown macro ${show(name)}${hint}; ${here}`,
    { value: text, expected });
}

export type PathResult = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Normalizes a `/`-separated path: drops empty and `.` segments; refuses `..` (a chute definition
 * is hostile input and must not reach outside the directory it is resolved against), backslashes
 * (a URL store would read them as separators) and control characters.
 */
export function normalizeSegments(text: string): PathResult {
  if (/[\u0000-\u001f\u007f]/.test(text)) return { ok: false, reason: 'contains a control character' };
  if (text.includes('\\')) return { ok: false, reason: 'contains a backslash' };
  const segments = text.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { ok: false, reason: 'contains ".."' };
  return { ok: true, path: segments.join('/') };
}

/** Characters of a store path segment: what every URL and file system takes unescaped. */
const STORE_SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * `@paradrop.server(PATH)`: PATH relative to the chute store, taken exactly as written (not
 * normalized): segments of [A-Za-z0-9._-], none empty, "." or "..". Conservative because the
 * same text is joined to a directory or a URL base at install time, and the fetcher refuses
 * percent-encodings ("%2e%2e" is ".." to a web server): what passes here must pass there.
 */
export function parseStorePath(args: string): PathResult {
  const text = args.trim();
  if (text === '') return { ok: false, reason: 'names no file' };
  if (text.startsWith('/')) return { ok: false, reason: 'is absolute (expected a path relative to the chute store)' };
  for (const segment of text.split('/')) {
    if (segment === '') return { ok: false, reason: 'has an empty segment ("//" or a trailing "/")' };
    if (segment === '.' || segment === '..') return { ok: false, reason: `has a ${JSON.stringify(segment)} segment` };
    const bad = /[^A-Za-z0-9._-]/.exec(segment);
    if (!STORE_SEGMENT.test(segment)) {
      return { ok: false, reason: `has the character ${JSON.stringify(bad?.[0] ?? segment)} (expected letters, digits, ".", "_", "-" and "/")` };
    }
  }
  return { ok: true, path: text };
}

/** One `HOST:ADDRESS:PORT` endpoint of a redirect, as written. */
export interface RawEndpoint {
  host: string;
  address: string;
  port: string;
}

export type RedirectResult = { ok: true; from: RawEndpoint; to: RawEndpoint } | { ok: false; reason: string };

const REDIRECT_SHAPE = 'expected @net.traffic.redirect(@net.host.lan:*:PORT, IFACE:ADDRESS:PORT)';

/** The grammar of `@net.traffic.redirect(SRC, DST)`; meaning is checked by traffic.ts. */
export function splitRedirect(args: string): RedirectResult {
  const sides = args.split(',');
  if (sides.length !== 2) return { ok: false, reason: `takes two endpoints (${REDIRECT_SHAPE})` };
  const ends: RawEndpoint[] = [];
  for (const side of sides) {
    const fields = side.trim().split(':');
    if (fields.length !== 3 || fields.some((f) => f.trim() === '')) {
      return { ok: false, reason: `endpoint ${show(side.trim())} is not HOST:ADDRESS:PORT (${REDIRECT_SHAPE})` };
    }
    const [host, address, port] = fields.map((f) => f.trim()) as [string, string, string];
    ends.push({ host, address, port });
  }
  return { ok: true, from: ends[0]!, to: ends[1]! };
}
