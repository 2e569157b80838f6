// SecCam's page helper (no library): refreshes the live picture every 2 s and reloads the page
// when a new motion picture is stored (GET /api/events?limit=1), unless a setting is being edited.
'use strict';
(function () {
  var live = document.getElementById('live');
  if (live) {
    setInterval(function () { live.src = '/latest.jpg?t=' + Date.now(); }, 2000);
  }
  var list = document.querySelector('.gallery');
  var newest = list ? list.getAttribute('data-newest') : '';
  setInterval(function () {
    if (document.activeElement && document.activeElement.tagName === 'INPUT') return;
    fetch('/api/events?limit=1').then(function (r) { return r.json(); }).then(function (events) {
      var name = events.length ? events[0].name : '';
      if (name !== newest) location.reload();
    }).catch(function () {});
  }, 5000);
})();
