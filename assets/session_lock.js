/* Signed out at the bedside. The page asks who is signed in (GET /auth/me, which never
   keeps a sign-in alive), warns before an idle sign-out with a "Stay signed in" button,
   and covers itself with a sign-in lock that shows no patient data as soon as the sign-in
   has ended (idle, expired, revoked). Entries typed but not sent are kept by offline.js,
   under the person who typed them, and listed in the lock. */
(function () {
  "use strict";
  var monitor = window.monitor = window.monitor || {};
  var send = monitor.realFetch || window.fetch.bind(window);
  var me = {signed_in: false};
  var deadline = null;
  var checking = false;
  var locked = false;
  var resolveReady;
  var ready = new Promise(function (resolve) { resolveReady = resolve; });

  function onLoginPage() { return window.location.pathname === "/login"; }

  function clock(ms) {
    var options = {hour: "2-digit", minute: "2-digit", hourCycle: "h23"};
    try {
      return new Intl.DateTimeFormat("en-GB", Object.assign({timeZone: me.zone}, options))
        .format(new Date(ms));
    } catch (e) {
      return new Intl.DateTimeFormat("en-GB", options).format(new Date(ms));
    }
  }

  function notices() {
    var el = document.getElementById("monitor-notices");
    if (!el) {
      el = document.createElement("div");
      el.id = "monitor-notices";
      document.body.appendChild(el);
    }
    return el;
  }

  function learn(state) {
    me = state;
    if (state.signed_in) {
      deadline = Date.now() + Math.max(state.seconds_left, 1) * 1000;
    }
    return state;
  }

  function ask(method, path) {
    return send(path, {method: method, credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.json(); });
  }

  /* A person's request reached the server: the sign-in lasts a full idle period again. */
  function activity() {
    if (me.signed_in && !locked) {
      deadline = Date.now() + me.idle_seconds * 1000;
      warning(null);
    }
  }

  function warning(msLeft) {
    var el = document.getElementById("idle-warning");
    if (msLeft === null) { if (el) { el.remove(); } return; }
    if (!el) {
      el = document.createElement("div");
      el.id = "idle-warning";
      el.className = "idle-warning";
      el.setAttribute("role", "alertdialog");
      el.setAttribute("aria-labelledby", "idle-warning-text");
      var text = document.createElement("span");
      text.id = "idle-warning-text";
      text.setAttribute("aria-live", "assertive");
      text.textContent = "No tap for a while: this tablet signs out at " +
        clock(deadline) + " to protect patient details.";
      var count = document.createElement("span");
      count.className = "idle-warning-count";
      count.setAttribute("aria-hidden", "true");
      var stay = document.createElement("button");
      stay.type = "button";
      stay.id = "idle-stay";
      stay.className = "btn btn-light btn-lg";
      stay.textContent = "Stay signed in";
      stay.addEventListener("click", stayIn);
      el.append(text, count, stay);
      notices().prepend(el);
    }
    el.querySelector(".idle-warning-count").textContent =
      "(" + Math.max(Math.ceil(msLeft / 1000), 0) + " s)";
  }

  function stayIn() {
    ask("POST", "/auth/stay").then(function (state) {
      learn(state);
      if (state.signed_in) { warning(null); } else { lock("ended"); }
    }, function () { /* offline: the next tick tries again */ });
  }

  /* The deadline passed: ask the server (a status check, which does not extend). */
  function check() {
    if (checking) { return; }
    checking = true;
    ask("GET", "/auth/me").then(function (state) {
      checking = false;
      if (state.signed_in) { learn(state); } else { lock("idle"); }
    }, function () {
      checking = false;
      deadline = Date.now() + 5000; // offline: ask again shortly
    });
  }

  function tick() {
    if (!me.signed_in || locked || deadline === null) { return; }
    var left = deadline - Date.now();
    if (left <= 0) { warning(null); check(); return; }
    warning(left <= me.warning_seconds * 1000 ? left : null);
  }

  /* Cover the page at once: the app (navbar, patient, vitals) is removed from view and
     from the accessibility tree; only the lock, what is waiting, and "Sign in again". */
  function lock(reason) {
    if (onLoginPage()) { return; }
    me = Object.assign({}, me, {signed_in: false});
    warning(null);
    if (locked) { return; }
    locked = true;
    // A request refused (401) at or just before the page's own idle deadline: the server
    // ended the sign-in for the same idleness the page was about to act on (its poll came
    // first, on a busy tablet); say so, rather than "has ended" with no reason.
    if (reason !== "idle" && deadline !== null && Date.now() >= deadline - 5000) {
      reason = "idle";
    }
    var root = document.getElementById("react-entry-point");
    if (root) {
      root.style.display = "none";
      root.setAttribute("aria-hidden", "true");
      root.inert = true;
    }
    var here = window.location.pathname + window.location.search;
    var el = document.createElement("div");
    el.id = "session-lock";
    el.setAttribute("role", "dialog");
    el.setAttribute("aria-modal", "true");
    el.setAttribute("aria-labelledby", "session-lock-title");
    var card = document.createElement("div");
    card.className = "session-lock-card";
    var title = document.createElement("h1");
    title.id = "session-lock-title";
    title.className = "h3";
    title.textContent = "Signed out";
    var why = document.createElement("p");
    var minutes = Math.round(me.idle_seconds / 60);
    why.textContent = (reason === "idle"
      ? "Signed out after " + (minutes >= 1 ? minutes + " minutes" : me.idle_seconds + " s") +
        " without a tap. "
      : "This sign-in has ended. ") + "Patient details are hidden until you sign in again.";
    var slot = document.createElement("div");
    slot.id = "session-lock-waiting";
    var again = document.createElement("a");
    again.id = "session-lock-signin";
    again.className = "btn btn-primary btn-lg";
    again.href = "/login?next=" + encodeURIComponent(here);
    again.textContent = "Sign in again";
    card.append(title, why, slot, again);
    el.appendChild(card);
    document.body.appendChild(el);
    document.title = "Signed out";
    again.focus();
    if (monitor.queue) { monitor.queue.render(); }
  }

  monitor.session = {
    ready: ready,
    me: function () { return me; },
    isLocked: function () { return locked; },
    lock: lock,
    activity: activity,
    clock: clock,
  };

  /* A tap or a key on the page is use, even when it sends nothing (a reading being typed):
     it keeps the sign-in, at most once a minute, and always while the warning shows. */
  var lastStay = Date.now();
  function touched() {
    if (!me.signed_in || locked) { return; }
    var warned = document.getElementById("idle-warning") !== null;
    if (warned || Date.now() - lastStay > 60000) {
      lastStay = Date.now();
      stayIn();
    }
  }
  document.addEventListener("pointerdown", touched, true);
  document.addEventListener("keydown", touched, true);

  ask("GET", "/auth/me").then(learn, function () { return me; }).then(resolveReady);
  setInterval(tick, 1000);
})();
