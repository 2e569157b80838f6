'use strict';
'require view';
'require dom';
'require poll';
'require ui';
'require view.paradrop.api as api';
'require view.paradrop.dialogs as dialogs';

// The ParaDrop page (Services > ParaDrop): the gateway, the changes in progress, the chutes with
// state, addresses, limits and live usage and their actions, and installing a chute from a URL,
// a path on the gateway or an uploaded chute.json (sent as `spec` text: no file API, no extra ACL).
// Refreshing: every 2 s while a change is queued or running or a container is between states,
// every 10 s otherwise (usage). Viewers (read-only ACL) see everything but the actions.
// Invariants: the daemon's error text is shown as it is; a failed change is reported once.

const FAST_MS = 2000, SLOW_MS = 10000;

function cell(content, title) {
	return E('td', { 'class': 'td', 'data-title': title }, content);
}

function stateBadge(chute) {
	const state = chute.state || '?';
	const want = { running: 'RUNNING', stopped: 'STOPPED', frozen: 'FROZEN' }[chute.desired];
	const out = [ E('strong', [ state ]) ];
	if (want && want !== state)
		out.push(E('br'), E('em', [ _('wanted: %s').format(chute.desired) ]));
	if (chute.request && chute.request.deadline)
		out.push(E('br'), E('em', [ _('new limits at %s').format(chute.request.deadline) ]));
	if (chute.statusError)
		out.push(E('br'), E('span', { 'class': 'alert-message warning' }, [ chute.statusError ]));
	return out;
}

function limitsText(chute) {
	const l = chute.limits;
	if (!l)
		return [ '-' ];
	const out = [ _('CPU %d shares').format(l.cpuShares), E('br'), _('memory %s').format(api.formatBytes(l.memoryBytes)),
		E('br'), _('disk %s').format(api.formatBytes(l.diskKiB * 1024)) ];
	(chute.interfaces || []).forEach((i) => {
		if (i.downKbps != null || i.upKbps != null)
			out.push(E('br'), _('%s: ↓%s ↑%s kbit/s').format(i.name, i.downKbps != null ? i.downKbps : '-', i.upKbps != null ? i.upKbps : '-'));
	});
	return out;
}

function addressesText(chute) {
	const out = [];
	(chute.interfaces || []).forEach((i) => {
		out.push(E('div', [ '%s %s'.format(i.name, i.address), i.ssid ? E('em', [ ' (SSID %s)'.format(i.ssid) ]) : '' ]));
	});
	if (!out.length)
		(chute.addresses || []).forEach((a) => out.push(E('div', [ a ])));
	return out.length ? out : [ '-' ];
}

return view.extend({
	handleSave: null,
	handleSaveApply: null,
	handleReset: null,

	load() {
		return Promise.all([
			api.info().catch((err) => ({ error: err })),
			api.snapshot().catch((err) => ({ error: err, chutes: [], changes: [] }))
		]);
	},

	render(data) {
		this.writable = L.hasViewPermission() !== false;
		this.samples = {};
		this.reported = {};
		this.lastRefresh = Date.now();
		this.infoNode = E('div', { 'class': 'cbi-section' });
		this.changesNode = E('div', { 'class': 'cbi-section' });
		this.chutesNode = E('div', { 'class': 'cbi-section' });
		this.renderInfo(data[0]);
		this.update(data[1], true);

		poll.add(L.bind(this.tick, this), FAST_MS / 1000);

		return E([], [
			E('h2', [ _('ParaDrop') ]),
			E('div', { 'class': 'cbi-map-descr' }, [ _('Chutes are third-party services running in containers on this gateway, each with its own subnets, Wi-Fi SSID, limits and port forwards.') ]),
			this.infoNode, this.changesNode, this.chutesNode,
			this.writable ? this.renderInstall() : ''
		]);
	},

	tick() {
		if (!this.unsettled && Date.now() - this.lastRefresh < SLOW_MS)
			return Promise.resolve();
		this.lastRefresh = Date.now();
		if (this.infoFailed)
			api.info().then((info) => this.renderInfo(info), () => undefined);
		return api.snapshot().then((snap) => this.update(snap, false), (err) => this.update({ error: err, chutes: [], changes: [] }, false));
	},

	/* A long method answered {change: id}: show it at once and refresh fast until it ends. */
	started(reply) {
		this.unsettled = true;
		this.lastRefresh = 0;
		return this.tick();
	},

	renderInfo(info) {
		this.infoFailed = !!info.error;
		if (info.error) {
			dom.content(this.infoNode, [ E('div', { 'class': 'alert-message error' }, [ info.error.message ]) ]);
			return;
		}
		const free = info.free || {};
		const radios = (info.radios || []).map((r) => '%s (%s, %d/%d)'.format(r.name, r.band, r.used, r.maxAps)).join(', ') || _('none');
		const row = (k, v) => E('tr', { 'class': 'tr' }, [ E('td', { 'class': 'td left', 'width': '33%' }, [ k ]), E('td', { 'class': 'td left' }, [ v ]) ]);
		dom.content(this.infoNode, [ E('h3', [ _('Gateway') ]), E('table', { 'class': 'table' }, [
			row(_('Version'), info.version || '?'),
			row(_('Gateway profile'), info.profile && info.profile.name || '?'),
			row(_('Cgroup'), info.cgroup || '?'),
			row(_('Radios (chute SSIDs used/max)'), radios),
			row(_('Free memory for chutes'), api.formatBytes(free.memoryBytes)),
			row(_('Free chute subnets'), free.subnets != null ? String(free.subnets) : '-')
		]) ]);
	},

	update(snap, first) {
		if (snap.error) {
			dom.content(this.chutesNode, [ E('h3', [ _('Chutes') ]), E('div', { 'class': 'alert-message error' }, [ snap.error.message ]) ]);
			this.unsettled = false;
			return;
		}
		this.reportFinished(snap.changes, first);
		this.renderChanges(snap.changes);
		this.renderChutes(snap.chutes);
		this.unsettled = api.isUnsettled(snap.chutes, snap.changes);
	},

	/* Failed changes once each (not those already finished when the page opened). */
	reportFinished(changes, first) {
		changes.forEach((c) => {
			const seen = this.reported[c.id];
			this.reported[c.id] = c.state;
			if (first || seen === c.state || c.state !== 'failed')
				return;
			ui.addNotification(_('%s of %s failed').format(c.method, c.chute || _('a chute')),
				E('p', { 'style': 'white-space:pre-wrap' }, [ c.error && c.error.message || c.step || '' ]), 'danger');
		});
	},

	renderChanges(changes) {
		const active = changes.filter((c) => c.state === 'queued' || c.state === 'running');
		const failed = changes.filter((c) => c.state === 'failed').slice(0, 3);
		if (!active.length && !failed.length) {
			dom.content(this.changesNode, '');
			return;
		}
		const rows = active.map((c) => E('div', { 'class': 'cbi-value' }, [
			E('label', { 'class': 'cbi-value-title' }, [ '%s %s'.format(c.method, c.chute || '') ]),
			E('div', { 'class': 'cbi-value-field' }, [
				E('div', { 'class': 'cbi-progressbar', 'title': '%d%%'.format(c.percent || 0) }, E('div', { 'style': 'width:%d%%'.format(c.percent || 0) })),
				E('em', [ c.state === 'queued' ? _('waiting for the change before it') : (c.step || '') ])
			])
		]));
		failed.forEach((c) => rows.push(E('div', { 'class': 'alert-message warning' }, [
			E('strong', [ _('%s of %s failed and was undone: ').format(c.method, c.chute || '?') ]),
			E('span', { 'style': 'white-space:pre-wrap' }, [ c.error && c.error.message || c.step || '' ])
		])));
		dom.content(this.changesNode, [ E('h3', [ _('Changes') ]) ].concat(rows));
	},

	usageText(chute) {
		const u = chute.usage;
		if (!u)
			return [ '-' ];
		const now = { cpuUsageNs: u.cpuUsageNs, at: Date.now() };
		const cpu = api.cpuPercent(this.samples[chute.name], now);
		this.samples[chute.name] = now;
		const out = [ _('memory %s').format(api.formatBytes(u.memoryBytes)) ];
		if (u.memoryLimitBytes)
			out.push(' / ', api.formatBytes(u.memoryLimitBytes));
		out.push(E('br'), cpu == null ? _('CPU …') : _('CPU %.1f%%').format(cpu));
		if (u.pids != null)
			out.push(E('br'), _('%d processes').format(u.pids));
		if (u.oomKills)
			out.push(E('br'), E('strong', [ _('%d killed for memory').format(u.oomKills) ]));
		return out;
	},

	actionButtons(chute) {
		const b = (label, style, fn) => E('button', { 'class': 'btn cbi-button ' + style, 'click': ui.createHandlerFn(this, fn) }, [ label ]);
		const run = (verb) => () => api.run(verb, chute.name).then((r) => this.started(r)).catch((err) => this.notifyError(err));
		const confirm = (verb) => () => dialogs.confirmRun(verb, chute.name, (r) => this.started(r));
		const out = [ b(_('Logs'), 'cbi-button-neutral', () => dialogs.showLogs(chute.name)) ];
		if (!this.writable)
			return out;
		if (chute.state === 'RUNNING')
			out.push(b(_('Stop'), 'cbi-button-negative', confirm('stop')), b(_('Restart'), 'cbi-button-action', confirm('restart')),
				b(_('Freeze'), 'cbi-button-action', confirm('freeze')));
		else if (chute.state === 'FROZEN')
			out.push(b(_('Unfreeze'), 'cbi-button-positive', run('unfreeze')), b(_('Stop'), 'cbi-button-negative', confirm('stop')));
		else if (chute.state === 'STOPPED' || chute.state === 'ABSENT')
			out.push(b(_('Start'), 'cbi-button-positive', run('start')));
		out.push(b(_('Resources'), 'cbi-button-edit', () => dialogs.editResources(chute, (r) => this.started(r))),
			b(_('Update'), 'cbi-button-action', () => api.update(chute.name).then((r) => this.started(r)).catch((err) => this.notifyError(err))),
			b(_('Remove'), 'cbi-button-remove', () => dialogs.confirmRemove(chute.name, (r) => this.started(r))));
		return out.reduce((acc, x, i) => acc.concat(i ? [ ' ', x ] : [ x ]), []);
	},

	renderChutes(chutes) {
		const head = E('tr', { 'class': 'tr table-titles' }, [ _('Chute'), _('State'), _('Addresses'), _('Limits'), _('Usage'), '' ]
			.map((t) => E('th', { 'class': 'th' }, [ t ])));
		const rows = chutes.map((c) => E('tr', { 'class': 'tr' }, [
			cell([ E('strong', [ c.name ]), ' ', c.version || '', c.description ? E('div', [ E('small', [ c.description ]) ]) : '' ], _('Chute')),
			cell(stateBadge(c), _('State')),
			cell(addressesText(c), _('Addresses')),
			cell(limitsText(c), _('Limits')),
			cell(this.usageText(c), _('Usage')),
			cell(this.actionButtons(c), '')
		]));
		if (!rows.length)
			rows.push(E('tr', { 'class': 'tr placeholder' }, [ E('td', { 'class': 'td', 'colspan': 6 }, [ E('em', [ _('No chute is installed.') ]) ]) ]));
		dom.content(this.chutesNode, [ E('h3', [ _('Chutes') ]), E('table', { 'class': 'table' }, [ head ].concat(rows)) ]);
	},

	notifyError(err) {
		ui.addNotification(null, E('p', { 'style': 'white-space:pre-wrap' }, [ err.message ]), 'danger');
	},

	/* `check`: validate (shows every problem) instead of install. */
	submit(source, check) {
		if (!source)
			return Promise.resolve();
		if (check && source.url)
			return Promise.resolve(this.notifyError(new Error(_('Check takes a path on the gateway or an uploaded chute.json; Install fetches a URL and checks it before installing anything.'))));
		return (check ? api.validate(source).then((r) => dialogs.showCheck(r)) : api.install(source).then((r) => this.started(r)))
			.catch((err) => this.notifyError(err));
	},

	sourceFromField(field) {
		const source = api.sourceFromInput(field.value);
		if (!source)
			this.notifyError(new Error(_('Give an http(s):// URL or an absolute path on the gateway, e.g. /usr/share/paradrop/examples/seccam')));
		return source;
	},

	sourceFromFile(input) {
		const file = input.files && input.files[0];
		if (!file)
			return Promise.resolve(this.notifyError(new Error(_('Choose a chute.json file first.'))));
		if (file.size > api.SPEC_MAX_BYTES)
			return Promise.resolve(this.notifyError(new Error(_('%s is %s; LuCI can send at most %s. Copy it to the gateway and install it by path, or serve it by URL.')
				.format(file.name, api.formatBytes(file.size), api.formatBytes(api.SPEC_MAX_BYTES)))));
		return file.text().then((text) => ({ spec: text }));
	},

	renderInstall() {
		const field = E('input', { 'type': 'text', 'class': 'cbi-input-text', 'style': 'width:30em',
			'placeholder': 'https://store.example/chutes/seccam/chute.json' });
		const upload = E('input', { 'type': 'file', 'accept': '.json,application/json' });
		const btn = (label, style, fn) => E('button', { 'class': 'btn cbi-button ' + style, 'click': ui.createHandlerFn(this, fn) }, [ label ]);
		const fromField = (check) => () => this.submit(this.sourceFromField(field), check);
		const fromFile = (check) => () => this.sourceFromFile(upload).then((s) => this.submit(s, check));
		const row = (title, widgets) => E('div', { 'class': 'cbi-value' }, [
			E('label', { 'class': 'cbi-value-title' }, [ title ]),
			E('div', { 'class': 'cbi-value-field' }, widgets.reduce((acc, x, i) => acc.concat(i ? [ ' ', x ] : [ x ]), []))
		]);
		return E('div', { 'class': 'cbi-section' }, [
			E('h3', [ _('Install a chute') ]),
			E('div', { 'class': 'cbi-section-descr' }, [ _('Installing a chute with the name of an installed one updates it; its data is kept. "Check" lists every problem without installing.') ]),
			row(_('URL or path on the gateway'), [ field, btn(_('Check'), 'cbi-button-neutral', fromField(true)), btn(_('Install'), 'cbi-button-apply', fromField(false)) ]),
			row(_('chute.json from this computer'), [ upload, btn(_('Check'), 'cbi-button-neutral', fromFile(true)), btn(_('Install'), 'cbi-button-apply', fromFile(false)) ])
		]);
	}
});
