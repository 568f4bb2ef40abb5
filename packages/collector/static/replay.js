// Replay page (viewer origin): fetches the session's events from the
// authenticated JSON route and hands them to the player frame, which lives on
// the player origin (see src/player/app.ts). Messages go to that origin
// only, and only the frame's own window is listened to.
(function () {
  'use strict';
  var frame = document.getElementById('player');
  if (!frame) return;
  var url = frame.getAttribute('data-events');
  var playerOrigin = frame.getAttribute('data-player-origin');
  var events = null;
  var ready = false;
  var sent = false;

  function send() {
    if (sent || !ready || !events || !frame.contentWindow) return;
    sent = true;
    frame.contentWindow.postMessage({ type: 'veil-events', events: events }, playerOrigin);
  }

  window.addEventListener('message', function (event) {
    if (event.source !== frame.contentWindow || event.origin !== playerOrigin || !event.data) return;
    if (event.data.type === 'veil-player-ready') {
      ready = true;
      send();
    } else if (event.data.type === 'veil-player-height' && typeof event.data.height === 'number') {
      frame.style.height = Math.max(200, Math.min(4000, Math.ceil(event.data.height))) + 'px';
    }
  });
  // The frame may have loaded before this script ran: ask it to say it is ready.
  function hello() {
    try {
      if (!ready && frame.contentWindow) frame.contentWindow.postMessage({ type: 'veil-hello' }, playerOrigin);
    } catch (error) {
      /* the frame still shows its initial about:blank */
    }
  }
  hello();
  frame.addEventListener('load', hello);

  fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
    .then(function (response) {
      if (!response.ok) throw new Error('loading the recording failed: HTTP ' + response.status);
      return response.json();
    })
    .then(function (body) {
      events = body.events;
      send();
    })
    .catch(function (error) {
      var p = document.createElement('p');
      p.className = 'error';
      p.textContent = String(error && error.message ? error.message : error);
      frame.parentNode.insertBefore(p, frame);
    });
})();
