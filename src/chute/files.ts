// Validates `files` (the chapter's Chute.files): what must exist on the chute's disk, where it comes
// from and its hash. Pure. Invariants of the result: names are unique; `path` is absolute,
// normalized and free of ".." (a chute definition is hostile input); every file has exactly one
// hash, lower-case hex. `path` is where the file lands inside the chute; with todo "EXTRACT" it is
// the directory the archive is unpacked into. A plain file whose `path` was written with a
// trailing "/" keeps it: the path names a directory and the file goes inside it under the base
// name of its location (placedName()); src/plan applies the same rule to paths equal to one of the
// gateway's writable directories ("/root"). Where files land (the path, or directory + name) is
// unique.
// Locations: `@paradrop.server(PATH)` (the chute store), an http(s) URL, an absolute path on the
// gateway, or a path relative to the chute's directory, resolved here against opts.baseDir (load.ts
// passes the directory; parse stays free of I/O). A relative location may not climb out with "..".
import { posix } from 'node:path';
import type { ChuteFile, FileHash, FileLocation } from './types.js';
import { type Obj, type Suggested, checkFields, expectList, expectObject, expectString, has, requireField } from './check.js';
import { type ProblemList, indexPath, joinPath, show } from './problems.js';
import { STORE_FILE, isMacro, normalizeSegments, parseStorePath, reportBadMacro, splitMacro } from './macros.js';

const FILE_FIELDS = ['name', 'path', 'location', 'sha1', 'sha256', 'todo'] as const;
const HASHES = { sha1: { label: 'SHA-1', digits: 40 }, sha256: { label: 'SHA-256', digits: 64 } } as const;
const STORE_EXPECTED = 'a path relative to the chute store: segments of letters, digits, ".", "_" and "-"';
const LOCATION_EXPECTED = '@paradrop.server(PATH), an http(s) URL, an absolute path or a path relative to the chute directory';

export interface FilesOptions {
  /** Absolute directory that relative locations are resolved against. */
  baseDir?: string;
}

export function parseFiles(raw: unknown, path: string, problems: ProblemList, opts: FilesOptions): ChuteFile[] {
  const list = expectList(raw, path, problems, 'a list of files');
  if (!list) return [];
  const out: ChuteFile[] = [];
  const names = new Map<string, string>();
  /** Where each file lands, as far as the chute tells (a trailing "/" path: inside it): by whom, with what path. */
  const paths = new Map<string, { where: string; path: string }>();
  list.forEach((item, i) => {
    const itemPath = indexPath(path, i);
    const obj = expectObject(item, itemPath, problems);
    if (!obj) return;
    const file = parseFile(obj, itemPath, problems, opts);
    if (!file) return;
    const sameName = names.get(file.name);
    const lands = landsAt(file);
    const samePath = lands === undefined ? undefined : paths.get(lands);
    if (sameName !== undefined) {
      problems.invalid(joinPath(itemPath, 'name'), file.name, `${show(file.name)} is already the name of ${sameName}`,
        'a name unique among the files');
    }
    if (samePath !== undefined) {
      const where = lands === file.path ? `${show(file.path)} is already the path of ${samePath.where}`
        : `${show(file.path)} places ${show(lands)}, already the path of ${samePath.where}`;
      // The same directory written twice without "/" (the chapter's "/root"): say how to mean it.
      const hint = file.extract || samePath.path !== file.path ? ''
        : ` (to place several files in a directory, end the path with "/": ${show(`${file.path}/`)})`;
      problems.invalid(joinPath(itemPath, 'path'), file.path, `${where}${hint}`, 'a path unique among the files');
    }
    if (sameName !== undefined || samePath !== undefined) return;
    names.set(file.name, itemPath);
    if (lands !== undefined) paths.set(lands, { where: itemPath, path: file.path });
    out.push(file);
  });
  return out;
}

/**
 * The file name a plain file gets inside a directory: the last segment of its location (a URL's
 * path), or undefined when that is no plain file name ([A-Za-z0-9._-], not "." or "..").
 */
export function placedName(file: Pick<ChuteFile, 'location'>): string | undefined {
  const loc = file.location;
  let path: string;
  if (loc.kind === 'url') {
    try {
      path = new URL(loc.url).pathname;
    } catch {
      return undefined;
    }
  } else {
    path = loc.path;
  }
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /^[A-Za-z0-9._-]+$/.test(base) && base !== '.' && base !== '..' ? base : undefined;
}

/** Where a file lands, as far as the chute itself says; undefined when no name can be derived. */
function landsAt(file: ChuteFile): string | undefined {
  if (file.extract || !file.path.endsWith('/')) return file.path;
  const name = placedName(file);
  return name === undefined ? undefined : `${file.path}${name}`;
}

function parseFile(obj: Obj, path: string, problems: ProblemList, opts: FilesOptions): ChuteFile | undefined {
  const before = problems.count;
  const suggested = checkFields(obj, path, FILE_FIELDS, problems);
  const nameRaw = requireField(obj, 'name', path, problems, suggested, 'a string');
  const name = nameRaw === undefined ? undefined : expectString(nameRaw, joinPath(path, 'name'), problems, { max: 64, plain: true });
  const pathRaw = requireField(obj, 'path', path, problems, suggested, 'an absolute path inside the chute');
  const target = pathRaw === undefined ? undefined : checkTargetPath(pathRaw, joinPath(path, 'path'), problems);
  const locRaw = requireField(obj, 'location', path, problems, suggested, LOCATION_EXPECTED);
  const location = locRaw === undefined ? undefined : parseLocation(locRaw, joinPath(path, 'location'), problems, opts);
  const hash = parseHash(obj, path, problems, suggested);
  let extract = false;
  if (has(obj, 'todo')) {
    const todo = obj.todo;
    if (typeof todo === 'string' && todo.toUpperCase() === 'EXTRACT') {
      extract = true;
    } else {
      problems.invalid(joinPath(path, 'todo'), todo, `${show(todo)} is not a file action (expected "EXTRACT")`, '"EXTRACT"');
    }
  }
  if (problems.count !== before || !name || !target || !location || !hash) return undefined;
  // An archive is unpacked into a directory either way: its trailing "/" says nothing.
  const file: ChuteFile = { name, path: extract && target.length > 1 ? target.replace(/\/$/, '') : target, location, hash, extract };
  if (!extract && target.endsWith('/') && placedName(file) === undefined) {
    problems.invalid(joinPath(path, 'path'), pathRaw, `${show(pathRaw)} names a directory, but the location ${show(locRaw)} ends in no plain file name to place in it (expected a full file path, e.g. ${show(`${target}app.js`)})`,
      'a file path, or a location ending in a file name');
    return undefined;
  }
  return file;
}

function checkTargetPath(raw: unknown, path: string, problems: ProblemList): string | undefined {
  const text = expectString(raw, path, problems);
  if (text === undefined) return undefined;
  const expected = 'an absolute path inside the chute, without ".."';
  if (!text.startsWith('/')) {
    problems.invalid(path, text, `${show(text)} is not an absolute path (expected e.g. "/srv/www")`, expected);
    return undefined;
  }
  const n = normalizeSegments(text);
  if (!n.ok) {
    problems.invalid(path, text, `${show(text)} ${n.reason} (expected ${expected})`, expected);
    return undefined;
  }
  if (n.path === '') {
    problems.invalid(path, text, `${show(text)} is the chute's root directory (expected a file or directory below "/")`, expected);
    return undefined;
  }
  return text.endsWith('/') ? `/${n.path}/` : `/${n.path}`;
}

function parseLocation(raw: unknown, path: string, problems: ProblemList, opts: FilesOptions): FileLocation | undefined {
  const text = expectString(raw, path, problems);
  if (text === undefined) return undefined;
  if (isMacro(text)) {
    const call = splitMacro(text);
    if (call?.name !== STORE_FILE) {
      reportBadMacro(problems, path, text, [`${STORE_FILE}(PATH)`]);
      return undefined;
    }
    const store = parseStorePath(call.args ?? '');
    if (!store.ok) {
      problems.invalid(path, text, `${show(text)}: the store path ${store.reason}`, STORE_EXPECTED);
      return undefined;
    }
    return { kind: 'store', path: store.path };
  }
  if (/^https?:\/\//i.test(text)) {
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    if (url === undefined || url.hostname === '') {
      problems.invalid(path, text, `${show(text)} is not a valid URL`, LOCATION_EXPECTED);
      return undefined;
    }
    return { kind: 'url', url: url.href };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) {
    problems.invalid(path, text, `${show(text)} uses an unsupported scheme (expected ${LOCATION_EXPECTED})`, LOCATION_EXPECTED);
    return undefined;
  }
  const n = normalizeSegments(text);
  if (!n.ok) {
    problems.invalid(path, text, `${show(text)} ${n.reason} (expected ${LOCATION_EXPECTED})`, LOCATION_EXPECTED);
    return undefined;
  }
  if (text.startsWith('/')) return { kind: 'file', path: `/${n.path}` };
  if (n.path === '') {
    problems.invalid(path, text, `${show(text)} names no file`, LOCATION_EXPECTED);
    return undefined;
  }
  if (opts.baseDir === undefined || !opts.baseDir.startsWith('/')) {
    problems.invalid(path, text, `${show(text)} is relative, but this chute has no directory to resolve it against`,
      '@paradrop.server(PATH), an http(s) URL or an absolute path');
    return undefined;
  }
  return { kind: 'file', path: posix.join(opts.baseDir, n.path) };
}

function parseHash(obj: Obj, path: string, problems: ProblemList, suggested: Suggested): FileHash | undefined {
  const given = (Object.keys(HASHES) as Array<keyof typeof HASHES>).filter((a) => has(obj, a));
  if (given.length === 0) {
    const misspelt = (Object.keys(HASHES) as Array<keyof typeof HASHES>).find((a) => suggested.has(a));
    if (misspelt === undefined) {
      problems.addAt('FIELD_MISSING', joinPath(path, 'sha1'), path, 'missing field "sha1" (or "sha256"): the file is verified before the chute starts',
        { expected: '40 hex digits (sha1) or 64 (sha256)' });
    } else {
      // The chapter's "shal": its value may hold a second misprint; point at that one too.
      const key = suggested.get(misspelt)!;
      if (typeof obj[key] === 'string') checkHashText(obj[key], misspelt, joinPath(path, key), problems);
    }
    return undefined;
  }
  if (given.length > 1) {
    problems.invalid(joinPath(path, 'sha256'), undefined, 'give "sha1" or "sha256", not both', 'one hash');
    return undefined;
  }
  const algorithm = given[0]!;
  const hashPath = joinPath(path, algorithm);
  const text = expectString(obj[algorithm], hashPath, problems);
  if (text === undefined) return undefined;
  return checkHashText(text, algorithm, hashPath, problems);
}

function checkHashText(text: string, algorithm: keyof typeof HASHES, hashPath: string, problems: ProblemList): FileHash | undefined {
  const { label, digits } = HASHES[algorithm];
  const expected = `${digits} hex digits`;
  const bad = /[^0-9a-fA-F]/.exec(text);
  if (bad) {
    problems.invalid(hashPath, text,
      `${show(text)} is not a ${label} hash: ${show(bad[0])} at character ${bad.index + 1} is not a hex digit (expected ${expected})`,
      expected);
    return undefined;
  }
  if (text.length !== digits) {
    problems.invalid(hashPath, text, `${show(text)} is not a ${label} hash: it has ${text.length} digits (expected ${expected})`,
      expected);
    return undefined;
  }
  return { algorithm, hex: text.toLowerCase() };
}
