// EnvSense's page helper (no library): the charts are drawn by the server; this reloads the page
// every 30 seconds while it is visible, so the latest values and the charts stay current.
'use strict';
setInterval(function () {
  if (document.visibilityState === 'visible') location.reload();
}, 30000);
