// The ubus object `paradrop`: one handler per entry of the method table (methods.ts), each
// checking its arguments, then answering with a reply or with the error DATA followed by the
// error's ubus status. Registers exactly METHOD_NAMES with signatureOf(name).
import type { MethodHandler, ObjectSpec, UbusRequest } from '../ubus/index.js';
import { checkArgs } from './check-args.js';
import type { DaemonContext } from './context.js';
import { replyError, toErrorReply } from './error-reply.js';
import { METHOD_NAMES, type MethodName, signatureOf, UBUS_OBJECT } from './methods.js';
import * as read from './read-methods.js';
import * as write from './write-methods.js';

type Impl = (d: DaemonContext, args: Record<string, unknown>) => unknown;

const IMPL: Record<MethodName, Impl> = {
  info: (d) => read.info(d),
  list: (d) => read.list(d),
  status: read.status,
  logs: read.logs,
  changes: (d) => read.changes(d),
  change: read.change,
  validate: read.validate,
  render: read.render,
  install: write.install,
  update: write.update,
  start: (d, a) => write.runState(d, 'start', a),
  stop: (d, a) => write.runState(d, 'stop', a),
  restart: (d, a) => write.runState(d, 'restart', a),
  freeze: (d, a) => write.runState(d, 'freeze', a),
  unfreeze: (d, a) => write.runState(d, 'unfreeze', a),
  remove: write.remove,
  set_resources: write.setResourcesMethod,
};

function handlerFor(d: DaemonContext, name: MethodName): MethodHandler {
  return async (req: UbusRequest) => {
    try {
      checkArgs(name, req.args);
      return (await IMPL[name](d, req.args)) as Record<string, unknown>;
    } catch (err) {
      const reply = toErrorReply(err);
      req.sendData({ ...reply });
      throw replyError(reply);
    }
  };
}

export function paradropObject(d: DaemonContext): ObjectSpec {
  const methods: ObjectSpec['methods'] = {};
  for (const name of METHOD_NAMES) methods[name] = { signature: signatureOf(name), handler: handlerFor(d, name) };
  return { path: UBUS_OBJECT, methods };
}
