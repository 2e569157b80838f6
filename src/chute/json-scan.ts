// A light scan of JSON5 text that json5 itself does not offer: duplicate object keys (json5 keeps
// the last silently) and the brackets left open at the end of the text (for "never closed" hints).
// Pure. It trusts the text's structure only as far as brackets, strings and comments go; it is run
// on text json5 accepted (for duplicates) or rejected (for open brackets), never to decide validity.
import JSON5 from 'json5';

export interface Position {
  line: number;
  column: number;
}

export interface DuplicateKey extends Position {
  key: string;
  /** JSON path of the object holding the key ('' for the top level). */
  parent: string;
  first: Position;
}

export interface OpenBracket extends Position {
  char: '{' | '[';
}

export interface ScanResult {
  duplicates: DuplicateKey[];
  /** Brackets still open at the end of the text, outermost first. */
  open: OpenBracket[];
}

interface Frame {
  kind: 'object' | 'array';
  path: string;
  at?: OpenBracket;
  keys: Map<string, Position>;
  expectKey: boolean;
  key?: string;
  index: number;
}

function childPath(frame: Frame): string {
  const part = frame.kind === 'array' ? `[${frame.index}]` : frame.key ?? '';
  if (frame.kind === 'array') return `${frame.path}${part}`;
  const plain = /^[A-Za-z_$][\w$-]*$/.test(part);
  if (frame.path === '') return plain ? part : `[${JSON.stringify(part)}]`;
  return plain ? `${frame.path}.${part}` : `${frame.path}[${JSON.stringify(part)}]`;
}

function decodeKey(token: string): string {
  try {
    if (token.startsWith('"') || token.startsWith("'")) return String(JSON5.parse(token));
    return Object.keys(JSON5.parse(`{${token}:0}`) as object)[0] ?? token;
  } catch {
    return token;
  }
}

/** `implicit`: the text is a fragment of an object or list whose outer brackets are missing. */
export function scanJson5(text: string, implicit?: 'object' | 'array'): ScanResult {
  const duplicates: DuplicateKey[] = [];
  const stack: Frame[] = [];
  if (implicit) stack.push({ kind: implicit, path: '', keys: new Map(), expectKey: true, index: 0 });
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const pos = (at: number): Position => ({ line, column: at - lineStart + 1 });
  const advanceTo = (end: number): void => {
    for (let k = i; k < end; k++) {
      const c = text[k];
      if (c === '\n' || (c === '\r' && text[k + 1] !== '\n') || c === '\u2028' || c === '\u2029') {
        line++;
        lineStart = k + 1;
      }
    }
    i = end;
  };
  const onToken = (token: string, start: Position): void => {
    const top = stack[stack.length - 1];
    if (!top || top.kind !== 'object' || !top.expectKey) return;
    const key = decodeKey(token);
    const first = top.keys.get(key);
    if (first) duplicates.push({ key, parent: top.path, ...start, first });
    else top.keys.set(key, start);
    top.key = key;
    top.expectKey = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    const start = pos(i);
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      const token = text.slice(i, j + 1);
      advanceTo(Math.min(j + 1, text.length));
      onToken(token, start);
    } else if (c === '/' && text[i + 1] === '/') {
      const j = text.indexOf('\n', i);
      advanceTo(j < 0 ? text.length : j);
    } else if (c === '/' && text[i + 1] === '*') {
      const j = text.indexOf('*/', i + 2);
      advanceTo(j < 0 ? text.length : j + 2);
    } else if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      const path = parent ? childPath(parent) : '';
      stack.push({ kind: c === '{' ? 'object' : 'array', path, at: { char: c, ...start }, keys: new Map(), expectKey: true, index: 0 });
      advanceTo(i + 1);
    } else if (c === '}' || c === ']') {
      stack.pop();
      advanceTo(i + 1);
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') top.expectKey = true;
      if (top?.kind === 'array') top.index++;
      advanceTo(i + 1);
    } else if (c === ':') {
      advanceTo(i + 1);
    } else if (/\s|\uFEFF/.test(c)) {
      advanceTo(i + 1);
    } else {
      let j = i + 1;
      while (j < text.length && !/[\s,:{}[\]"'/]/.test(text[j]!)) j++;
      const token = text.slice(i, j);
      advanceTo(j);
      onToken(token, start);
    }
  }
  const open = stack.flatMap((f) => (f.at ? [f.at] : []));
  return { duplicates, open };
}
