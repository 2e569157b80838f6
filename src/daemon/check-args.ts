// Checks a call's arguments against its entry in the method table (methods.ts) before anything
// runs: unknown names, missing required ones, wrong types, and the `choice` rule. Pure.
// Every failure is one USAGE error (INVALID_ARGUMENT) naming the argument, its value and what
// was expected, like the CLI's usage errors.
import { ParadropError, quote } from '../errors.js';
import { type ArgType, METHODS, type MethodDef, type MethodName } from './methods.js';

const TYPE_TEXT: Record<ArgType, string> = {
  string: 'a string', int32: 'a whole number', bool: 'true or false', table: 'an object', array: 'an array',
};

function hasType(v: unknown, type: ArgType): boolean {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'int32': return typeof v === 'number' && Number.isInteger(v);
    case 'bool': return typeof v === 'boolean';
    case 'table': return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array': return Array.isArray(v);
  }
}

export function checkArgs(method: MethodName, args: Record<string, unknown>): void {
  const def: MethodDef = METHODS[method];
  const names = Object.keys(def.args);
  for (const [name, value] of Object.entries(args)) {
    const a = def.args[name];
    if (a === undefined) {
      throw new ParadropError('USAGE', `${method}: unknown argument ${quote(name)} (${names.length === 0 ? 'it takes none' : `it takes ${names.join(', ')}`})`,
        { path: name, value: name, expected: names.join(', ') || 'no arguments' });
    }
    if (!hasType(value, a.type)) {
      throw new ParadropError('USAGE', `${method}: argument ${quote(name)} is ${JSON.stringify(value)}; expected ${TYPE_TEXT[a.type]} (${a.doc})`,
        { path: name, value, expected: TYPE_TEXT[a.type] });
    }
    if (a.type === 'string' && value === '' && (a.required || def.choice?.of.includes(name))) {
      throw new ParadropError('USAGE', `${method}: argument ${quote(name)} is empty; expected ${a.doc}`, { path: name, value, expected: a.doc });
    }
  }
  for (const [name, a] of Object.entries(def.args)) {
    if (a.required && args[name] === undefined) {
      throw new ParadropError('USAGE', `${method}: argument ${quote(name)} is missing; expected ${a.doc}`, { path: name, expected: a.doc });
    }
  }
  if (def.choice !== undefined) {
    const given = def.choice.of.filter((n) => args[n] !== undefined);
    const list = def.choice.of.join(', ');
    if (given.length > 1) {
      throw new ParadropError('USAGE', `${method}: give only one of ${list}, not ${given.join(' and ')}`, { path: given[1]!, expected: `one of ${list}` });
    }
    if (given.length === 0 && def.choice.required) {
      throw new ParadropError('USAGE', `${method}: give one of ${list}`, { path: def.choice.of[0]!, expected: `one of ${list}` });
    }
  }
}
