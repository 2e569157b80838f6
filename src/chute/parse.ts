// Turns the raw JSON of a chute (one object with name, version, description, owner and the five
// parts) into the normalized Chute, or throws one ValidationError listing every problem. Pure:
// reading files is load.ts's job; relative file locations resolve against opts.baseDir.
// Problems come in a stable order: unknown top-level fields, then name, version, description,
// owner, struct, files, resource, runtime, traffic, each part in the order of its input.
// The part keys may also be spelled as the chapter names the parts ("Chute.struct"...).
// opts.broken names parts whose file could not be read (a syntax error, already reported by the
// caller): they are neither validated nor reported missing, and when struct is broken the parts
// that refer to its interfaces (resource, runtime, traffic) are not validated either, since every
// interface they name would look unknown.
import type { Chute } from './types.js';
import { ValidationError } from '../errors.js';
import { type Obj, checkFields, expectObject, expectString, has, wrongType } from './check.js';
import { ProblemList, show } from './problems.js';
import { parseStruct } from './struct.js';
import { parseFiles } from './files.js';
import { defaultResource, parseResource } from './resource.js';
import { parseRuntime } from './runtime.js';
import { parseTraffic } from './traffic.js';

export const PARTS = ['struct', 'files', 'resource', 'runtime', 'traffic'] as const;
export type PartName = (typeof PARTS)[number];
const META = ['name', 'version', 'description', 'owner'] as const;
const CHAPTER_SPELLING = PARTS.map((p) => `Chute.${p}`);

const CHUTE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_~-]{0,63}$/;
export const DEFAULT_VERSION = '0.0.0';

export interface ParseOptions {
  /** Absolute directory that relative file locations are resolved against. */
  baseDir?: string;
  /** Names the input in the ValidationError message (a path, "chute"...). */
  subject?: string;
  /** Parts (or 'meta': name, version, description, owner) whose file was unreadable; see above. */
  broken?: readonly (PartName | 'meta')[];
}

export interface ParsedChute {
  chute: Chute;
  /** Things the user may want to know that are not errors (defaults taken, spellings accepted). */
  notes: string[];
}

export function parseChute(raw: unknown, opts: ParseOptions = {}): Chute {
  return parseChuteWithNotes(raw, opts).chute;
}

export function parseChuteWithNotes(raw: unknown, opts: ParseOptions = {}): ParsedChute {
  const problems = new ProblemList();
  const chute = collect(raw, problems, opts);
  if (problems.count > 0) throw new ValidationError(opts.subject ?? 'chute', problems.items);
  return { chute, notes: problems.notes };
}

function collect(raw: unknown, problems: ProblemList, opts: ParseOptions): Chute {
  const chute: Chute = {
    name: '', version: DEFAULT_VERSION, description: '', owner: '',
    struct: { net: [] }, files: [], resource: defaultResource(), runtime: [], traffic: [],
  };
  const obj = expectObject(raw, '', problems, 'an object holding name, version and the parts struct, files, resource, runtime, traffic');
  if (!obj) return chute;
  checkFields(obj, '', [...META, ...PARTS, ...CHAPTER_SPELLING], problems);
  const parts = pickParts(obj, problems);
  const broken = new Set(opts.broken ?? []);

  if (has(obj, 'name')) {
    const name = obj.name;
    if (typeof name === 'string' && CHUTE_NAME.test(name)) chute.name = name;
    else if (typeof name !== 'string') wrongType(problems, 'name', name, 'a string');
    else problems.invalid('name', name, `${show(name)} is not a chute name (expected a lower-case letter, then up to 31 lower-case letters, digits or "-")`, '[a-z][a-z0-9-]{0,31}');
  } else if (!broken.has('meta')) {
    problems.add('FIELD_MISSING', 'name', 'missing (expected a chute name such as "seccam")', { expected: '[a-z][a-z0-9-]{0,31}' });
  }
  if (has(obj, 'version')) {
    const v = obj.version;
    if (typeof v === 'number') {
      problems.invalid('version', v, `must be a string, not a number (${show(v)}): write ${show(String(v))}, a number loses zeros ("1.10" is 1.1)`, 'a string');
    } else if (typeof v !== 'string') {
      wrongType(problems, 'version', v, 'a string');
    } else if (!VERSION.test(v)) {
      problems.invalid('version', v, `${show(v)} is not a version (expected letters, digits and . + _ ~ -, such as "1.0.2")`, 'a version such as "1.0.2"');
    } else {
      chute.version = v;
    }
  } else if (!broken.has('meta')) {
    problems.notes.push(`no version given: using ${show(DEFAULT_VERSION)}`);
  }
  if (has(obj, 'description')) {
    const d = expectString(obj.description, 'description', problems, { max: 4096 });
    if (d !== undefined) chute.description = d;
  }
  if (has(obj, 'owner')) {
    const o = expectString(obj.owner, 'owner', problems, { max: 128, plain: true });
    if (o !== undefined) chute.owner = o;
  }

  const structBroken = broken.has('struct') || (parts.struct === undefined && broken.has('meta'));
  if (parts.struct === undefined && !structBroken) {
    problems.add('FIELD_MISSING', 'struct', 'missing (expected an object with "net" and optionally "disk"; in a directory: the file Chute.struct)',
      { expected: 'an object' });
  }
  const { struct, ifaces } = parseStruct(parts.struct?.value ?? {}, 'struct', problems);
  chute.struct = struct;
  if (parts.files !== undefined) {
    chute.files = parseFiles(parts.files.value, parts.files.path, problems, opts.baseDir === undefined ? {} : { baseDir: opts.baseDir });
  }
  if (structBroken) return chute;
  if (parts.resource !== undefined) chute.resource = parseResource(parts.resource.value, parts.resource.path, problems, ifaces);
  if (parts.runtime !== undefined) chute.runtime = parseRuntime(parts.runtime.value, parts.runtime.path, problems, ifaces);
  if (parts.traffic !== undefined) chute.traffic = parseTraffic(parts.traffic.value, parts.traffic.path, problems, ifaces);
  return chute;
}

interface Part {
  value: unknown;
  path: string;
}

/** The five parts, under their own key or the chapter's `Chute.<part>` (not both). */
function pickParts(obj: Obj, problems: ProblemList): Partial<Record<PartName, Part>> {
  const out: Partial<Record<PartName, Part>> = {};
  for (const part of PARTS) {
    const alias = `Chute.${part}`;
    if (has(obj, part) && has(obj, alias)) {
      problems.invalid(`["${alias}"]`, undefined, `the part ${show(part)} is given twice, as ${show(part)} and ${show(alias)}`, 'one of them');
      continue;
    }
    if (has(obj, part)) out[part] = { value: obj[part], path: part };
    else if (has(obj, alias)) {
      out[part] = { value: obj[alias], path: part };
      problems.notes.push(`read ${show(alias)} as ${show(part)}`);
    }
  }
  return out;
}
