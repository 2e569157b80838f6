# paradrop: `paradrop ...` in a login shell works on the daemon's state directory, store and grace
# period (/etc/config/paradrop), not the CLI's built-in defaults (/var/lib/paradrop is RAM here).
# Sourced by /etc/profile; an explicit --state-dir/--store/--grace still wins.
if command -v uci >/dev/null 2>&1; then
	pd_value="$(uci -q get paradrop.main.state_dir)" && [ -n "$pd_value" ] && export PARADROP_STATE_DIR="$pd_value"
	pd_value="$(uci -q get paradrop.main.store)" && [ -n "$pd_value" ] && export PARADROP_STORE="$pd_value"
	pd_value="$(uci -q get paradrop.main.grace_period)" && [ -n "$pd_value" ] && export PARADROP_GRACE="$pd_value"
	unset pd_value
fi
