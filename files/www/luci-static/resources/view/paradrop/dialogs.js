'use strict';
'require baseclass';
'require form';
'require ui';
'require view.paradrop.api as api';

// The modal dialogs of the ParaDrop page: confirmations, remove, resources, logs, check result.
// Invariants: a dialog that starts a change hands the daemon's reply ({change: id}) to `started`
// and closes; when the daemon refuses, the dialog stays open and shows its message verbatim.

function errorBox(err) {
	const lines = [ E('p', { 'style': 'white-space:pre-wrap' }, [ err.message ]) ];
	return E('div', { 'class': 'alert-message error' }, lines);
}

function buttons(actions) {
	return E('div', { 'class': 'right' }, actions.reduce((out, b, i) => out.concat(i ? [ ' ', b ] : [ b ]), []));
}

function cancelButton() {
	return E('button', { 'class': 'btn', 'click': ui.hideModal }, [ _('Cancel') ]);
}

/* Shows `body`, and a button that runs `act()`; success closes, failure shows the message in place. */
function actionModal(title, body, label, style, act, started) {
	const slot = E('div');
	const run = () => {
		slot.innerHTML = '';
		return act().then((reply) => {
			ui.hideModal();
			if (started)
				started(reply);
		}).catch((err) => { slot.appendChild(errorBox(err)); });
	};
	ui.showModal(title, [].concat(body, [ slot, buttons([
		cancelButton(),
		E('button', { 'class': 'btn ' + style, 'click': ui.createHandlerFn(null, run) }, [ label ])
	]) ]));
}

return baseclass.extend({
	errorBox: errorBox,

	/* stop, restart, freeze: one sentence and a button. */
	confirmRun(verb, name, started) {
		const texts = {
			stop: [ _('Stop chute %s?'), _('Its programs are stopped; devices on its SSID lose their service until it is started again.'), _('Stop') ],
			restart: [ _('Restart chute %s?'), _('Its programs are stopped and started again.'), _('Restart') ],
			freeze: [ _('Freeze chute %s?'), _('Every process of the chute is paused until it is unfrozen; its network stays up.'), _('Freeze') ]
		};
		const t = texts[verb];
		if (!t)
			return api.run(verb, name).then(started);
		actionModal(t[0].format(name), [ E('p', [ t[1] ]) ], t[2],
			verb === 'freeze' ? 'cbi-button-action' : 'cbi-button-negative',
			() => api.run(verb, name), started);
	},

	confirmRemove(name, started) {
		const keep = E('input', { 'type': 'checkbox', 'id': 'pd-keep-data' });
		actionModal(_('Remove chute %s?').format(name), [
			E('p', [ _('Its container, network, Wi-Fi and port forwards are removed.') ]),
			E('p', [ keep, ' ', E('label', { 'for': 'pd-keep-data' }, [ _('Keep its data (disk image) for a later install') ]) ])
		], _('Remove'), 'cbi-button-negative', () => api.remove(name, keep.checked), started);
	},

	/* Limits of a running chute: CPU shares, memory, and kbit/s per interface. */
	editResources(chute, started) {
		const limits = chute.limits || {};
		const ifaces = Array.isArray(chute.interfaces) ? chute.interfaces : [];
		const data = { res: { cpu: limits.cpuShares != null ? String(limits.cpuShares) : '', memory: api.sizeInput(limits.memoryBytes) } };
		ifaces.forEach((i) => {
			data.res['down_' + i.name] = i.downKbps != null ? String(i.downKbps) : '';
			data.res['up_' + i.name] = i.upKbps != null ? String(i.upKbps) : '';
		});

		const m = new form.JSONMap(data, null, _('The chute is told first; the new limits are forced after the grace period. Empty fields stay as they are.'));
		const s = m.section(form.NamedSection, 'res', 'res');
		let o = s.option(form.Value, 'cpu', _('CPU shares'), _('1024 is an equal share; 2 to 262144'));
		o.datatype = 'range(2,262144)';
		o = s.option(form.Value, 'memory', _('Memory limit'), _('Bytes, or a size such as 64M or 1G; at least 4M'));
		o.validate = (sid, v) => (v === '' || /^\d+(\.\d+)?\s*[KMG]?i?B?$/i.test(v)) ? true : _('Expecting a size such as 64M');
		ifaces.forEach((i) => {
			o = s.option(form.Value, 'down_' + i.name, _('%s: download (kbit/s)').format(i.name));
			o.datatype = 'uinteger';
			o = s.option(form.Value, 'up_' + i.name, _('%s: upload (kbit/s)').format(i.name));
			o.datatype = 'uinteger';
		});

		return m.render().then((node) => {
			actionModal(_('Resources of %s').format(chute.name), [ node ], _('Apply'), 'cbi-button-apply', () => {
				return m.save(null, true).then(() => {
					const get = (k) => { const v = m.data.get('json', 'res', k); return (v == null || v === '') ? undefined : String(v); };
					let net;
					ifaces.forEach((i) => {
						const down = get('down_' + i.name), up = get('up_' + i.name);
						if (down === undefined && up === undefined)
							return;
						net = net || {};
						net[i.name] = {};
						if (down !== undefined) net[i.name].down = +down;
						if (up !== undefined) net[i.name].up = +up;
					});
					const cpu = get('cpu');
					return api.setResources(chute.name, cpu === undefined ? undefined : +cpu, get('memory'), net);
				});
			}, started);
		});
	},

	showLogs(name) {
		let lines = 100;
		const pre = E('pre', { 'style': 'max-height:60vh;overflow:auto;white-space:pre-wrap' }, [ _('Loading…') ]);
		const load = () => api.logs(name, lines)
			.then((r) => { pre.textContent = (r && typeof r.text === 'string' && r.text !== '') ? r.text : _('No log lines yet.'); })
			.catch((err) => { pre.textContent = err.message; });
		ui.showModal(_('Logs of %s').format(name), [ pre, buttons([
			E('button', { 'class': 'btn', 'click': ui.createHandlerFn(this, () => { lines = Math.min(lines * 4, 10000); return load(); }) }, [ _('More') ]),
			E('button', { 'class': 'btn', 'click': ui.createHandlerFn(this, load) }, [ _('Refresh') ]),
			E('button', { 'class': 'btn', 'click': ui.hideModal }, [ _('Close') ])
		]) ]);
		return load();
	},

	/* The answer of validate: valid (with notes) or every problem with its path. */
	showCheck(reply) {
		const problems = Array.isArray(reply.problems) ? reply.problems : [];
		const notes = Array.isArray(reply.notes) ? reply.notes : [];
		const body = [ E('p', [ reply.valid ? _('The chute %s is valid.').format(reply.name || '') : _('The chute has %d problem(s):').format(problems.length) ]) ];
		if (problems.length)
			body.push(E('ul', problems.map((p) => E('li', { 'style': 'white-space:pre-wrap' }, [ p.message ]))));
		if (notes.length)
			body.push(E('ul', notes.map((n) => E('li', [ n ]))));
		ui.showModal(_('Check'), body.concat([ buttons([ E('button', { 'class': 'btn', 'click': ui.hideModal }, [ _('Close') ]) ]) ]));
	}
});
