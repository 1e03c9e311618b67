/*
 * The live ECHO session room (events/templates/events/live.html).
 *
 * One websocket; the server's `state` snapshot replaces everything, and each
 * later event is applied to that in-memory state before the region it touches
 * is drawn again. The protocol is in events/PROTOCOL.md.
 *
 * Every piece of member text goes into the page through textContent, never as
 * markup. Forms and the chat box are never redrawn, only the lists, so typing
 * and focus survive updates. Interface text comes translated from the page
 * (#live-text), so this file holds none of its own.
 */
(function () {
  'use strict';

  var root = document.getElementById('live-room');
  if (!root || !('WebSocket' in window)) {
    return;
  }

  var CHAT_LIMIT = 200;
  var HEARTBEAT_MS = 30000;
  var BACKOFF_MIN_MS = 1000;
  var BACKOFF_MAX_MS = 30000;
  var ANNOUNCE_GAP_MS = 2000;
  var ERROR_WINDOW_MS = 10000;

  var isFacilitator = root.getAttribute('data-facilitator') === 'true';
  var socketUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host +
    root.getAttribute('data-websocket-path');

  function byId(id) { return document.getElementById(id); }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  // --- Text and small DOM helpers ------------------------------------------------------------

  var texts = {};
  each(document.querySelectorAll('#live-text [data-key]'), function (node) {
    texts[node.getAttribute('data-key')] = node.textContent;
  });

  /* Django-style "%(name)s" placeholders; values are inserted once, never re-read as a pattern. */
  function t(key, params) {
    return (texts[key] || key).replace(/%(?:\((\w+)\)s|%)/g, function (match, name) {
      if (!name) { return '%'; }
      return params && params[name] != null ? String(params[name]) : match;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text != null) { node.textContent = text; }
    return node;
  }

  function hiddenText(text) { return el('span', 'nhsuk-u-visually-hidden', text); }

  function button(label, className, hiddenSuffix) {
    var node = el('button', className, label);
    node.type = 'button';
    if (hiddenSuffix) { node.appendChild(hiddenText(hiddenSuffix)); }
    return node;
  }

  var clockFormat = null;
  try {
    clockFormat = new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit', minute: '2-digit', timeZone: root.getAttribute('data-time-zone') || 'Europe/London'
    });
  } catch (error) {
    clockFormat = null;
  }

  function clock(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return ''; }
    return clockFormat ? clockFormat.format(date) : date.toTimeString().slice(0, 5);
  }

  function timeElement(iso) {
    var node = el('time', null, clock(iso));
    node.setAttribute('datetime', iso);
    return node;
  }

  /*
   * Redraw a list without losing the keyboard user's place: focus returns to the
   * control with the same data-focus-key, else to the nearest one after it, else
   * before it, else to `fallback` (a heading with tabindex="-1").
   */
  function keepFocus(container, fallback, render) {
    var active = document.activeElement;
    var keys = [];
    var position = -1;
    if (active && active !== container && container.contains(active)) {
      each(container.querySelectorAll('[data-focus-key]'), function (node) {
        if (node === active) { position = keys.length; }
        keys.push(node.getAttribute('data-focus-key'));
      });
    }
    render();
    if (position < 0) { return; }
    var candidates = keys.slice(position).concat(keys.slice(0, position).reverse());
    var found = {};
    each(container.querySelectorAll('[data-focus-key]'), function (node) {
      found[node.getAttribute('data-focus-key')] = node;
    });
    for (var i = 0; i < candidates.length; i += 1) {
      if (found[candidates[i]]) { found[candidates[i]].focus(); return; }
    }
    if (fallback) { fallback.focus(); }
  }

  // --- Connection status, notices and errors ------------------------------------------------

  var statusLine = root.querySelector('.nc-live__status');
  var statusText = byId('live-status');

  function setStatus(kind, text) {
    statusLine.setAttribute('data-state', kind);
    var value = text || t(kind);
    if (statusText.textContent !== value) { statusText.textContent = value; }
  }

  function showNotice(key, withSignIn) {
    var text = byId('live-notice-text');
    text.textContent = key ? t(key) : '';
    text.hidden = !key;
    byId('live-notice-link').hidden = !withSignIn;
    // After the session: the follow-up links other apps put on the end screen (feedback).
    var endPanels = byId('live-end-panels');
    if (endPanels) { endPanels.hidden = key !== 'ended_notice'; }
    byId('live-notice').hidden = false;
  }

  function hideNotice() { byId('live-notice').hidden = true; }

  function errorBox(region) {
    return root.querySelector('[data-error-for="' + region + '"]') ||
      root.querySelector('[data-error-for="general"]');
  }

  function showError(region, message) {
    var box = errorBox(region);
    var line = el('span', 'nhsuk-error-message');
    line.appendChild(hiddenText(t('error_prefix') + ' '));
    line.appendChild(document.createTextNode(message));
    box.textContent = '';
    box.appendChild(line);
    markGroup(box, true);
  }

  function clearError(region) {
    var box = errorBox(region);
    box.textContent = '';
    markGroup(box, false);
  }

  function markGroup(box, failed) {
    var group = box.closest('.nhsuk-form-group');
    if (group) { group.classList.toggle('nhsuk-form-group--error', failed); }
  }

  // --- Announcements for screen readers: brief, at most one every 2 seconds -------------------

  var announcer = byId('live-announcer');
  var pendingAnnouncements = [];
  var announceTimer = null;
  var lastAnnounced = 0;

  function announce(kind, text) {
    pendingAnnouncements.push({ kind: kind, text: text });
    if (announceTimer === null) {
      announceTimer = setTimeout(flushAnnouncements, Math.max(0, lastAnnounced + ANNOUNCE_GAP_MS - Date.now()));
    }
  }

  function flushAnnouncements() {
    announceTimer = null;
    var chats = pendingAnnouncements.filter(function (item) { return item.kind === 'chat'; });
    var parts = pendingAnnouncements.filter(function (item) { return item.kind !== 'chat'; })
      .slice(-2).map(function (item) { return item.text; });
    if (chats.length === 1) {
      parts.push(chats[0].text);
    } else if (chats.length > 1) {
      parts.push(t('announce_messages', { count: chats.length }));
    }
    pendingAnnouncements = [];
    lastAnnounced = Date.now();
    announcer.textContent = parts.join('. ');
  }

  // --- The socket ----------------------------------------------------------------------------

  var state = null;
  var socket = null;
  var attempt = 0;
  var failedHandshakes = 0;
  var reconnectTimer = null;
  var stopped = false;
  var lastAction = { region: 'general', at: 0 };

  function connect() {
    reconnectTimer = null;
    if (stopped) { return; }
    var ws;
    var opened = false;
    var heartbeat = null;
    try {
      ws = new WebSocket(socketUrl);
    } catch (error) {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = function () {
      opened = true;
      failedHandshakes = 0;
      heartbeat = setInterval(function () { send({ type: 'heartbeat' }); }, HEARTBEAT_MS);
    };
    ws.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      if (message && typeof message.type === 'string') { handle(message); }
    };
    ws.onclose = function (event) {
      clearInterval(heartbeat);
      if (socket === ws) { socket = null; }
      closed(event.code, opened);
    };
  }

  function closed(code, opened) {
    if (stopped) { return; }
    if (code === 4401 || code === 4408) {
      stop('signed_out_notice', true);
      return;
    }
    if (code === 4403) {
      stop(opened ? 'ended_notice' : 'not_allowed_notice', false);
      return;
    }
    setStatus('reconnecting');
    if (opened) {
      scheduleReconnect();
    } else {
      failedHandshakes += 1;
      checkAdmission();
    }
  }

  /*
   * A handshake the server refuses reaches the browser as 1006, without its
   * close code, just like a network failure. Asking for this page tells them
   * apart: a redirect means signed out, 403/404 means no longer admitted.
   */
  function checkAdmission() {
    if (!window.fetch) { scheduleReconnect(); return; }
    fetch(location.pathname, { credentials: 'same-origin', redirect: 'manual', cache: 'no-store' })
      .then(function (response) {
        if (stopped) { return; }
        if (response.type === 'opaqueredirect') {
          stop('signed_out_notice', true);
        } else if (response.status === 403 || response.status === 404) {
          stop(state && state.session.ended ? 'ended_notice' : 'not_allowed_notice', false);
        } else {
          if (response.ok && failedHandshakes >= 4) { showNotice('blocked_notice', false); }
          scheduleReconnect();
        }
      }, function () {
        if (!stopped) { scheduleReconnect(); }
      });
  }

  function scheduleReconnect() {
    if (stopped || reconnectTimer !== null) { return; }
    var base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, attempt));
    attempt += 1;
    var delay = Math.min(BACKOFF_MAX_MS, base * (0.75 + Math.random() * 0.5));
    reconnectTimer = setTimeout(connect, delay);
  }

  function stop(noticeKey, withSignIn) {
    stopped = true;
    if (reconnectTimer !== null) { clearTimeout(reconnectTimer); reconnectTimer = null; }
    if (noticeKey === 'ended_notice') {
      setStatus('ended');
      showNotice(noticeKey, false);
    } else {
      // The status line says why; the notice only carries the way back in.
      setStatus('stopped', t(noticeKey));
      if (withSignIn) { showNotice(null, true); } else { hideNotice(); }
    }
    disableControls();
  }

  window.addEventListener('online', function () {
    if (reconnectTimer !== null) {
      clearTimeout(reconnectTimer);
      connect();
    }
  });

  /* Send a frame; `region` says where an error answer to it belongs. */
  function send(frame, region) {
    if (region) {
      if (state && state.session.ended) {
        showError(region, t('session_ended'));
        return false;
      }
      if (!socket || socket.readyState !== 1 || !state) {
        showError(region, t('not_connected'));
        return false;
      }
      clearError(region);
      lastAction = { region: region, at: Date.now() };
    } else if (!socket || socket.readyState !== 1) {
      return false;
    }
    socket.send(JSON.stringify(frame));
    return true;
  }

  // --- Incoming frames -----------------------------------------------------------------------

  function handle(message) {
    if (message.type === 'state') { applyState(message); return; }
    if (message.type === 'error') { onError(message); return; }
    if (!state) { return; }
    switch (message.type) {
      case 'presence':
        state.presence = message.people || [];
        renderPeople();
        break;
      case 'chat.message':
        onChat(message.message);
        break;
      case 'hands':
        onHands(message);
        break;
      case 'agenda':
        state.agenda = { items: message.items || [], current: message.current || null };
        renderAgenda();
        renderRecommendations();
        break;
      case 'case':
        state['case'] = message['case'] || null;
        renderCase();
        break;
      case 'recommendation':
        if (!state.recommendations.some(function (item) { return item.id === message.recommendation.id; })) {
          state.recommendations.push(message.recommendation);
          renderRecommendations();
        }
        break;
      case 'poll':
        onPoll(message.poll);
        break;
      case 'session.ended':
        onEnded();
        break;
      default:
        break;
    }
  }

  function applyState(message) {
    var first = state === null;
    state = {
      session: message.session,
      you: message.you,
      presence: message.presence || [],
      agenda: message.agenda || { items: [], current: null },
      'case': message['case'] || null,
      hands: message.hands || { queue: [], taken: null },
      chat: message.chat || [],
      recommendations: message.recommendations || [],
      polls: message.polls || []
    };
    attempt = 0;
    failedHandshakes = 0;
    hideNotice();
    renderAgenda();
    renderCase();
    renderRecommendations();
    renderPolls();
    renderHands();
    renderChat(first);
    renderPeople();
    if (state.session.ended) {
      onEnded();
    } else {
      setStatus('connected');
    }
  }

  function onError(message) {
    var region = Date.now() - lastAction.at < ERROR_WINDOW_MS ? lastAction.region : 'general';
    var friendly = { rate_limited: 1, already_voted: 1, session_ended: 1 };
    var text = friendly[message.code] ? t(message.code) : (message.message || t('generic_error'));
    showError(region, text);
    restoreAfterError(region, message.code);
  }

  // --- Agenda --------------------------------------------------------------------------------

  var agendaList = byId('live-agenda');

  function renderAgenda() {
    keepFocus(agendaList, byId('live-agenda-title'), function () {
      agendaList.textContent = '';
      state.agenda.items.forEach(function (item) {
        var row = el('li', 'nc-live__agenda-item');
        var line = el('span', 'nc-live__row');
        line.appendChild(el('span', 'nc-live__grow', item.title));
        row.appendChild(line);
        if (item.key === state.agenda.current) {
          row.setAttribute('aria-current', 'step');
          row.className += ' nc-live__agenda-item--current';
          line.appendChild(document.createTextNode(' '));
          line.appendChild(el('strong', 'nhsuk-tag nhsuk-tag--blue', t('now')));
        } else if (isFacilitator) {
          var start = button(t('start_item'), 'nhsuk-button nhsuk-button--secondary nhsuk-button--small nc-live__row-button',
            ' (' + item.title + ')');
          start.setAttribute('data-item', item.key);
          start.setAttribute('data-focus-key', 'item ' + item.key);
          line.appendChild(start);
        }
        agendaList.appendChild(row);
      });
    });
    fillCaseSelects();
  }

  agendaList.addEventListener('click', function (event) {
    var target = event.target.closest('[data-item]');
    if (target) { send({ type: 'agenda.set', item: target.getAttribute('data-item') }, 'agenda'); }
  });

  function agendaCases() {
    return state.agenda.items.filter(function (item) { return item.key.indexOf('case:') === 0; })
      .map(function (item) { return { id: parseInt(item.key.slice(5), 10), title: item.title }; });
  }

  function fillSelect(select, cases) {
    if (!select) { return; }
    var value = select.value;
    select.textContent = '';
    if (!cases.length) {
      var none = el('option', null, t('no_cases'));
      none.value = '';
      select.appendChild(none);
    }
    cases.forEach(function (item) {
      var option = el('option', null, item.title);
      option.value = String(item.id);
      if (option.value === value) { option.selected = true; }
      select.appendChild(option);
    });
  }

  function fillCaseSelects() {
    var cases = agendaCases();
    fillSelect(byId('live-case-select'), cases);
    fillSelect(byId('live-rec-case'), cases);
    followCurrentCase();
  }

  /* The recommendation form follows the case on screen, unless a recommendation is half written. */
  function followCurrentCase() {
    var select = byId('live-rec-case');
    var body = byId('live-rec-body');
    if (select && state['case'] && !body.value.trim()) { select.value = String(state['case'].id); }
  }

  // --- The case being discussed --------------------------------------------------------------

  function renderCase() {
    var item = state['case'];
    byId('live-case-none').hidden = !!item;
    byId('live-case').hidden = !item;
    if (item) {
      byId('live-case-title').textContent = item.title;
      byId('live-case-age').textContent = item.age_band;
      byId('live-case-condition').textContent = item.condition_group;
      byId('live-case-presenter').textContent = item.presenter;
      byId('live-case-summary').textContent = item.summary;
      byId('live-case-question').textContent = item.question;
      var select = byId('live-case-select');
      if (select) { select.value = String(item.id); }
    }
    followCurrentCase();
  }

  // --- Recommendations -----------------------------------------------------------------------

  function renderRecommendations() {
    var box = byId('live-recs');
    var titles = {};
    agendaCases().forEach(function (item) { titles[item.id] = item.title; });
    var groups = {};
    var order = [];
    state.recommendations.forEach(function (item) {
      if (!groups[item['case']]) { groups[item['case']] = []; order.push(item['case']); }
      groups[item['case']].push(item);
    });
    box.textContent = '';
    order.forEach(function (caseId) {
      box.appendChild(el('h3', 'nhsuk-heading-xs nc-live__recs-case', titles[caseId] || t('case_n', { id: caseId })));
      var list = el('ul', 'nc-live__recs');
      groups[caseId].forEach(function (item) {
        var row = el('li');
        row.appendChild(el('p', 'nc-live__text', item.body));
        row.appendChild(el('p', 'nc-meta nhsuk-body-s', t('by', { author: item.author, time: clock(item.created_at) })));
        list.appendChild(row);
      });
      box.appendChild(list);
    });
    byId('live-recs-empty').hidden = state.recommendations.length > 0;
  }

  // --- Polls: one lasting element per poll, so a half-made choice survives new counts ----------

  var pollNodes = {};
  var pendingVote = null;

  function findPoll(id) {
    for (var i = 0; i < state.polls.length; i += 1) {
      if (state.polls[i].id === id) { return state.polls[i]; }
    }
    return null;
  }

  function onPoll(poll) {
    var known = findPoll(poll.id);
    poll.your_vote = known ? known.your_vote : null;
    if (known) {
      state.polls[state.polls.indexOf(known)] = poll;
    } else {
      state.polls.push(poll);
      if (poll.open) { announce('poll', t('announce_poll', { question: poll.question })); }
    }
    pollsEmptyState();
    drawPoll(poll);
  }

  function renderPolls() {
    var live = {};
    state.polls.forEach(function (poll) { live[poll.id] = true; });
    Object.keys(pollNodes).forEach(function (id) {
      if (!live[id]) {
        pollNodes[id].root.parentNode.removeChild(pollNodes[id].root);
        delete pollNodes[id];
      }
    });
    pollsEmptyState();
    state.polls.forEach(drawPoll);
  }

  function pollsEmptyState() {
    var anyOpen = state.polls.some(function (poll) { return poll.open; });
    byId('live-polls-empty').hidden = anyOpen;
    byId('live-polls-closed-wrap').hidden = state.polls.length === 0 || state.polls.every(function (poll) { return poll.open; });
  }

  function newPollNode(poll) {
    var node = { root: el('div', 'nc-live__poll') };
    node.heading = el('h3', 'nhsuk-heading-s nc-live__poll-question');
    node.heading.tabIndex = -1;
    node.question = el('span');
    node.tag = el('strong', 'nhsuk-tag');
    node.heading.appendChild(node.question);
    node.heading.appendChild(document.createTextNode(' '));
    node.heading.appendChild(node.tag);
    node.voted = el('p', 'nc-live__voted');
    node.results = el('ul', 'nc-live__results');
    node.results.setAttribute('aria-label', t('results'));
    node.total = el('p', 'nc-meta nhsuk-body-s');
    node.root.appendChild(node.heading);
    node.root.appendChild(node.voted);
    node.root.appendChild(node.results);
    node.root.appendChild(node.total);
    node.form = null;
    node.close = null;
    node.root.setAttribute('data-poll', String(poll.id));
    return node;
  }

  function voteForm(poll) {
    var form = el('form', 'nc-live__vote');
    form.setAttribute('data-poll', String(poll.id));
    form.noValidate = true;
    var fieldset = el('fieldset', 'nhsuk-fieldset');
    var legend = el('legend', 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s', t('your_answer'));
    legend.appendChild(hiddenText(' (' + poll.question + ')'));
    fieldset.appendChild(legend);
    var radios = el('div', 'nhsuk-radios nhsuk-radios--small');
    poll.options.forEach(function (option) {
      var id = 'live-poll-' + poll.id + '-' + option.index;
      var item = el('div', 'nhsuk-radios__item');
      var input = el('input', 'nhsuk-radios__input');
      input.type = 'radio';
      input.id = id;
      input.name = 'poll-' + poll.id;
      input.value = String(option.index);
      var label = el('label', 'nhsuk-label nhsuk-radios__label', option.label);
      label.htmlFor = id;
      item.appendChild(input);
      item.appendChild(label);
      radios.appendChild(item);
    });
    fieldset.appendChild(radios);
    form.appendChild(fieldset);
    var submit = el('button', 'nhsuk-button nhsuk-button--small', t('vote'));
    submit.type = 'submit';
    form.appendChild(submit);
    return form;
  }

  function removeKeepingFocus(node, focusTarget) {
    var hadFocus = node.contains(document.activeElement);
    node.parentNode.removeChild(node);
    if (hadFocus) { focusTarget.focus(); }
  }

  function drawPoll(poll) {
    var node = pollNodes[poll.id];
    if (!node) {
      node = newPollNode(poll);
      pollNodes[poll.id] = node;
    }
    var parent = byId(poll.open ? 'live-polls-open' : 'live-polls-closed');
    if (node.root.parentNode !== parent) {
      var hadFocus = node.root.contains(document.activeElement);
      parent.appendChild(node.root);
      if (hadFocus) { node.heading.focus(); }
    }
    node.question.textContent = poll.question;
    node.tag.textContent = t(poll.open ? 'open_tag' : 'closed_tag');
    node.tag.className = 'nhsuk-tag ' + (poll.open ? 'nhsuk-tag--green' : 'nhsuk-tag--grey');

    var canVote = poll.open && poll.your_vote == null && !state.session.ended;
    if (canVote && !node.form) {
      node.form = voteForm(poll);
      node.root.insertBefore(node.form, node.voted);
    } else if (!canVote && node.form) {
      removeKeepingFocus(node.form, node.heading);
      node.form = null;
    }
    var chosen = poll.your_vote == null ? null : poll.options.filter(function (option) {
      return option.index === poll.your_vote;
    })[0];
    node.voted.hidden = !chosen;
    node.voted.textContent = chosen ? t('you_voted', { label: chosen.label }) : '';

    node.results.textContent = '';
    poll.options.forEach(function (option) {
      var share = poll.total ? Math.round(100 * option.votes / poll.total) : 0;
      var row = el('li', 'nc-live__result');
      var line = el('span', 'nc-live__result-line');
      line.appendChild(el('span', 'nc-live__result-label', option.label));
      line.appendChild(document.createTextNode(' '));
      line.appendChild(el('span', 'nc-live__result-count', t('votes_share', {
        votes: t(option.votes === 1 ? 'votes_one' : 'votes_many', { count: option.votes }),
        percent: share
      })));
      var bar = el('span', 'nc-live__bar');
      bar.setAttribute('aria-hidden', 'true');
      var fill = el('span', 'nc-live__bar-fill');
      fill.style.width = share + '%';
      bar.appendChild(fill);
      row.appendChild(line);
      row.appendChild(bar);
      node.results.appendChild(row);
    });
    node.total.textContent = t(poll.total === 1 ? 'total_one' : 'total_many', { count: poll.total });

    var canClose = isFacilitator && poll.open && !state.session.ended;
    if (canClose && !node.close) {
      node.close = button(t('close_poll'), 'nhsuk-button nhsuk-button--secondary nhsuk-button--small',
        ' (' + poll.question + ')');
      node.close.setAttribute('data-close-poll', String(poll.id));
      node.root.appendChild(node.close);
    } else if (!canClose && node.close) {
      removeKeepingFocus(node.close, node.heading);
      node.close = null;
    }
  }

  function onPollsSubmit(event) {
    var form = event.target.closest('form[data-poll]');
    if (!form) { return; }
    event.preventDefault();
    var poll = findPoll(parseInt(form.getAttribute('data-poll'), 10));
    var checked = form.querySelector('input:checked');
    if (!poll) { return; }
    if (!checked) { showError('polls', t('choose_option')); return; }
    var option = parseInt(checked.value, 10);
    if (send({ type: 'poll.vote', poll: poll.id, option: option }, 'polls')) {
      poll.your_vote = option;
      pendingVote = { poll: poll.id, at: Date.now() };
      drawPoll(poll);
    }
  }

  function onPollsClick(event) {
    var target = event.target.closest('[data-close-poll]');
    if (target) { send({ type: 'poll.close', poll: parseInt(target.getAttribute('data-close-poll'), 10) }, 'polls'); }
  }

  ['live-polls-open', 'live-polls-closed'].forEach(function (id) {
    byId(id).addEventListener('submit', onPollsSubmit);
    byId(id).addEventListener('click', onPollsClick);
  });

  // --- Hands ---------------------------------------------------------------------------------

  var handsList = byId('live-hands');
  var handToggle = byId('live-hand-toggle');
  var loweredAt = 0;

  function inQueue(queue, id) {
    return queue.some(function (hand) { return hand.id === id; });
  }

  function onHands(message) {
    var me = state.you.id;
    var before = state.hands.queue;
    var after = message.queue || [];
    after.forEach(function (hand) {
      if (!inQueue(before, hand.id)) {
        announce('hand', hand.id === me ? t('announce_you_raised') : t('announce_raised', { name: hand.name }));
      }
    });
    var taken = message.taken;
    if (taken && inQueue(before, taken.id) && !inQueue(after, taken.id)) {
      announce('hand', taken.id === me ? t('announce_taken') : t('announce_taken_other', { name: taken.name }));
    } else if (inQueue(before, me) && !inQueue(after, me) && Date.now() - loweredAt > ERROR_WINDOW_MS) {
      announce('hand', t('announce_cleared'));
    }
    state.hands = { queue: after, taken: taken || null };
    renderHands();
  }

  function renderHands() {
    var me = state.you.id;
    var hands = state.hands;
    keepFocus(handsList, byId('live-hands-title'), function () {
      handsList.textContent = '';
      hands.queue.forEach(function (hand) {
        var row = el('li', hand.id === me ? 'nc-live__hand nc-live__hand--mine' : 'nc-live__hand');
        var line = el('span', 'nc-live__row');
        var who = el('span', 'nc-live__grow');
        who.appendChild(el('strong', null, hand.name));
        if (hand.id === me) { who.appendChild(document.createTextNode(' ' + t('you'))); }
        who.appendChild(document.createTextNode(' '));
        who.appendChild(el('span', 'nc-live__small', t('raised_at', { time: clock(hand.raised_at) })));
        line.appendChild(who);
        row.appendChild(line);
        if (isFacilitator) {
          var clear = button(t('clear'), 'nhsuk-button nhsuk-button--secondary nhsuk-button--small nc-live__row-button',
            ' ' + t('clear_hand_of', { name: hand.name }));
          clear.setAttribute('data-user', String(hand.id));
          clear.setAttribute('data-focus-key', 'hand ' + hand.id);
          line.appendChild(clear);
        }
        handsList.appendChild(row);
      });
    });
    byId('live-hands-empty').hidden = hands.queue.length > 0;
    handToggle.textContent = t(inQueue(hands.queue, me) ? 'lower' : 'raise');
    var takenLine = byId('live-hands-taken');
    takenLine.hidden = !hands.taken;
    if (hands.taken) {
      var yourTurn = hands.taken.id === me && !inQueue(hands.queue, me);
      takenLine.textContent = yourTurn ? t('your_turn') : t('last_taken', { name: hands.taken.name });
      takenLine.className = yourTurn ? 'nc-live__taken nc-live__taken--you' : 'nc-live__taken';
    }
  }

  handToggle.addEventListener('click', function () {
    var raised = state && inQueue(state.hands.queue, state.you.id);
    if (raised) { loweredAt = Date.now(); }
    send({ type: raised ? 'hand.lower' : 'hand.raise' }, 'hands');
  });

  handsList.addEventListener('click', function (event) {
    var target = event.target.closest('[data-user]');
    if (target) { send({ type: 'hand.clear', user: parseInt(target.getAttribute('data-user'), 10) }, 'hands'); }
  });

  // --- Chat ----------------------------------------------------------------------------------

  var chatLog = byId('live-chat-log');
  var chatList = byId('live-chat');
  var chatBody = byId('live-chat-body');
  var newerButton = byId('live-chat-newer');
  var pendingChat = null;

  function chatItem(message) {
    var mine = message.author.id === state.you.id;
    var row = el('li', mine ? 'nc-live__msg nc-live__msg--mine' : 'nc-live__msg');
    var meta = el('p', 'nc-live__msg-meta');
    meta.appendChild(el('strong', null, message.author.name));
    if (mine) { meta.appendChild(document.createTextNode(' ' + t('you'))); }
    meta.appendChild(document.createTextNode(' '));
    meta.appendChild(timeElement(message.sent_at));
    row.appendChild(meta);
    row.appendChild(el('p', 'nc-live__msg-body', message.body));
    return row;
  }

  function nearBottom() {
    return chatLog.scrollHeight - chatLog.scrollTop - chatLog.clientHeight < 40;
  }

  function scrollToNewest() {
    chatLog.scrollTop = chatLog.scrollHeight;
    newerButton.hidden = true;
  }

  function renderChat(first) {
    var stick = first || nearBottom();
    var keptScroll = chatLog.scrollTop;
    var items = document.createDocumentFragment();
    state.chat.slice(-CHAT_LIMIT).forEach(function (message) { items.appendChild(chatItem(message)); });
    chatList.textContent = '';
    chatList.appendChild(items);
    byId('live-chat-empty').hidden = state.chat.length > 0;
    if (stick) { scrollToNewest(); } else { chatLog.scrollTop = keptScroll; }
  }

  function onChat(message) {
    for (var i = state.chat.length - 1; i >= 0 && i >= state.chat.length - 20; i -= 1) {
      if (state.chat[i].id === message.id) { return; }
    }
    var mine = message.author.id === state.you.id;
    var stick = mine || nearBottom();
    state.chat.push(message);
    if (state.chat.length > CHAT_LIMIT) { state.chat.splice(0, state.chat.length - CHAT_LIMIT); }
    chatList.appendChild(chatItem(message));
    while (chatList.children.length > CHAT_LIMIT) { chatList.removeChild(chatList.firstChild); }
    byId('live-chat-empty').hidden = true;
    if (stick) { scrollToNewest(); } else { newerButton.hidden = false; }
    if (mine) {
      if (pendingChat === message.body) { pendingChat = null; }
    } else {
      announce('chat', t('announce_message', { name: message.author.name }));
    }
  }

  function sendChat() {
    var body = chatBody.value.trim();
    if (!body) { showError('chat', t('empty_message')); return; }
    if (send({ type: 'chat.send', body: body }, 'chat')) {
      pendingChat = body;
      chatBody.value = '';
    }
  }

  byId('live-chat-form').addEventListener('submit', function (event) {
    event.preventDefault();
    sendChat();
  });

  chatBody.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey &&
        !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      sendChat();
    }
  });

  chatLog.addEventListener('scroll', function () {
    if (!newerButton.hidden && nearBottom()) { newerButton.hidden = true; }
  }, { passive: true });

  newerButton.addEventListener('click', function () {
    scrollToNewest();
    chatLog.focus();
  });

  // --- People present ------------------------------------------------------------------------

  function renderPeople() {
    var list = byId('live-people');
    list.textContent = '';
    state.presence.forEach(function (person) {
      var row = el('li', 'nc-live__person');
      var name = el('strong', null, person.name);
      row.appendChild(name);
      if (person.id === state.you.id) { row.appendChild(document.createTextNode(' ' + t('you'))); }
      if (person.is_facilitator) {
        row.appendChild(document.createTextNode(' '));
        row.appendChild(el('strong', 'nhsuk-tag nhsuk-tag--aqua-green nc-live__role', t('facilitator')));
      }
      var details = [person.staff_group, person.organisation].filter(Boolean).join(' · ');
      if (details) { row.appendChild(el('span', 'nc-meta nhsuk-body-s nc-live__person-details', details)); }
      list.appendChild(row);
    });
    byId('live-people-count').textContent = '(' + state.presence.length + ')';
  }

  // --- The end -------------------------------------------------------------------------------

  /* Nothing can be sent any more. If that takes the focus away, it goes to the notice saying why. */
  function disableControls() {
    var active = document.activeElement;
    var controls = root.querySelectorAll('form button, form input, form select, form textarea, ' +
      '#live-hand-toggle, #live-hand-next, #live-end, [data-item], [data-user], [data-close-poll]');
    var lostFocus = false;
    each(controls, function (control) {
      if (control === active) { lostFocus = true; }
      control.disabled = true;
    });
    var notice = byId('live-notice');
    if (lostFocus) { (notice.hidden ? statusLine : notice).focus(); }
  }

  function onEnded() {
    state.session.ended = true;
    stopped = true;
    if (reconnectTimer !== null) { clearTimeout(reconnectTimer); reconnectTimer = null; }
    // Ending the session closes its open polls; no poll events say so.
    state.polls.forEach(function (poll) { poll.open = false; });
    renderPolls();
    setStatus('ended');
    showNotice('ended_notice', false);
    disableControls();
  }

  // --- Facilitator forms ---------------------------------------------------------------------

  var pendingRecommendation = null;
  var pendingPoll = null;

  function restoreAfterError(region, code) {
    if (region === 'chat' && pendingChat !== null) {
      if (!chatBody.value) { chatBody.value = pendingChat; }
      pendingChat = null;
    }
    if (region === 'recommendation' && pendingRecommendation !== null) {
      var recBody = byId('live-rec-body');
      if (!recBody.value) { recBody.value = pendingRecommendation; }
      pendingRecommendation = null;
    }
    if (region === 'poll-form' && pendingPoll !== null) {
      fillPollForm(pendingPoll);
      pendingPoll = null;
    }
    if (region === 'polls' && pendingVote !== null && Date.now() - pendingVote.at < ERROR_WINDOW_MS) {
      var poll = findPoll(pendingVote.poll);
      pendingVote = null;
      if (poll && code !== 'already_voted') {
        poll.your_vote = null;
        drawPoll(poll);
      }
    }
  }

  if (isFacilitator) {
    byId('live-hand-next').addEventListener('click', function () { send({ type: 'hand.next' }, 'hands'); });

    byId('live-case-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var value = parseInt(byId('live-case-select').value, 10);
      if (isNaN(value)) { showError('case', t('choose_case')); return; }
      send({ type: 'case.show', 'case': value }, 'case');
    });

    byId('live-rec-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var caseId = parseInt(byId('live-rec-case').value, 10);
      var body = byId('live-rec-body');
      if (isNaN(caseId)) { showError('recommendation', t('choose_case')); return; }
      if (!body.value.trim()) { showError('recommendation', t('empty_recommendation')); return; }
      if (send({ type: 'recommendation.add', 'case': caseId, body: body.value.trim() }, 'recommendation')) {
        pendingRecommendation = body.value;
        body.value = '';
      }
    });

    var optionsBox = byId('live-poll-options');
    var addOption = byId('live-poll-add');

    var addOptionField = function (value) {
      var number = optionsBox.children.length + 1;
      if (number > 6) { return null; }
      var group = el('div', 'nhsuk-form-group nc-live__option');
      var label = el('label', 'nhsuk-label', t('option_n', { n: number }));
      var input = el('input', 'nhsuk-input');
      input.type = 'text';
      input.id = 'live-poll-option-' + number;
      input.maxLength = 100;
      input.autocomplete = 'off';
      input.value = value || '';
      label.htmlFor = input.id;
      group.appendChild(label);
      group.appendChild(input);
      optionsBox.appendChild(group);
      addOption.hidden = number >= 6;
      return input;
    };

    var fillPollForm = function (data) {
      byId('live-poll-question').value = data.question;
      while (optionsBox.children.length > 2) { optionsBox.removeChild(optionsBox.lastChild); }
      addOption.hidden = false;
      var inputs = optionsBox.querySelectorAll('input');
      data.options.forEach(function (value, index) {
        if (index < inputs.length) { inputs[index].value = value; } else { addOptionField(value); }
      });
    };

    addOption.addEventListener('click', function () {
      var input = addOptionField('');
      if (input) { input.focus(); }
    });

    byId('live-poll-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var question = byId('live-poll-question').value.trim();
      var options = [];
      each(optionsBox.querySelectorAll('input'), function (input) {
        if (input.value.trim()) { options.push(input.value.trim()); }
      });
      if (!question || options.length < 2) { showError('poll-form', t('poll_incomplete')); return; }
      if (send({ type: 'poll.open', question: question, options: options }, 'poll-form')) {
        pendingPoll = { question: question, options: options };
        fillPollForm({ question: '', options: ['', ''] });
      }
    });

    byId('live-end').addEventListener('click', function () {
      if (window.confirm(t('confirm_end'))) { send({ type: 'session.end' }, 'session'); }
    });
  }

  connect();
}());
