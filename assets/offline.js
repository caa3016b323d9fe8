/* Nothing lost at the bedside. An entry the nurse typed (reading, CADSS rating, recovery
   assessment, infusion event) is kept in the browser, under the person who typed it, until
   the server has answered it:
   - network down or server restarting: the very same request (same idempotency key) is
     sent again until the server answers; the page says NOT SAVED meanwhile;
   - signed out (401): the page locks (session_lock.js) and the entry waits, saying for
     whom; it is sent with its original body once that same person signs in again, never
     under anyone else (the server also refuses a key first used by someone else);
   - refused (4xx, or a refusal in the answer): a NOT SAVED message says what and why, and
     stays until the nurse dismisses it.
   Dash never sees a 401: it gets "no update" (204), so no console errors after sign-out,
   and no request leaves a locked page, so polling stops. */
(function () {
  "use strict";
  var monitor = window.monitor = window.monitor || {};
  var realFetch = monitor.realFetch = window.fetch.bind(window);
  var STORE = "monitor.unsent";
  var OLD_STORE = "monitor.unsentReading"; // an earlier version kept one reading, no owner
  var ENDPOINT = "/_dash-update-component";
  // The bedside's keyed entries, known by their key output; `message` is where the
  // callback answers in words.
  var KINDS = [
    {key: "bed-reading-key", label: "reading", message: "bed-result", done: "bed-saved"},
    {key: "bed-cadss-key", label: "CADSS rating", message: "bed-cadss-message",
      done: "bed-cadss-saved"},
    {key: "rec-key", label: "recovery assessment", message: "rec-message", done: null},
    {key: "bed-event-key", label: "infusion event", message: "bed-event-message", done: null},
  ];
  var EVENTS = {
    "bed-start": "start", "bed-pause": "pause", "bed-resume": "resume", "bed-stop": "stop",
    "bed-rate-change": "rate change", "bed-end-early": "end early",
  };
  var sending = {};

  function session() { return monitor.session; }
  function nothing() { return new Response(null, {status: 204}); } // Dash: no update
  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function parse(text) { try { return JSON.parse(text); } catch (e) { return null; } }

  function load() {
    var entries = parse(localStorage.getItem(STORE) || "[]");
    return Array.isArray(entries) ? entries : [];
  }

  function save(entries) {
    if (entries.length) { localStorage.setItem(STORE, JSON.stringify(entries)); }
    else { localStorage.removeItem(STORE); }
  }

  function update(key, change) {
    save(load().map(function (e) { return e.key === key ? Object.assign(e, change) : e; }));
  }

  function drop(key) { save(load().filter(function (e) { return e.key !== key; })); }

  function outputs(request) {
    return request.output.replace(/^\.\.|\.\.$/g, "").split("...").map(function (o) {
      return o.split("@")[0];
    });
  }

  function kindOf(request) {
    if (!request || typeof request.output !== "string") { return null; }
    var outs = outputs(request);
    return KINDS.find(function (k) { return outs.indexOf(k.key + ".data") >= 0; }) || null;
  }

  /* The same rule as the server's `_is_polling`: fired by timers only. */
  function isPolling(request) {
    var changed = request && request.changedPropIds;
    return Array.isArray(changed) && changed.length > 0 && changed.every(function (p) {
      return String(p).endsWith(".n_intervals");
    });
  }

  function keyOf(request, kind) {
    var all = [].concat(request.state || [], request.inputs || []);
    var found = all.find(function (s) { return s && s.id === kind.key; });
    return found && typeof found.value === "string" ? found.value : null;
  }

  function describe(kind, request) {
    var changed = (request.changedPropIds || [])[0] || "";
    var event = EVENTS[String(changed).split(".")[0]];
    return event ? kind.label + " (" + event + ")" : kind.label;
  }

  function headersOf(init) {
    var h = init.headers;
    if (h && typeof h.forEach === "function" && !Array.isArray(h)) {
      var plain = {};
      h.forEach(function (v, k) { plain[k] = v; });
      return plain;
    }
    return h || {"Content-Type": "application/json"};
  }

  /* Keep the entry, bound to whoever is signed in on this page as it is typed. */
  function keep(url, init, request, kind) {
    var me = session().me();
    var entry = {
      key: keyOf(request, kind) || String(Date.now()) + Math.random(),
      kind: describe(kind, request),
      message: kind.message,
      done: kind.done,
      user: me.user || "", // who was signed in on this page when it was typed
      name: me.name || "",
      typed: Date.now(),
      url: url,
      headers: headersOf(init),
      body: init.body,
      state: "waiting",
    };
    save(load().filter(function (e) { return e.key !== entry.key; }).concat([entry]));
    return entry;
  }

  function what(entry) {
    return "1 " + entry.kind + " typed by " + (entry.name || "an unknown user") + " at " +
      session().clock(entry.typed);
  }

  function banner(text, kind) {
    var el = document.getElementById("offline-banner");
    if (!text) { if (el) { el.remove(); } return; }
    if (!el) {
      el = document.createElement("div");
      el.id = "offline-banner";
      el.setAttribute("role", "alert");
      notices().appendChild(el);
    }
    el.className = "offline-banner offline-" + kind;
    el.textContent = text;
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

  /* What is waiting, and for whom; what was refused, and why. In the lock when locked. */
  function render() {
    var me = session().me();
    var lines = load().filter(function (e) {
      return e.state === "refused" || !(sending[e.key]);
    });
    var slot = session().isLocked() ? document.getElementById("session-lock-waiting") : null;
    var el = document.getElementById("unsent-panel");
    if (!lines.length) { if (el) { el.remove(); } return; }
    if (!el) {
      el = document.createElement("div");
      el.id = "unsent-panel";
      el.setAttribute("aria-live", "polite");
    }
    el.className = "unsent-panel" + (slot ? " in-lock" : "");
    (slot || notices()).appendChild(el);
    el.replaceChildren();
    lines.forEach(function (entry) {
      var line = document.createElement("div");
      line.className = "unsent-line unsent-" + entry.state;
      if (entry.state === "refused") {
        line.setAttribute("role", "alert");
        line.textContent = "NOT SAVED: " + what(entry) + " \u2014 " + entry.why +
          ". Enter it again if it is still needed. ";
        var dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "btn btn-light btn-sm unsent-dismiss";
        dismiss.textContent = "Dismiss";
        dismiss.addEventListener("click", function () { drop(entry.key); render(); });
        line.appendChild(dismiss);
      } else {
        var mine = me.signed_in && me.user === entry.user;
        line.textContent = what(entry) + (mine
          ? " is being sent."
          : " is NOT SAVED yet: it is waiting to be sent \u2014 sign in as " +
            (entry.user || "its author") + " to send it.");
      }
      el.appendChild(line);
    });
  }

  async function reason(response) {
    var type = response.headers.get("Content-Type") || "";
    var text = "";
    try { text = (await response.text()).trim(); } catch (e) { /* no body */ }
    if (type.indexOf("text/plain") >= 0 && text && text.length < 300) { return text; }
    var words = {
      400: "the server could not read it",
      403: "the signed-in user may not record this",
      404: "the session was not found",
      409: "it conflicts with what is already recorded",
    };
    return words[response.status] || "the server refused it (" + response.status + ")";
  }

  function wordsIn(node) {
    if (node === null || node === undefined || typeof node === "boolean") { return ""; }
    if (typeof node !== "object") { return String(node); }
    if (Array.isArray(node)) { return node.map(wordsIn).join(" "); }
    return wordsIn(node.props ? node.props.children : null);
  }

  /* A replayed callback answered 200: did it store the entry, or refuse it in words? */
  function outcome(answer, entry) {
    var out = answer && answer.response && answer.response[entry.message];
    var shown = out ? out.children : null;
    var text = wordsIn(shown).replace(/\s+/g, " ").trim();
    var json = JSON.stringify(shown || "");
    var color = shown && shown.props ? shown.props.color : null;
    var saved = (entry.done && json.indexOf('"' + entry.done + '"') >= 0) ||
      (!entry.done && (color === "success" || color === "info")) ||
      text.indexOf("Session ended early") === 0;
    return {saved: Boolean(saved), why: text || "the server did not store it"};
  }

  /* Send until the server answers; a 401 locks the page and keeps the entry waiting. */
  async function deliver(entry, init) {
    var wait = 1000;
    sending[entry.key] = true;
    try {
      for (;;) {
        var response = null;
        try { response = await realFetch(entry.url, init); } catch (e) { /* offline */ }
        if (response && response.status === 401) {
          banner(null);
          session().lock("ended");
          return {locked: true};
        }
        if (response && response.status < 500) {
          banner(null);
          return {response: response};
        }
        if (session().isLocked()) { return {locked: true}; }
        banner("1 " + entry.kind + " NOT SAVED yet \u2014 retrying. Keep this page open.",
          "pending");
        await sleep(wait);
        wait = Math.min(wait * 2, 8000);
      }
    } finally {
      delete sending[entry.key];
    }
  }

  async function sendLive(entry, init) {
    render();
    var result = await deliver(entry, init);
    if (result.locked) { render(); return nothing(); }
    var response = result.response;
    if (response.ok) {
      drop(entry.key); // Dash shows the answer, saved or refused in words, in its place
      session().activity();
      render();
      return response;
    }
    update(entry.key, {state: "refused", why: await reason(response)});
    render();
    return nothing();
  }

  /* After sign-in: this person's waiting entries go out with their original body. */
  async function replayOwn(me) {
    if (!me.signed_in || session().isLocked()) { return; }
    var mine = load().filter(function (e) { return e.state === "waiting" && e.user === me.user; });
    for (var i = 0; i < mine.length; i++) {
      var entry = mine[i];
      var init = {method: "POST", headers: entry.headers, body: entry.body,
        credentials: "same-origin"};
      var result = await deliver(entry, init);
      if (result.locked) { render(); return; }
      var response = result.response;
      if (response.status === 200) {
        var seen = outcome(parse(await response.text()), entry);
        if (seen.saved) {
          drop(entry.key);
          banner(what(entry) + " has now been saved.", "done");
          setTimeout(function () { banner(null); }, 8000);
        } else {
          update(entry.key, {state: "refused", why: seen.why.replace(/\.$/, "")});
        }
      } else {
        update(entry.key, {state: "refused", why: response.status === 204
          ? "the page had nothing to send" : await reason(response)});
      }
      render();
    }
  }

  function keepOld() {
    var old = parse(localStorage.getItem(OLD_STORE) || "null");
    localStorage.removeItem(OLD_STORE);
    if (!old || !old.init) { return; }
    save(load().concat([{key: "old-" + Date.now(), kind: "reading", user: "", name: "",
      typed: Date.now(), url: old.url, headers: old.init.headers, body: old.init.body,
      state: "refused", why: "it was kept by an earlier version of this page, which did " +
        "not record who typed it"}]));
  }

  async function passThrough(input, init, request) {
    var response = await realFetch(input, init);
    if (response.status === 401) {
      session().lock("ended");
      return request ? nothing() : response;
    }
    if (response.ok && !isPolling(request)) { session().activity(); }
    return response;
  }

  window.fetch = function (input, init) {
    var url = String(typeof input === "string" ? input : (input.url || input));
    var callback = url.indexOf(ENDPOINT) >= 0 && init && init.method === "POST" &&
      typeof init.body === "string";
    var request = callback ? parse(init.body) : null;
    var kind = kindOf(request);
    if (callback && session().isLocked()) {
      if (kind) { keep(url, init, request, kind); render(); }
      return Promise.resolve(nothing());
    }
    if (kind) { // kept under the signed-in person, once the page knows who that is
      return session().ready.then(function () {
        return sendLive(keep(url, init, request, kind), init);
      });
    }
    return passThrough(input, init, request);
  };

  monitor.queue = {render: render};

  keepOld();
  window.addEventListener("load", function () {
    session().ready.then(function (me) { render(); return replayOwn(me); });
  });
})();
