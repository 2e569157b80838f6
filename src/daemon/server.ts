// `paradrop daemon`: connects to ubusd, reconciles (finishes or undoes an interrupted change,
// brings each chute to its recorded state), registers the object `paradrop` and serves until
// SIGTERM/SIGINT. Then it refuses new long calls, fails the queued ones, lets the running one
// finish within `drainMs` (procd's term_timeout is 30 s), closes and resolves.
// Reconnection after ubusd restarts is the client's (it registers the object again).
import debug from '../log.js';
import { reconcile } from '../engine/index.js';
import { UbusClient, type UbusObject } from '../ubus/index.js';
import { ChangeQueue } from './changes.js';
import { type DaemonContext, type DaemonDeps, engineContextOf } from './context.js';
import { CHANGE_EVENT, type ChangeEvent } from './methods.js';
import { paradropObject } from './object.js';

const log = debug('paradrop:daemon:server');

export interface DaemonOptions {
  socketPath: string;
  /** Lines for the system log (procd: stderr → logd). */
  say(line: string): void;
  /** Longest wait for the running change at shutdown. */
  drainMs?: number;
  /** Skip the start-up reconcile (tests that reconcile themselves). */
  noReconcile?: boolean;
}

export interface RunningDaemon {
  context: DaemonContext;
  client: UbusClient;
  /** Stops like SIGTERM does; resolves when done. */
  stop(): Promise<void>;
  /** Resolves once stopped. */
  stopped: Promise<void>;
}

export async function startDaemon(deps: DaemonDeps, o: DaemonOptions): Promise<RunningDaemon> {
  const client = await UbusClient.connect({ socketPath: o.socketPath });
  client.on('disconnect', (err) => o.say(`lost ubusd (${err?.message ?? 'closed'}); reconnecting`));
  client.on('reconnect', () => o.say('reconnected to ubusd; object paradrop registered again'));
  client.on('warning', (err) => o.say(`after reconnecting: ${err.message}`));
  const publish = (ev: ChangeEvent): void => {
    void client.sendEvent(CHANGE_EVENT, { ...ev }).catch((err: Error) => log('event not sent: %s', err.message));
  };
  const context: DaemonContext = { ...deps, queue: new ChangeQueue(publish), stopping: false };
  if (o.noReconcile !== true) {
    try {
      const r = await reconcile(engineContextOf(deps, { info: (l) => o.say(l) }));
      o.say(r.steps === 0 ? 'reconcile: everything is as it should be' : `reconcile: ${r.steps} steps`);
    } catch (err) {
      o.say(`reconcile failed: ${(err as Error).message}`);
    }
  }
  let obj: UbusObject;
  try {
    obj = await client.addObject(paradropObject(context));
  } catch (err) {
    client.close();
    throw err;
  }
  o.say(`serving ubus object paradrop on ${o.socketPath} (state ${deps.settings.stateDir})`);
  let done!: () => void;
  const stopped = new Promise<void>((r) => { done = r; });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      context.stopping = true;
      context.queue.cancelQueued({ code: 'BUSY', message: 'the paradrop daemon stopped before this change started; try again' });
      const bound = o.drainMs ?? 25_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        context.queue.drain().then(() => false),
        new Promise<boolean>((r) => { timer = setTimeout(() => r(true), bound); }),
      ]);
      clearTimeout(timer);
      if (timedOut) o.say(`a change was still running after ${bound} ms; the journal lets the next start finish or undo it`);
      await obj.remove().catch(() => undefined);
      client.close();
      done();
    })();
    return stopping;
  };
  return { context, client, stop, stopped };
}
