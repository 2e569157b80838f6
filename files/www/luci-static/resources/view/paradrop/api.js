'use strict';
'require baseclass';
'require rpc';

// The LuCI side of the ubus object `paradrop`: one rpc.declare per method the pages call (the
// method table is src/daemon/methods.ts; test/luci checks these against it and against the rpcd
// ACL), replies turned into values or errors, and the small pure helpers the pages share.
// Invariants: every call goes through callMethod(), so an error reply always becomes a PdError
// whose message is the daemon's own text (the one the CLI prints); no call uses `expect`, which
// would silently replace an error reply by a default value.

const callInfo = rpc.declare({ object: 'paradrop', method: 'info' });
const callList = rpc.declare({ object: 'paradrop', method: 'list' });
const callStatus = rpc.declare({ object: 'paradrop', method: 'status', params: [ 'name' ] });
const callLogs = rpc.declare({ object: 'paradrop', method: 'logs', params: [ 'name', 'lines' ] });
const callChanges = rpc.declare({ object: 'paradrop', method: 'changes' });
const callChange = rpc.declare({ object: 'paradrop', method: 'change', params: [ 'id' ] });
const callValidate = rpc.declare({ object: 'paradrop', method: 'validate', params: [ 'path', 'spec' ] });
const callInstall = rpc.declare({ object: 'paradrop', method: 'install', params: [ 'path', 'url', 'spec' ] });
const callUpdate = rpc.declare({ object: 'paradrop', method: 'update', params: [ 'name' ] });
const callStart = rpc.declare({ object: 'paradrop', method: 'start', params: [ 'name' ] });
const callStop = rpc.declare({ object: 'paradrop', method: 'stop', params: [ 'name' ] });
const callRestart = rpc.declare({ object: 'paradrop', method: 'restart', params: [ 'name' ] });
const callFreeze = rpc.declare({ object: 'paradrop', method: 'freeze', params: [ 'name' ] });
const callUnfreeze = rpc.declare({ object: 'paradrop', method: 'unfreeze', params: [ 'name' ] });
const callRemove = rpc.declare({ object: 'paradrop', method: 'remove', params: [ 'name', 'keep_data' ] });
const callSetResources = rpc.declare({ object: 'paradrop', method: 'set_resources', params: [ 'name', 'cpu', 'memory', 'net' ] });

const RUN_VERBS = { start: callStart, stop: callStop, restart: callRestart, freeze: callFreeze, unfreeze: callUnfreeze };

/* uhttpd refuses /ubus requests over 64 KiB; leave room for the JSON-RPC frame and escaping. */
const SPEC_MAX_BYTES = 48 * 1024;

/* Container states that are on their way somewhere: the page keeps refreshing while it sees one. */
const TRANSIENT_STATES = [ 'STARTING', 'STOPPING', 'ABORTING', 'FREEZING', 'THAWED' ];

/* An error the daemon answered with: `message` is its text; `code`, `path`, `problems` as sent. */
function PdError(reply) {
	const e = new Error(reply.message);
	e.name = 'PdError';
	e.code = reply.code;
	e.path = reply.path;
	e.problems = Array.isArray(reply.problems) ? reply.problems : [];
	return e;
}

function isErrorReply(reply) {
	return reply != null && typeof reply === 'object' && typeof reply.code === 'string' && typeof reply.message === 'string';
}

/* rpc resolves a failed call with its data (our error reply) or, without data, with the bare status. */
function unwrapReply(method, reply) {
	if (isErrorReply(reply))
		throw PdError(reply);
	if (typeof reply === 'number' && reply !== 0)
		throw new Error(_('paradrop %s failed: %s').format(method, rpc.getStatusText(reply)));
	return reply;
}

/* Transport failures in words a user can act on; the original text stays at the end. */
function explainRpcError(method, err) {
	const text = String(err && err.message || err);
	if (/-32000\b|Object not found/.test(text))
		return new Error(_('The paradrop daemon is not running (start it with "service paradrop start"). %s').format(text));
	if (/-32002\b|Access denied/.test(text))
		return new Error(_('This login may not call paradrop %s. %s').format(method, text));
	return err instanceof Error ? err : new Error(text);
}

function callMethod(method, fn, args) {
	return Promise.resolve()
		.then(() => fn.apply(null, args))
		.catch((err) => { throw explainRpcError(method, err); })
		.then((reply) => unwrapReply(method, reply));
}

/* "http(s)://..." installs from a URL, "/..." from a path on the gateway; anything else is refused. */
function sourceFromInput(text) {
	const s = String(text == null ? '' : text).trim();
	if (/^https?:\/\/\S+$/i.test(s))
		return { url: s };
	if (/^\/\S*$/.test(s))
		return { path: s };
	return null;
}

function isUnsettled(chutes, changes) {
	return (changes || []).some((c) => c.state === 'queued' || c.state === 'running') ||
		(chutes || []).some((c) => TRANSIENT_STATES.indexOf(c.state) >= 0);
}

function formatBytes(n) {
	if (typeof n !== 'number' || !isFinite(n))
		return '-';
	const units = [ 'B', 'KiB', 'MiB', 'GiB', 'TiB' ];
	let i = 0;
	while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
	return (i === 0 ? String(n) : n.toFixed(n >= 100 ? 0 : 1)) + ' ' + units[i];
}

/* The size as set_resources takes it back: "64M" for whole MiB, else bytes. */
function sizeInput(bytes) {
	if (typeof bytes !== 'number' || !isFinite(bytes))
		return '';
	return (bytes % 1048576 === 0) ? String(bytes / 1048576) + 'M' : String(bytes);
}

/* CPU use in percent of one core between two usage samples ({cpuUsageNs, at} with `at` in ms). */
function cpuPercent(prev, next) {
	if (!prev || !next || prev.cpuUsageNs == null || next.cpuUsageNs == null)
		return null;
	const dt = next.at - prev.at;
	const dns = next.cpuUsageNs - prev.cpuUsageNs;
	if (dt <= 0 || dns < 0)
		return null;
	return Math.round(dns / (dt * 1e6) * 1000) / 10;
}

return baseclass.extend({
	SPEC_MAX_BYTES: SPEC_MAX_BYTES,
	RUN_VERBS: Object.keys(RUN_VERBS),

	info() { return callMethod('info', callInfo, []); },
	list() { return callMethod('list', callList, []).then((r) => (r && Array.isArray(r.chutes)) ? r.chutes : []); },
	status(name) { return callMethod('status', callStatus, [ name ]); },
	logs(name, lines) { return callMethod('logs', callLogs, [ name, lines ]); },
	changes() { return callMethod('changes', callChanges, []).then((r) => (r && Array.isArray(r.changes)) ? r.changes : []); },
	change(id) { return callMethod('change', callChange, [ id ]); },

	/* source: {path} | {spec} */
	validate(source) { return callMethod('validate', callValidate, [ source.path, source.spec ]); },
	/* source: {path} | {url} | {spec}; resolves to {change: id} */
	install(source) { return callMethod('install', callInstall, [ source.path, source.url, source.spec ]); },
	update(name) { return callMethod('update', callUpdate, [ name ]); },
	run(verb, name) {
		if (!RUN_VERBS.hasOwnProperty(verb))
			return Promise.reject(new Error('unknown action ' + verb));
		return callMethod(verb, RUN_VERBS[verb], [ name ]);
	},
	remove(name, keepData) { return callMethod('remove', callRemove, [ name, !!keepData ]); },
	/* cpu: shares or undefined; memory: "64M" or undefined; net: {iface: {down, up}} or undefined */
	setResources(name, cpu, memory, net) { return callMethod('set_resources', callSetResources, [ name, cpu, memory, net ]); },

	/* Every chute with its full status (summary only where status failed), and the changes. */
	snapshot() {
		return Promise.all([ this.list(), this.changes() ]).then((res) => {
			return Promise.all(res[0].map((summary) => this.status(summary.name)
				.then((status) => Object.assign({}, summary, status))
				.catch((err) => Object.assign({}, summary, { statusError: err.message }))))
				.then((chutes) => ({ chutes: chutes, changes: res[1] }));
		});
	},

	isErrorReply: isErrorReply,
	unwrapReply: unwrapReply,
	explainRpcError: explainRpcError,
	sourceFromInput: sourceFromInput,
	isUnsettled: isUnsettled,
	formatBytes: formatBytes,
	sizeInput: sizeInput,
	cpuPercent: cpuPercent
});
