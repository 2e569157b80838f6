// Debug logging: `const log = debug('paradrop:<folder>:<file>')`, enabled by the DEBUG variable
// the way the `debug` package reads it (names separated by commas or spaces, `*` wildcards, a
// leading `-` excludes), written to stderr with a timestamp. Our own because the package and its
// `ms` cost 8 KB of a router bundle for what these few lines do.
import { format } from 'node:util';

export interface Logger {
  (fmt: string, ...args: unknown[]): void;
  enabled: boolean;
  namespace: string;
}

function toRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?')}$`);
}

/** Whether `namespace` is enabled by a DEBUG value. */
export function isEnabled(namespace: string, spec: string | undefined): boolean {
  let on = false;
  for (const part of (spec ?? '').split(/[\s,]+/)) {
    if (part === '') continue;
    if (part.startsWith('-')) {
      if (toRegExp(part.slice(1)).test(namespace)) return false;
    } else if (toRegExp(part).test(namespace)) on = true;
  }
  return on;
}

export default function debug(namespace: string): Logger {
  const log = ((fmt: string, ...args: unknown[]) => {
    if (!log.enabled) return;
    process.stderr.write(`${new Date().toISOString()} ${namespace} ${format(fmt, ...args)}\n`);
  }) as Logger;
  log.namespace = namespace;
  log.enabled = isEnabled(namespace, process.env.DEBUG);
  return log;
}
