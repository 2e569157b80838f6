// Validates `files` (the chapter's Chute.files): what must exist on the chute's disk, where it comes
// from and its hash. Pure. Invariants of the result: names and paths are unique; `path` is absolute,
// normalized and free of ".." (a chute definition is hostile input); every file has exactly one
// hash, lower-case hex. `path` is where the file lands inside the chute; with todo "EXTRACT" it is
// the directory the archive is unpacked into.
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
  const paths = new Map<string, string>();
  list.forEach((item, i) => {
    const itemPath = indexPath(path, i);
    const obj = expectObject(item, itemPath, problems);
    if (!obj) return;
    const file = parseFile(obj, itemPath, problems, opts);
    if (!file) return;
    const sameName = names.get(file.name);
    const samePath = paths.get(file.path);
    if (sameName !== undefined) {
      problems.invalid(joinPath(itemPath, 'name'), file.name, `${show(file.name)} is already the name of ${sameName}`,
        'a name unique among the files');
    }
    if (samePath !== undefined) {
      problems.invalid(joinPath(itemPath, 'path'), file.path, `${show(file.path)} is already the path of ${samePath}`,
        'a path unique among the files');
    }
    if (sameName !== undefined || samePath !== undefined) return;
    names.set(file.name, itemPath);
    paths.set(file.path, itemPath);
    out.push(file);
  });
  return out;
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
  return { name, path: target, location, hash, extract };
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
  return `/${n.path}`;
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
      problems.invalid(path, text, `${show(text)}: the store path ${store.reason}`, 'a relative path without ".."');
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
