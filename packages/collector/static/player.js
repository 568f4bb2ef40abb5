// Player (on the player origin, see src/player/app.ts): receives the events
// from the viewer page that embeds it (only the viewer may frame it: CSP
// frame-ancestors) and plays them with rrweb's Replayer. rrweb builds the
// recorded page in an iframe of its own with sandbox="allow-same-origin" and
// no allow-scripts, under this page's CSP: recorded scripts and event
// handlers never run.
//
// The controls are our own around rrweb's Replayer API (getMetaData,
// getCurrentTime, play(t), pause(t), setConfig({ speed }), addEvent):
// rrweb-player, rrweb's own control bar, is a Svelte build not installed
// here, and its timeline knows nothing of Veil's page changes or gaps.
// A long session arrives in pages (replay.js): playing starts on the first
// and the rest is added to the Replayer as it comes.
// Everything recorded is shown with textContent, never as HTML: recorded
// URLs, tags and input values are hostile input.
(function () {
  'use strict';
  var EventType = { FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4, Custom: 5 };
  var Source = { Mutation: 0, MouseMove: 1, MouseInteraction: 2, Scroll: 3, ViewportResize: 4, Input: 5 };
  var CLICK = 2;
  var NAVIGATION = 'veil.navigation';
  // rrweb's own inactivity threshold (Replayer config inactivePeriodThreshold).
  // "Skip inactivity" jumps over such stretches (rrweb's own skipInactive
  // only plays them faster, about 5 s each whatever their length).
  var IDLE_MS = 10 * 1000;
  /** A stretch closer to its end than this is played, not jumped over. */
  var JUMP_MIN_MS = 500;
  var SPEEDS = [1, 2, 4, 8];

  var $ = function (id) {
    return document.getElementById(id);
  };
  var stage = $('stage');
  var status = $('status');
  var toggle = $('toggle');
  var restart = $('restart');
  var timeLabel = $('time');
  var timeline = $('timeline');
  var progress = $('progress');
  var handle = $('handle');
  var urlBar = $('url');
  var list = $('event-list');
  var skipBox = $('skip');
  var fullscreen = $('fullscreen');
  var speedButtons = Array.prototype.slice.call(document.querySelectorAll('button[data-speed]'));

  var replayer = null;
  var playing = false;
  var finished = false;
  var recordedSize = null;
  var meta = null;
  var items = [];
  var pages = [];
  var idle = [];
  var currentItem = null;
  var lastPosted = -1;
  var dragging = false;
  var skips = [];
  var skipIdle = true;
  /** Events so far (a long session arrives in pages), and whether more are coming. */
  var allEvents = [];
  var allGaps = [];
  var loadingMore = false;
  /** Playback reached the end of what has arrived while more was on its way. */
  var waitingForMore = false;
  /** How the recording arrived: whether playing began before all of it had, and how many later pages came. */
  var arrival = { startedWithMore: false, laterPages: 0 };
  var skipSaid = 0;
  // the earliest moment there is a page to show: seeking before the first full
  // snapshot would leave whatever page was on screen (rrweb rebuilds the page
  // only from a snapshot at or before the moment)
  var firstFrame = 0;

  function say(text) {
    status.textContent = text;
  }

  function clock(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var sec = s % 60;
    var mm = h ? String(m).padStart(2, '0') : String(m);
    return (h ? h + ':' : '') + mm + ':' + String(sec).padStart(2, '0');
  }

  // The stage keeps one height for the whole replay (the tallest shape the
  // visitor's window had), so that the timeline and the controls under it do
  // not jump when the recorded window is resized.
  var stageRatio = 0.6;

  function fit() {
    var wrapper = stage.querySelector('.replayer-wrapper');
    var width = stage.clientWidth;
    var height = Math.round(width * stageRatio);
    if (document.fullscreenElement != null) {
      // in full screen the replay and the controls fit the screen
      var chrome = document.body.scrollHeight - stage.clientHeight;
      height = Math.max(100, window.innerHeight - chrome);
    }
    stage.style.height = height + 'px';
    if (wrapper && recordedSize && recordedSize.width && recordedSize.height) {
      var scale = Math.min(1, width / recordedSize.width, height / recordedSize.height);
      wrapper.style.transformOrigin = '0 0';
      wrapper.style.left = Math.max(0, Math.round((width - recordedSize.width * scale) / 2)) + 'px';
      wrapper.style.transform = 'scale(' + scale + ')';
    }
    window.parent.postMessage({ type: 'veil-player-height', height: document.documentElement.scrollHeight }, '*');
  }

  function ratioOf(events) {
    var ratio = 0;
    events.forEach(function (e) {
      var d = e.data || {};
      var sized = e.type === EventType.Meta || (e.type === EventType.IncrementalSnapshot && d.source === Source.ViewportResize);
      if (sized && d.width > 0 && d.height > 0) ratio = Math.max(ratio, d.height / d.width);
    });
    return ratio ? Math.max(0.3, Math.min(2.2, ratio)) : 0.6;
  }

  // ------------------------------------------------------------ reading the recording

  /** node id -> a short description of the element ("button#pay", "input[name=q]"). */
  function nodeNames(events) {
    var names = new Map();
    function walk(node) {
      if (!node || typeof node !== 'object') return;
      if (node.type === 2 && typeof node.tagName === 'string') {
        var a = node.attributes || {};
        var name = node.tagName.toLowerCase();
        if (typeof a.id === 'string' && a.id) name += '#' + a.id;
        else if (typeof a.name === 'string' && a.name) name += '[name=' + a.name + ']';
        if (name === 'input' || name.indexOf('input') === 0) {
          if (typeof a.type === 'string' && a.type && name.indexOf('[') < 0) name += '[type=' + a.type + ']';
        }
        names.set(node.id, name.slice(0, 80));
      }
      var children = node.childNodes;
      if (Array.isArray(children)) for (var i = 0; i < children.length; i++) walk(children[i]);
    }
    for (var i = 0; i < events.length; i++) {
      var e = events[i];
      if (e.type === EventType.FullSnapshot && e.data) walk(e.data.node);
      else if (e.type === EventType.IncrementalSnapshot && e.data && e.data.source === Source.Mutation && Array.isArray(e.data.adds)) {
        for (var j = 0; j < e.data.adds.length; j++) walk(e.data.adds[j] && e.data.adds[j].node);
      }
    }
    return names;
  }

  function isInteraction(e) {
    return e.type === EventType.IncrementalSnapshot && e.data && e.data.source > Source.Mutation && e.data.source <= Source.Input;
  }

  /** What the event list and the timeline markers show, in time order. */
  function describe(events, gaps, start) {
    var names = nodeNames(events);
    var out = [];
    var lastInput = null;
    for (var i = 0; i < events.length; i++) {
      var e = events[i];
      var at = e.timestamp - start;
      var d = e.data || {};
      if (e.type === EventType.Meta && typeof d.href === 'string') {
        out.push({ at: at, kind: 'page', text: 'Page loaded: ' + d.href, url: d.href });
        lastInput = null;
      } else if (e.type === EventType.Custom && d.tag === NAVIGATION && d.payload && typeof d.payload.href === 'string') {
        out.push({ at: at, kind: 'page', text: 'Went to ' + d.payload.href, url: d.payload.href });
        lastInput = null;
      } else if (e.type === EventType.IncrementalSnapshot && d.source === Source.MouseInteraction && d.type === CLICK) {
        out.push({ at: at, kind: 'click', text: 'Click on ' + (names.get(d.id) || 'an element') });
        lastInput = null;
      } else if (e.type === EventType.IncrementalSnapshot && d.source === Source.Input) {
        var value = typeof d.text === 'string' ? '“' + d.text.slice(0, 60) + (d.text.length > 60 ? '…' : '') + '”' : '';
        if (d.isChecked === true) value = 'checked';
        var item = { at: at, kind: 'input', id: d.id, text: 'Input in ' + (names.get(d.id) || 'a field') + (value ? ': ' + value : '') };
        // settled values of one field in a row are one entry: the last one
        if (lastInput && lastInput.id === d.id) out[out.indexOf(lastInput)] = item;
        else out.push(item);
        lastInput = item;
      } else if (e.type === EventType.IncrementalSnapshot && d.source === Source.ViewportResize) {
        out.push({ at: at, kind: 'resize', text: 'Window resized to ' + d.width + ' × ' + d.height });
      }
    }
    (gaps || []).forEach(function (g) {
      if (typeof g.at !== 'number') return;
      var text = g.missing
        ? g.missing + (g.missing === 1 ? ' batch' : ' batches') + ' never arrived here'
        : "The visitor's browser dropped " + g.dropped + (g.dropped === 1 ? ' batch' : ' batches') + ' (could not send them)';
      out.push({ at: Math.max(0, g.at - start), kind: 'gap', text: 'Gap: ' + text });
    });
    out.sort(function (a, b) {
      return a.at - b.at;
    });
    return out;
  }

  /** Stretches without a visitor's input longer than rrweb's inactivity threshold. */
  function idleStretches(events, start) {
    var out = [];
    var last = start;
    for (var i = 0; i < events.length; i++) {
      if (!isInteraction(events[i])) continue;
      var t = events[i].timestamp;
      if (t - last > IDLE_MS) out.push({ from: last - start, to: t - start });
      last = Math.max(last, t);
    }
    return out;
  }

  // ------------------------------------------------------------ drawing

  function pct(ms) {
    return meta.totalTime > 0 ? Math.max(0, Math.min(100, (ms / meta.totalTime) * 100)) : 0;
  }

  function drawTimeline() {
    // drawn again as more of a long session arrives: the shades and markers of the last drawing go
    Array.prototype.slice.call(timeline.querySelectorAll('.idle, .marker')).forEach(function (old) {
      old.remove();
    });
    idle.forEach(function (s) {
      var div = document.createElement('div');
      div.className = 'idle';
      div.style.left = pct(s.from) + '%';
      div.style.width = pct(s.to) - pct(s.from) + '%';
      div.title = 'Idle ' + clock(s.to - s.from) + ' (skipped when "Skip inactivity" is on)';
      timeline.appendChild(div);
    });
    items.forEach(function (item) {
      if (item.kind === 'resize') return;
      var div = document.createElement('div');
      div.className = 'marker ' + item.kind;
      div.style.left = pct(item.at) + '%';
      div.title = clock(item.at) + ' ' + item.text;
      timeline.appendChild(div);
    });
    timeline.setAttribute('aria-valuemax', String(Math.round(meta.totalTime / 1000)));
  }

  function drawList() {
    list.textContent = '';
    if (!items.length) {
      var empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = 'No page changes, clicks or inputs in this recording.';
      list.appendChild(empty);
    }
    items.forEach(function (item) {
      var li = document.createElement('li');
      li.className = item.kind;
      var button = document.createElement('button');
      button.type = 'button';
      var time = document.createElement('span');
      time.className = 'at';
      time.textContent = clock(item.at);
      var text = document.createElement('span');
      text.className = 'what';
      text.textContent = item.text;
      button.appendChild(time);
      button.appendChild(text);
      button.title = 'Go to ' + clock(item.at);
      button.addEventListener('click', function () {
        // a little before, so that what happened is seen happening
        seek(Math.max(0, item.at - (item.kind === 'page' ? 0 : 500)));
      });
      li.appendChild(button);
      item.element = li;
      list.appendChild(li);
    });
  }

  function urlAt(ms) {
    var url = null;
    for (var i = 0; i < pages.length && pages[i].at <= ms; i++) url = pages[i].url;
    return url;
  }

  /** The idle stretch playback is in at `ms`, if it is worth a jump. */
  function idleAt(ms) {
    for (var i = 0; i < idle.length; i++) {
      if (idle[i].from <= ms && ms < idle[i].to - JUMP_MIN_MS) return idle[i];
    }
    return null;
  }

  function render() {
    if (!replayer) return;
    var now = Math.max(0, Math.min(meta.totalTime, replayer.getCurrentTime()));
    var stretch = skipIdle && playing && !dragging ? idleAt(now) : null;
    if (stretch) {
      skips.push({ at: now, to: stretch.to });
      replayer.play(stretch.to);
      say('skipped ' + clock(stretch.to - now) + ' without activity');
      skipSaid = Date.now();
      now = stretch.to;
    } else if (skipSaid && Date.now() - skipSaid > 2500) {
      skipSaid = 0;
      if (/^skipped/.test(status.textContent)) say(loadingMore ? 'playing while the rest of the recording loads…' : '');
    }
    if (!dragging) {
      progress.style.width = pct(now) + '%';
      handle.style.left = pct(now) + '%';
      timeLabel.textContent = clock(now) + ' / ' + clock(meta.totalTime);
      timeline.setAttribute('aria-valuenow', String(Math.floor(now / 1000)));
      timeline.setAttribute('aria-valuetext', clock(now) + ' of ' + clock(meta.totalTime));
    }
    var url = urlAt(now);
    if (url !== null && urlBar.textContent !== url) {
      urlBar.textContent = url;
      urlBar.title = url;
    }
    var current = null;
    for (var i = 0; i < items.length && items[i].at <= now; i++) current = items[i];
    if (current !== currentItem) {
      if (currentItem && currentItem.element) currentItem.element.classList.remove('current');
      if (current && current.element) {
        current.element.classList.add('current');
        if (playing && list.scrollHeight > list.clientHeight) {
          var top = current.element.offsetTop - list.offsetTop;
          if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - 30) list.scrollTop = top - 40;
        }
      }
      currentItem = current;
    }
    var second = Math.floor(now / 1000);
    if (second !== lastPosted) {
      lastPosted = second;
      // for the viewer's "copy link at this moment"
      window.parent.postMessage({ type: 'veil-player-time', time: now }, '*');
    }
  }

  function loop() {
    render();
    window.requestAnimationFrame(loop);
  }

  function setPlaying(value) {
    playing = value;
    toggle.textContent = value ? 'Pause' : 'Play';
    toggle.setAttribute('aria-label', value ? 'Pause (space)' : 'Play (space)');
  }

  // ------------------------------------------------------------ controls

  function seek(ms) {
    if (!replayer) return;
    // the very end is one past the last event: rrweb applies only events strictly before the moment
    ms = ms >= meta.totalTime ? meta.totalTime + 1 : Math.max(firstFrame, ms);
    finished = false;
    if (playing) replayer.play(ms);
    else replayer.pause(ms);
    if (status.textContent === 'finished') say('');
    render();
  }

  function playPause() {
    if (!replayer) return;
    if (playing) {
      replayer.pause();
      setPlaying(false);
    } else {
      var from = finished || replayer.getCurrentTime() >= meta.totalTime ? 0 : replayer.getCurrentTime();
      finished = false;
      replayer.play(from);
      setPlaying(true);
      if (status.textContent === 'finished') say('');
    }
  }

  function setSpeed(speed) {
    if (!replayer || SPEEDS.indexOf(speed) < 0) return;
    replayer.setConfig({ speed: speed });
    speedButtons.forEach(function (b) {
      b.setAttribute('aria-pressed', String(Number(b.getAttribute('data-speed')) === speed));
    });
  }

  function setSkip(on) {
    skipBox.checked = on;
    skipIdle = on;
  }

  function timeAtPointer(event) {
    var rect = timeline.getBoundingClientRect();
    var x = Math.max(0, Math.min(rect.width, event.clientX - rect.left));
    // the last pixels are the end: a pixel is many milliseconds, and the end is where the last thing happened
    if (x >= rect.width - 2) return meta.totalTime;
    return rect.width ? (x / rect.width) * meta.totalTime : 0;
  }

  timeline.addEventListener('pointerdown', function (event) {
    if (!replayer) return;
    dragging = true;
    timeline.setPointerCapture(event.pointerId);
    var t = timeAtPointer(event);
    progress.style.width = pct(t) + '%';
    handle.style.left = pct(t) + '%';
    timeLabel.textContent = clock(t) + ' / ' + clock(meta.totalTime);
  });
  timeline.addEventListener('pointermove', function (event) {
    if (!dragging) return;
    var t = timeAtPointer(event);
    progress.style.width = pct(t) + '%';
    handle.style.left = pct(t) + '%';
    timeLabel.textContent = clock(t) + ' / ' + clock(meta.totalTime);
  });
  function endDrag(event) {
    if (!dragging) return;
    dragging = false;
    seek(timeAtPointer(event));
  }
  timeline.addEventListener('pointerup', endDrag);
  // a drag that loses the pointer (a window switch) still ends where it was
  timeline.addEventListener('lostpointercapture', endDrag);
  timeline.addEventListener('pointercancel', function () {
    dragging = false;
  });
  // the timeline is a slider for the keyboard too
  timeline.addEventListener('keydown', function (event) {
    if (!replayer) return;
    if (event.key === 'Home') seek(0);
    else if (event.key === 'End') seek(meta.totalTime);
    else return;
    event.preventDefault();
  });

  toggle.addEventListener('click', playPause);
  restart.addEventListener('click', function () {
    if (!replayer) return;
    finished = false;
    replayer.play(0);
    setPlaying(true);
  });
  speedButtons.forEach(function (b) {
    b.addEventListener('click', function () {
      setSpeed(Number(b.getAttribute('data-speed')));
    });
  });
  skipBox.addEventListener('change', function () {
    setSkip(skipBox.checked);
  });
  fullscreen.addEventListener('click', function () {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {
        say('Full screen is not allowed here.');
      });
    }
  });
  document.addEventListener('fullscreenchange', function () {
    fullscreen.textContent = document.fullscreenElement ? 'Exit full screen' : 'Full screen';
    fit();
  });

  /** Keyboard shortcuts; the viewer page forwards the same keys when it has the focus. */
  function key(name) {
    if (!replayer) return false;
    if (name === ' ' || name === 'k') playPause();
    else if (name === 'ArrowLeft') seek(replayer.getCurrentTime() - 5000);
    else if (name === 'ArrowRight') seek(replayer.getCurrentTime() + 5000);
    else if (name >= '1' && name <= '4') setSpeed(SPEEDS[Number(name) - 1]);
    else if (name === 'f') fullscreen.click();
    else return false;
    return true;
  }
  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    // space on a focused button is that button's click
    if (event.key === ' ' && target && target.tagName === 'BUTTON') return;
    if (target && target.tagName === 'INPUT' && event.key === ' ') return;
    if (key(event.key)) event.preventDefault();
  });

  // ------------------------------------------------------------ starting

  function start(message) {
    if (replayer) return;
    var events = message.events;
    if (!Array.isArray(events) || events.length < 2) {
      say('This session has too few events to replay.');
      return;
    }
    var Replayer = window.rrwebReplay && window.rrwebReplay.Replayer;
    if (!Replayer) {
      say("rrweb's player did not load. Reload the page; if it stays so, check that the player origin serves /static/rrweb-replay.js.");
      return;
    }
    events = playable(events);
    allEvents = events.slice();
    allGaps = Array.isArray(message.gaps) ? message.gaps.slice() : [];
    loadingMore = message.more === true;
    arrival.startedWithMore = loadingMore;
    replayer = new Replayer(events, {
      root: stage,
      mouseTail: false,
      showWarning: false,
      triggerFocus: false,
      UNSAFE_replayCanvas: false,
      // the player jumps over idle stretches itself (render)
      skipInactive: false,
      speed: 1,
    });
    meta = replayer.getMetaData();
    stageRatio = ratioOf(events);
    fit();
    for (var f = 0; f < events.length; f++) {
      if (events[f].type === EventType.FullSnapshot) {
        // +1: rrweb applies at once only the events strictly before the moment
        firstFrame = Math.min(meta.totalTime, events[f].timestamp - meta.startTime + 1);
        break;
      }
    }
    readRecording();
    replayer.on('resize', function (size) {
      recordedSize = size;
      fit();
    });
    replayer.on('finish', function () {
      if (loadingMore) {
        // the end of what has arrived, not of the recording: go on when the next page comes
        waitingForMore = true;
        say('loading the rest of the recording…');
        return;
      }
      finished = true;
      setPlaying(false);
      say('finished');
    });
    toggle.disabled = false;
    restart.disabled = false;
    speedButtons.forEach(function (b) {
      b.disabled = false;
    });
    skipBox.disabled = false;
    setSpeed(1);
    var at = typeof message.startAt === 'number' && Number.isFinite(message.startAt) ? message.startAt : null;
    if (at !== null) {
      // a deep link opens paused at its moment: the moment someone meant to show
      replayer.pause(Math.max(firstFrame, Math.min(meta.totalTime, at)));
      setPlaying(false);
      say('paused at ' + clock(at) + ' (from the link): press Play or space');
    } else {
      replayer.play();
      setPlaying(true);
      say(loadingMore ? 'playing while the rest of the recording loads…' : '');
    }
    loop();
  }

  /** Events worth giving the Replayer, in time order. */
  function playable(events) {
    var out = (Array.isArray(events) ? events : []).filter(function (e) {
      return e && typeof e.timestamp === 'number' && Number.isFinite(e.timestamp);
    });
    out.sort(function (a, b) {
      return a.timestamp - b.timestamp;
    });
    return out;
  }

  /** The list, the markers and the idle stretches, from everything that has arrived. */
  function readRecording() {
    items = describe(allEvents, allGaps, meta.startTime);
    pages = items.filter(function (i) {
      return i.kind === 'page';
    });
    idle = idleStretches(allEvents, meta.startTime);
    timeline.classList.toggle('loading', loadingMore);
    drawTimeline();
    drawList();
  }

  /** The next page of a long session. */
  function more(message) {
    if (!replayer) return;
    var events = playable(message.events);
    for (var i = 0; i < events.length; i++) {
      replayer.addEvent(events[i]);
      allEvents.push(events[i]);
    }
    if (Array.isArray(message.gaps)) allGaps = allGaps.concat(message.gaps);
    loadingMore = message.more === true;
    arrival.laterPages++;
    // the Replayer takes added events a microtask later (rrweb's addEvent)
    setTimeout(function () {
      meta = replayer.getMetaData();
      readRecording();
      if (waitingForMore) {
        waitingForMore = false;
        replayer.play(replayer.getCurrentTime());
      }
      if (!loadingMore && /^(playing while|loading the rest)/.test(status.textContent))
        say(playing ? '' : 'the whole recording has loaded');
      else if (loadingMore && playing && !/^skipped/.test(status.textContent)) say('playing while the rest of the recording loads…');
    }, 0);
  }

  window.addEventListener('resize', fit);

  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || !event.data) return;
    if (event.data.type === 'veil-hello') window.parent.postMessage({ type: 'veil-player-ready' }, '*');
    else if (event.data.type === 'veil-events') start(event.data);
    else if (event.data.type === 'veil-more-events') more(event.data);
    else if (event.data.type === 'veil-key' && typeof event.data.key === 'string') key(event.data.key);
  });

  // for tests and the curious: the player state, on an origin that holds nothing else
  window.veilPlayer = {
    get replayer() {
      return replayer;
    },
    get items() {
      return items.map(function (i) {
        return { at: i.at, kind: i.kind, text: i.text };
      });
    },
    get idle() {
      return idle.slice();
    },
    get playing() {
      return playing;
    },
    get skips() {
      return skips.slice();
    },
    get loading() {
      return loadingMore;
    },
    get arrival() {
      return { startedWithMore: arrival.startedWithMore, laterPages: arrival.laterPages };
    },
    seek: seek,
  };
  window.parent.postMessage({ type: 'veil-player-ready' }, '*');
})();
