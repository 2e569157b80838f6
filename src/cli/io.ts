// What a CLI command may touch of its process: output streams, stdin, cwd and environment.
// Commands receive it as a parameter so tests can run them in-process and read what they print.
import { readFileSync } from 'node:fs';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input (uci batch); read lazily. */
  readStdin(): string;
  cwd: string;
  env: Record<string, string | undefined>;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: () => readFileSync(0, 'utf8'),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Collects output in memory (tests, and the daemon answering a ubus call). */
export function bufferIo(stdin = '', cwd = process.cwd()): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(t: string) { io.out += t; },
    stderr(t: string) { io.err += t; },
    readStdin: () => stdin,
    cwd,
    env: {} as Record<string, string | undefined>,
  };
  return io;
}
