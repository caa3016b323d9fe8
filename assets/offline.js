/* Nothing lost at the bedside: a reading whose save cannot reach the server (network down,
   server restarting) is kept in the browser, the page says so plainly, and the very same
   request (same idempotency key) is sent again until the server answers. The server
   stores it once however many copies arrive. A copy also survives a reload of the page. */
(function () {
  var realFetch = window.fetch.bind(window);
  var STORE = "monitor.unsentReading";
  var ENDPOINT = "/_dash-update-component";

  function isReadingSave(body) {
    try {
      var parsed = JSON.parse(body);
      return typeof parsed.output === "string" && parsed.output.indexOf("bed-result.children") >= 0;
    } catch (e) { return false; }
  }

  function banner(text, kind) {
    var el = document.getElementById("offline-banner");
    if (!text) { if (el) { el.remove(); } return; }
    if (!el) {
      el = document.createElement("div");
      el.id = "offline-banner";
      el.setAttribute("role", "alert");
      document.body.appendChild(el);
    }
    el.className = "offline-banner offline-" + kind;
    el.textContent = text;
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  async function sendUntilAnswered(url, init) {
    var wait = 1000;
    for (;;) {
      try {
        var response = await realFetch(url, init);
        if (response.status < 500) {
          localStorage.removeItem(STORE);
          banner(null);
          return response;
        }
      } catch (e) { /* offline or refused: keep trying */ }
      banner("Reading NOT SAVED yet \u2014 retrying. Keep this page open.", "pending");
      await sleep(wait);
      wait = Math.min(wait * 2, 8000);
    }
  }

  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : input.url;
    if (init && init.method === "POST" && url.indexOf(ENDPOINT) >= 0 &&
        typeof init.body === "string" && isReadingSave(init.body)) {
      localStorage.setItem(STORE, JSON.stringify({url: url, init: {
        method: "POST", headers: init.headers, body: init.body, credentials: init.credentials}}));
      return sendUntilAnswered(url, init);
    }
    return realFetch(input, init);
  };

  // A reading left unsent when the page was closed or reloaded goes out now.
  window.addEventListener("load", function () {
    var saved = localStorage.getItem(STORE);
    if (!saved) { return; }
    var request = JSON.parse(saved);
    sendUntilAnswered(request.url, request.init).then(function (response) {
      if (response.ok) {
        banner("A reading kept while offline has now been saved.", "done");
        setTimeout(function () { banner(null); }, 8000);
      }
    });
  });
})();
