// Parses lenient JSON (the JSON5 grammar: comments, single quotes, trailing commas, unquoted keys,
// hex, Infinity, NaN) in one pass that also yields what JSON.parse and json5 do not tell: every
// duplicate key with both positions, and the brackets left open when the text ends early. Pure.
// Invariants:
// - Iterative (an explicit stack, no recursion), and nesting past MAX_DEPTH brackets is a syntax
//   error, so hostile input gets a clean message instead of a stack overflow or a huge value.
// - Keys are defined as own data properties, so "__proto__" is a plain key and changes no prototype.
// - `implicit` parses a fragment whose outer { } or [ ] were cut (the chapter's figures): the top
//   level is that container, and the end of the text closes it.
// - Positions are 1-based; a column counts UTF-16 units from the line start. Lines end at \n, \r\n
//   or a lone \r. Positions are computed only for what is reported.
import { JsonLexer, JsonSyntaxFailure } from './json-lexer.js';

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

export type LenientParse =
  | { ok: true; value: unknown; duplicates: DuplicateKey[] }
  /** `open`: the brackets open where the parse stopped, outermost first. */
  | { ok: false; reason: string; line: number; column: number; open: OpenBracket[] };

export const MAX_DEPTH = 1000;

interface Frame {
  container: Record<string, unknown> | unknown[];
  /** Index of the opening bracket; -1 for the implicit top level of a fragment. */
  at: number;
  /** Object frames: first index of each key, and the key whose value is being read. */
  keys?: Map<string, number>;
  key: string;
}

/** Where a value goes next in the innermost container. */
type State = 'first' | 'next' | 'value';

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

export function parseLenientText(text: string, implicit?: 'object' | 'array'): LenientParse {
  const lex = new JsonLexer(text);
  const stack: Frame[] = [];
  const duplicates: DuplicateKey[] = [];
  const positions = lineStarts(text);
  let root: unknown;
  try {
    if (implicit) {
      root = openFrame(stack, implicit === 'object' ? {} : [], -1);
    } else {
      lex.skipTrivia();
      root = readValue(lex, stack);
    }
    let state: State = 'first';
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      lex.skipTrivia();
      if (state === 'value') {
        // An object's value, after its key and colon.
        storeValue(top, readValue(lex, stack));
        state = stack[stack.length - 1] === top ? 'next' : 'first';
        continue;
      }
      const c = lex.peek();
      if (lex.atEnd && top.at < 0) {
        // The end of the text closes a fragment's implicit container.
        stack.pop();
      } else if (c === (top.keys ? '}' : ']') && top.at >= 0) {
        lex.i++;
        stack.pop();
        state = 'next';
      } else if (state === 'next') {
        if (c !== ',') throw lex.invalidAt(lex.i);
        lex.i++;
        state = 'first';
      } else if (top.keys) {
        readKey(lex, top, stack, duplicates, positions);
        lex.skipTrivia();
        if (lex.peek() !== ':') throw lex.invalidAt(lex.i);
        lex.i++;
        state = 'value';
      } else {
        storeValue(top, readValue(lex, stack));
        state = stack[stack.length - 1] === top ? 'next' : 'first';
      }
    }
    lex.skipTrivia();
    if (!lex.atEnd) throw lex.invalidAt(lex.i);
  } catch (err) {
    if (!(err instanceof JsonSyntaxFailure)) throw err;
    const open = stack.flatMap((f): OpenBracket[] =>
      (f.at < 0 ? [] : [{ char: f.keys ? '{' : '[', ...positions(f.at) }]));
    return { ok: false, reason: err.reason, ...positions(err.index), open };
  }
  return { ok: true, value: root, duplicates };
}

/** A value at `lex.i` (after trivia). A container is opened on the stack and returned empty. */
function readValue(lex: JsonLexer, stack: Frame[]): unknown {
  const c = lex.peek();
  switch (c) {
    case '{':
    case '[':
      // The implicit top level of a fragment is no bracket.
      if (stack.length - (stack[0]?.at === -1 ? 1 : 0) >= MAX_DEPTH) {
        throw new JsonSyntaxFailure(`brackets nested deeper than ${MAX_DEPTH}`, lex.i);
      }
      lex.i++;
      return openFrame(stack, c === '{' ? {} : [], lex.i - 1);
    case '"':
    case "'":
      return lex.readString();
    case 'n': case 't': case 'f':
      return lex.readLiteral();
    case '+': case '-': case '.': case 'I': case 'N':
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
      return lex.readNumber();
    default:
      throw lex.invalidAt(lex.i);
  }
}

function openFrame(stack: Frame[], container: Record<string, unknown> | unknown[], at: number): typeof container {
  stack.push({ container, at, key: '', ...(Array.isArray(container) ? {} : { keys: new Map<string, number>() }) });
  return container;
}

function storeValue(frame: Frame, value: unknown): void {
  if (Array.isArray(frame.container)) {
    frame.container.push(value);
  } else {
    // defineProperty, not assignment: a "__proto__" key must stay data, not set the prototype.
    Object.defineProperty(frame.container, frame.key, { value, writable: true, enumerable: true, configurable: true });
  }
}

function readKey(lex: JsonLexer, frame: Frame, stack: readonly Frame[], duplicates: DuplicateKey[],
  positions: (index: number) => Position): void {
  const at = lex.i;
  const c = lex.peek();
  let key: string;
  if (c === '"' || c === "'") key = lex.readString();
  else if (lex.atIdentifierStart()) key = lex.readIdentifierName();
  else throw lex.invalidAt(at);
  const first = frame.keys!.get(key);
  if (first === undefined) frame.keys!.set(key, at);
  else duplicates.push({ key, parent: pathOf(stack), ...positions(at), first: positions(first) });
  frame.key = key;
}

/** The JSON path of the innermost container, from the keys and indexes its ancestors are at. */
function pathOf(stack: readonly Frame[]): string {
  let path = '';
  for (let k = 0; k < stack.length - 1; k++) {
    const frame = stack[k]!;
    if (Array.isArray(frame.container)) path += `[${frame.container.length - 1}]`;
    else if (!PLAIN_KEY.test(frame.key)) path += `[${JSON.stringify(frame.key)}]`;
    else path += path === '' ? frame.key : `.${frame.key}`;
  }
  return path;
}

/** A function from index to position; the table of line starts is built on its first use. */
function lineStarts(text: string): (index: number) => Position {
  let starts: number[] | undefined;
  return (index) => {
    if (!starts) {
      starts = [0];
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) starts.push(i + 1);
      }
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - starts[lo]! + 1 };
  };
}
