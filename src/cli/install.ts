// `paradrop install DIR|chute.json|URL`: installs a chute, or updates it when one of that name is
// installed (its data directory is kept). Files are fetched (with progress) before anything on the
// system changes. Prints what was done; `--json` prints the operation result.
import type { CliIo } from './io.js';
import { EXIT_OK } from './exit-codes.js';
import { onePositional } from './args.js';
import { describeResult, printJson, runEngineCommand } from './output.js';
import { installChute, loadChuteSource } from '../engine/index.js';

const USAGE = 'usage: paradrop install DIR|chute.json|URL [--json] [-q] [--state-dir DIR] [--store DIR|URL] [--profile FILE]';

export async function installCommand(args: string[], io: CliIo): Promise<number> {
  return runEngineCommand({
    name: 'install',
    usage: USAGE,
    async run(ctx, p) {
      const arg = onePositional(p, 'chute directory, file or URL', USAGE);
      const { chute, source, notes } = await loadChuteSource(arg, io.cwd, ctx.settings.fetchTimeoutMs);
      if (!p.quiet) for (const n of notes) io.stderr(`${arg}: note: ${n}\n`);
      const r = await installChute(ctx, chute, source);
      if (p.json) printJson(io, { ...r, version: chute.version });
      else {
        const verb = r.op === 'update' ? 'updated' : 'installed';
        io.stdout(describeResult(r, `${verb} ${chute.name} ${chute.version}`, `${chute.name} ${chute.version} is already installed; nothing to do`));
      }
      return EXIT_OK;
    },
  }, args, io);
}
