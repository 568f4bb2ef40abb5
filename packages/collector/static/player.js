// Player (on the player origin, see src/player/app.ts): receives the events
// from the viewer page that embeds it (only the viewer may frame it: CSP
// frame-ancestors) and plays them with rrweb's Replayer. rrweb builds the
// recorded page in an iframe of its own with sandbox="allow-same-origin" and
// no allow-scripts, under this page's CSP: recorded scripts and event
// handlers never run.
(function () {
  'use strict';
  var stage = document.getElementById('stage');
  var status = document.getElementById('status');
  var toggle = document.getElementById('toggle');
  var restart = document.getElementById('restart');
  var replayer = null;
  var playing = false;
  var recordedSize = null;

  function say(text) {
    status.textContent = text;
  }

  function fit() {
    var wrapper = stage.querySelector('.replayer-wrapper');
    if (!wrapper || !recordedSize || !recordedSize.width) return;
    var scale = Math.min(1, stage.clientWidth / recordedSize.width);
    wrapper.style.transformOrigin = '0 0';
    wrapper.style.transform = 'scale(' + scale + ')';
    stage.style.height = Math.ceil(recordedSize.height * scale) + 'px';
    window.parent.postMessage({ type: 'veil-player-height', height: document.documentElement.scrollHeight }, '*');
  }

  function start(events) {
    if (replayer) return;
    if (!Array.isArray(events) || events.length < 2) {
      say('This session has too few events to replay.');
      return;
    }
    var Replayer = window.rrwebReplay && window.rrwebReplay.Replayer;
    if (!Replayer) {
      say("rrweb's player did not load.");
      return;
    }
    events = events.slice().sort(function (a, b) {
      return a.timestamp - b.timestamp;
    });
    replayer = new Replayer(events, {
      root: stage,
      mouseTail: false,
      showWarning: false,
      triggerFocus: false,
      UNSAFE_replayCanvas: false,
    });
    replayer.on('resize', function (size) {
      recordedSize = size;
      fit();
    });
    replayer.on('finish', function () {
      playing = false;
      toggle.textContent = 'Play';
      say('finished');
    });
    var total = replayer.getMetaData().totalTime;
    replayer.play();
    playing = true;
    toggle.disabled = false;
    restart.disabled = false;
    toggle.textContent = 'Pause';
    say(events.length + ' events, ' + Math.round(total / 1000) + ' s');
  }

  toggle.addEventListener('click', function () {
    if (!replayer) return;
    if (playing) {
      replayer.pause();
      toggle.textContent = 'Play';
    } else {
      replayer.play(replayer.getCurrentTime());
      toggle.textContent = 'Pause';
    }
    playing = !playing;
  });
  restart.addEventListener('click', function () {
    if (!replayer) return;
    replayer.play(0);
    playing = true;
    toggle.textContent = 'Pause';
  });
  window.addEventListener('resize', fit);

  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || !event.data) return;
    if (event.data.type === 'veil-hello') window.parent.postMessage({ type: 'veil-player-ready' }, '*');
    else if (event.data.type === 'veil-events') start(event.data.events);
  });
  window.parent.postMessage({ type: 'veil-player-ready' }, '*');
})();
