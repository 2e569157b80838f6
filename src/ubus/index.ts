// The public face of src/ubus for the rest of paradrop (daemon, CLI): the client, the broker
// for tests and hosts without ubusd, the CLI-compatible formatter, and the value helpers.
// Lower layers (blob, message, framing, connection) stay importable by path for tests.
export { UbusClient, DEFAULT_SOCKET } from './client.js';
export type { UbusClientOptions, CallOptions, UbusObjectInfo, RawReply, UbusArgs, UbusObject, UbusListener, UbusSubscription } from './client.js';
export type { ObjectSpec, MethodSpec, MethodHandler, UbusRequest, UbusPayload } from './server-object.js';
export type { NotifyOptions, NotifyResult, SubscribeOptions, EventHandler } from './registrations.js';
export { UbusBroker } from './broker.js';
export type { BrokerOptions } from './broker.js';
export { UbusError, UbusProtocolError, UbusStatus, statusName, statusText } from './status.js';
export { BLOBMSG_TYPE } from './blobmsg.js';
export type { BlobmsgField, BlobmsgValue } from './blobmsg.js';
export { TypedBlobmsg, asDouble, asInt16, asInt32, asInt64, asTable, fromBlobmsgFields, toBlobmsgFields } from './blobmsg-js.js';
export { parseJsonToBlobmsg } from './blobmsg-json.js';
export { formatBlobmsgJson } from './blobmsg-format.js';
export { callExitCode, callFailure, formatCallOutput, formatEventLine, formatListOutput, plainFailure } from './cli-format.js';
