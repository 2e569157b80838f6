// Entry point of the bundle (dist/paradrop.js): hands argv to the CLI and exits with its status.
import { runCli } from './cli/main.js';
import { processIo } from './cli/io.js';

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
