// Replay page (viewer origin): fetches the session's events from the
// authenticated JSON route, a page at a time, and hands them to the player
// frame, which lives on the player origin (see src/player/app.ts): the first
// page starts the replay, later ones are added while it plays. Messages go to
// that origin only, and only the frame's own window is listened to.
//
// The "copy link at this moment" button lives here, not in the player: the
// link is the viewer's own URL, and the clipboard belongs to this page. The
// player reports its time once a second.
(function () {
  'use strict';
  var frame = document.getElementById('player');
  if (!frame) return;
  var url = frame.getAttribute('data-events');
  var playerOrigin = frame.getAttribute('data-player-origin');
  var startAttr = frame.getAttribute('data-start');
  var startAt = startAttr !== null && /^\d+$/.test(startAttr) ? Number(startAttr) : null;
  var copy = document.getElementById('copy-link');
  var share = document.getElementById('share-link');
  var copyStatus = document.getElementById('copy-status');
  var events = null;
  var gaps = [];
  /** Whether pages after the first are still to come; the ones fetched before the player started wait here. */
  var more = false;
  var later = [];
  var ready = false;
  var sent = false;
  var currentTime = startAt !== null ? startAt : 0;

  function send() {
    if (sent || !ready || !events || !frame.contentWindow) return;
    sent = true;
    frame.contentWindow.postMessage({ type: 'veil-events', events: events, gaps: gaps, startAt: startAt, more: more }, playerOrigin);
    sendLater();
    if (copy) copy.disabled = false;
    showLink();
  }

  function sendLater() {
    if (!sent) return;
    for (var i = 0; i < later.length; i++) frame.contentWindow.postMessage(later[i], playerOrigin);
    later = [];
  }

  function linkAt(ms) {
    var link = new URL(window.location.href);
    link.search = '';
    link.hash = '';
    link.searchParams.set('t', String(Math.floor(ms / 1000)));
    return link.toString();
  }

  function showLink() {
    if (share) share.value = linkAt(currentTime);
  }

  if (copy) {
    copy.addEventListener('click', function () {
      var link = linkAt(currentTime);
      share.value = link;
      var done = function () {
        copyStatus.textContent = 'Copied.';
      };
      var manual = function () {
        share.focus();
        share.select();
        copyStatus.textContent = 'Copy the selected link (Ctrl+C or ⌘C).';
      };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(link).then(done, manual);
      else manual();
    });
  }

  window.addEventListener('message', function (event) {
    if (event.source !== frame.contentWindow || event.origin !== playerOrigin || !event.data) return;
    if (event.data.type === 'veil-player-ready') {
      ready = true;
      send();
    } else if (event.data.type === 'veil-player-height' && typeof event.data.height === 'number') {
      frame.style.height = Math.max(200, Math.min(4000, Math.ceil(event.data.height))) + 'px';
    } else if (event.data.type === 'veil-player-time' && typeof event.data.time === 'number' && Number.isFinite(event.data.time)) {
      currentTime = Math.max(0, event.data.time);
      showLink();
      if (copyStatus && copyStatus.textContent === 'Copied.') copyStatus.textContent = '';
    }
  });

  // The player's keyboard shortcuts work from this page too, unless typing somewhere.
  document.addEventListener('keydown', function (event) {
    if (!sent || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || tag === 'BUTTON' || (target && target.isContentEditable)) return;
    if ([' ', 'k', 'ArrowLeft', 'ArrowRight', '1', '2', '3', '4', 'f'].indexOf(event.key) < 0) return;
    event.preventDefault();
    // full screen needs this page's own key press (the frame saw no gesture): the frame goes full screen
    if (event.key === 'f') {
      if (document.fullscreenElement) document.exitFullscreen();
      else if (frame.requestFullscreen) frame.requestFullscreen().catch(function () {});
      return;
    }
    frame.contentWindow.postMessage({ type: 'veil-key', key: event.key }, playerOrigin);
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

  /** Fetches the page of events after batch `after` (null: the first), then the next, until `next` is null. */
  function load(after) {
    var pageUrl = after === null ? url : url + (url.indexOf('?') < 0 ? '?' : '&') + 'after=' + encodeURIComponent(String(after));
    return fetch(pageUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok)
          throw new Error(
            'Loading the recording failed (HTTP ' + response.status + '). Reload the page; if you were logged out, log in again.',
          );
        return response.json();
      })
      .then(function (body) {
        var next = typeof body.next === 'number' ? body.next : null;
        var pageGaps = Array.isArray(body.gaps) ? body.gaps : [];
        if (after === null) {
          events = body.events;
          gaps = pageGaps;
          more = next !== null;
          send();
        } else {
          later.push({ type: 'veil-more-events', events: body.events, gaps: pageGaps, more: next !== null });
          sendLater();
        }
        if (next !== null) return load(next);
      });
  }

  load(null).catch(function (error) {
    var p = document.createElement('p');
    p.className = 'error';
    p.textContent = String(error && error.message ? error.message : error);
    frame.parentNode.insertBefore(p, frame);
  });
})();
