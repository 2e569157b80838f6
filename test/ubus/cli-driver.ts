// Plays a captured `ubus` CLI invocation with OUR client and formatter: the arguments after
// `ubus -s <socket>` become client calls, and the result is the stdout, stderr and exit code the
// real CLI would have produced. Test-only glue; the pieces it uses live in src/ubus.
import { type BlobmsgField } from '../../src/ubus/blobmsg.js';
import { parseJsonToBlobmsg } from '../../src/ubus/blobmsg-json.js';
import { asTable } from '../../src/ubus/blobmsg-js.js';
import { type UbusClient } from '../../src/ubus/client.js';
import { callFailure, formatCallOutput, formatEventLine, formatListOutput, plainFailure } from '../../src/ubus/cli-format.js';
import { UbusError } from '../../src/ubus/status.js';

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
  usage: boolean;
}

/** `stop` ends listen/subscribe (the real CLI stops after its -t timeout). */
export async function runUbusCli(client: UbusClient, args: string[], stop: Promise<void>): Promise<CliRun> {
  let verbose = false;
  let simple = false;
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-'); i++) {
    if (args[i] === '-v') verbose = true;
    else if (args[i] === '-S') simple = true;
    else if (args[i] === '-t') i++;
  }
  const [command, ...rest] = args.slice(i);
  const run: CliRun = { stdout: '', stderr: '', exitCode: 0, usage: false };
  const failWith = (r: { exitCode: number; stderr: string; usage: boolean }): CliRun => ({ ...run, ...r });
  const statusOf = (err: unknown): number => {
    if (err instanceof UbusError) return err.status;
    throw err;
  };

  switch (command) {
    case 'list': {
      try {
        const objects = await client.lookup(rest[0]);
        run.stdout = formatListOutput(objects, { verbose });
        return run;
      } catch (err) {
        return failWith(plainFailure(statusOf(err)));
      }
    }
    case 'call': {
      const [path = '', method = '', message] = rest;
      let fields: BlobmsgField[] = [];
      if (message !== undefined) {
        try {
          fields = parseJsonToBlobmsg(message);
        } catch (err) {
          return failWith(callFailure(path, method, message, statusOf(err)));
        }
      }
      let id: number;
      try {
        id = await client.lookupId(path);
      } catch (err) {
        return failWith(plainFailure(statusOf(err)));
      }
      const res = await client.invokeRaw(id, method, fields);
      run.stdout = res.data.map((d) => formatCallOutput(d, { simple })).join('');
      return res.status === 0 ? run : failWith(callFailure(path, method, message, res.status));
    }
    case 'send': {
      const [event = '', message] = rest;
      try {
        await client.sendEvent(event, asTable(message === undefined ? [] : parseJsonToBlobmsg(message)));
        return run;
      } catch (err) {
        return failWith(plainFailure(statusOf(err)));
      }
    }
    case 'listen': {
      const listener = await client.listen(rest.length > 0 ? rest : ['*'], (event, _data, req) => {
        run.stdout += formatEventLine(event, req.fields);
      });
      await stop;
      void listener;
      return run;
    }
    case 'subscribe': {
      for (const path of rest) {
        await client.subscribe(path, (type, _data, req) => {
          run.stdout += formatEventLine(type, req.fields);
        });
      }
      await stop;
      return run;
    }
    default:
      throw new Error(`cli-driver: unsupported ubus command ${String(command)}`);
  }
}
