// Which build this is. `npm run build` makes two bundles from the same source: dist/paradrop.js
// for any Linux host (Debian, the tests, the demo) and dist/openwrt/paradrop.js for the router
// package, built with PARADROP_TARGET = "openwrt". OpenWrt applies UCI with its own daemons and has
// the real `uci`, so the router bundle leaves out the plain-Linux applier and the `uci` subset.
// Sites test `PARADROP_TARGET === 'openwrt'` literally (esbuild replaces the name with a string,
// sees a constant condition and drops the branch with its dynamic import); a constant exported
// from here would not be folded across modules. Unbundled (tests) it is "any".
declare global {
  const PARADROP_TARGET: string;
}
export {};
