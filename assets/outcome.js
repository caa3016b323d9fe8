/* The outcome of an action is seen: when a message appears in one of the outcome slots
   (a reading saved or refused, an infusion event, a CADSS rating, a recovery step), the
   page scrolls just enough to bring it into view, if it is not already. The bedside layout
   keeps the reading's outcome in view by itself; this covers the cards further down. For a
   few seconds after an outcome appears it is kept in view, because the refresh that follows
   an action can change the height of what stands above it (the header, the countdown). */
(function () {
  var SLOTS = [
    "bed-result", "bed-event-message", "bed-cadss-message", "rec-message", "predose-message",
    "patients-new-message", "patient-edit-message", "staff-action-message",
    "staff-create-message", "acct-message", "qf-result", "course-start-message",
    "course-screen-message", "course-decide-message", "course-consent-message",
    "course-withdraw-message", "course-status-message",
    "ket-draw-message", "ket-waste-message", "ket-witness-message", "ketresolve-message",
    "med-message", "medorder-message", "ae-message", "ae-outcome-message", "ae-list-message"
  ];

  function slotOf(node) {
    for (var el = node; el && el !== document.body; el = el.parentElement) {
      if (el.id && SLOTS.indexOf(el.id) >= 0) { return el; }
    }
    return null;
  }

  function inView(el) {
    var box = el.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }

  var KEEP_MS = 4000;
  var MARGIN = 12;
  var pending = [];
  var kept = [];  // {slot, until}: outcomes shown a moment ago, kept in view
  function reveal() {
    var now = Date.now();
    kept = kept.filter(function (k) { return k.until > now && k.slot.isConnected; });
    var slots = pending.concat(kept.map(function (k) { return k.slot; }));
    pending.forEach(function (slot) {
      kept = kept.filter(function (k) { return k.slot !== slot; });
      kept.push({ slot: slot, until: now + KEEP_MS });
    });
    pending = [];
    slots.forEach(function (slot) {
      if (slot.isConnected && slot.childElementCount > 0 && !inView(slot)) {
        var box = slot.getBoundingClientRect();
        // The least scroll that shows it whole, with a little room so it is not on the edge.
        var by = box.top < 0 ? box.top - MARGIN : box.bottom - window.innerHeight + MARGIN;
        window.scrollBy(0, Math.ceil(by));
      }
    });
  }

  new MutationObserver(function (mutations) {
    mutations.forEach(function (m) {
      if (m.type === "childList" && m.addedNodes.length === 0) { return; }
      var slot = slotOf(m.target);
      if (slot && pending.indexOf(slot) < 0) { pending.push(slot); }
    });
    if (pending.length || kept.length) { window.requestAnimationFrame(reveal); }
  }).observe(document.documentElement, { childList: true, characterData: true, subtree: true });
})();
