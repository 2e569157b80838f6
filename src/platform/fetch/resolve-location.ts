// Turns a chute file's location into something to read: an http(s) URL or a local file path.
// Pure (no I/O). Invariants: a `@paradrop.server(PATH)` never resolves outside the configured
// store, whatever the PATH (no `..`, no absolute path, no backslash, no percent-encoded
// traversal such as `%2e%2e` or `%2f`); PATH is a literal path, percent-encoded segment by
// segment when the store is a URL base, so both store kinds name the same files.
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParadropError, quote } from '../../errors.js';
import type { FileLocation } from '../../chute/types.js';

/** Where `@paradrop.server(PATH)` files come from: a local directory or a URL base. */
export type Store = { kind: 'dir'; path: string } | { kind: 'url'; base: string };

export type Source = { kind: 'url'; url: string } | { kind: 'file'; path: string };

export interface ResolveOptions {
  /** Directory of the chute; relative `file` locations are taken from it. */
  chuteDir?: string;
  /** Chute file name, for error messages. */
  fileName?: string;
}

const MAX_STORE_PATH = 1024;

/**
 * The default store: the examples shipped in the package (the repository's `files/` tree is
 * installed at `/`, so `files/usr/share/paradrop/examples` lands here).
 */
export const DEFAULT_STORE: Store = { kind: 'dir', path: '/usr/share/paradrop/examples' };

/**
 * Reads a configured store setting: `http://` / `https://` is a URL base, anything else a
 * directory (relative to `baseDir`, e.g. the package's `files/` directory, the default store).
 */
export function storeFromSetting(setting: string, baseDir: string): Store {
  if (/^https?:\/\//i.test(setting)) return { kind: 'url', base: checkUrlBase(setting) };
  return { kind: 'dir', path: isAbsolute(setting) ? normalize(setting) : join(baseDir, setting) };
}

export function resolveLocation(loc: FileLocation, store: Store, opts: ResolveOptions = {}): Source {
  const who = opts.fileName === undefined ? '' : `file ${quote(opts.fileName)}: `;
  switch (loc.kind) {
    case 'store': {
      const segments = splitStorePath(loc.path, who);
      if (store.kind === 'dir') return { kind: 'file', path: joinInside(store.path, segments, loc.path, who) };
      return { kind: 'url', url: joinUrl(checkUrlBase(store.base), segments, loc.path, who) };
    }
    case 'url':
      return resolveUrl(loc.url, who);
    case 'file': {
      if (isAbsolute(loc.path)) return { kind: 'file', path: normalize(loc.path) };
      if (opts.chuteDir === undefined) {
        throw new ParadropError('FIELD_INVALID',
          `${who}relative file location ${quote(loc.path)} needs the chute's directory, and there is none`,
          { value: loc.path, expected: 'an absolute path, or a chute read from a directory' });
      }
      return { kind: 'file', path: join(opts.chuteDir, loc.path) };
    }
  }
}

function resolveUrl(text: string, who: string): Source {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ParadropError('FIELD_INVALID', `${who}location ${quote(text)} is not a valid URL`,
      { value: text, expected: 'an http://, https:// or file:// URL' });
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return { kind: 'url', url: url.href };
  if (url.protocol === 'file:') return { kind: 'file', path: fileURLToPath(url) };
  throw new ParadropError('FIELD_INVALID', `${who}location ${quote(text)} has an unsupported scheme ${quote(url.protocol)}`,
    { value: text, expected: 'an http://, https:// or file:// URL' });
}

/** Validates a URL base and gives it a trailing slash so that relative joins stay below it. */
function checkUrlBase(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ParadropError('FIELD_INVALID', `chute store ${quote(base)} is not a valid URL`,
      { value: base, expected: 'an http:// or https:// URL base' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ParadropError('FIELD_INVALID', `chute store ${quote(base)} is not an http(s) URL`,
      { value: base, expected: 'an http:// or https:// URL base' });
  }
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

function refuse(who: string, path: string, why: string): never {
  throw new ParadropError('STORE_PATH_INVALID', `${who}store path ${quote(path)} is refused: ${why}`,
    { value: path, expected: 'a relative path inside the chute store, without "..", "." or empty parts' });
}

/** Splits and checks a store PATH; every rule is about staying inside the store. */
export function splitStorePath(path: string, who = ''): string[] {
  if (path.length === 0) refuse(who, path, 'it is empty');
  if (path.length > MAX_STORE_PATH) refuse(who, path, `it is longer than ${MAX_STORE_PATH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) refuse(who, path, 'it contains a control character');
  if (path.startsWith('/')) refuse(who, path, 'it is absolute');
  if (path.includes('\\')) refuse(who, path, 'it contains a backslash');
  if (/^[A-Za-z]:/.test(path)) refuse(who, path, 'it starts with a drive letter');
  const segments = path.split('/');
  for (const seg of segments) {
    if (seg === '') refuse(who, path, 'it has an empty part ("//" or a trailing "/")');
    if (seg === '.' || seg === '..') refuse(who, path, `it has a ${quote(seg)} part`);
    const decoded = decodeRepeatedly(seg);
    if (decoded === '.' || decoded === '..' || /[/\\\u0000]/.test(decoded)) {
      refuse(who, path, `its part ${quote(seg)} decodes to ${quote(decoded)} (encoded traversal)`);
    }
  }
  return segments;
}

/** Undoes percent-encoding up to three layers deep (servers and proxies may each decode once). */
function decodeRepeatedly(seg: string): string {
  let cur = seg;
  for (let i = 0; i < 3 && cur.includes('%'); i++) {
    let next: string;
    try {
      next = decodeURIComponent(cur);
    } catch {
      // Malformed escapes are left as literal text: they can't form a separator.
      return cur;
    }
    if (next === cur) break;
    cur = next;
  }
  return cur;
}

function joinInside(root: string, segments: string[], original: string, who: string): string {
  const full = join(root, ...segments);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) {
    refuse(who, original, 'it leaves the store directory');
  }
  return full;
}

function joinUrl(base: string, segments: string[], original: string, who: string): string {
  const url = new URL(segments.map(encodeURIComponent).join('/'), base).href;
  if (!url.startsWith(base)) refuse(who, original, 'it leaves the store URL');
  return url;
}
