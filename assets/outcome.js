/* The outcome of an action is seen: when a message appears in one of the outcome slots
   (a reading saved or refused, an infusion event, a CADSS rating, a recovery step), the
   page scrolls just enough to bring it into view, if it is not already. The bedside layout
   keeps the reading's outcome in view by itself; this covers the cards further down. */
(function () {
  var SLOTS = ["bed-result", "bed-event-message", "bed-cadss-message", "rec-message"];

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

  var pending = [];
  function reveal() {
    var slots = pending;
    pending = [];
    slots.forEach(function (slot) {
      if (slot.isConnected && slot.childElementCount > 0 && !inView(slot)) {
        slot.scrollIntoView({ block: "nearest" });
      }
    });
  }

  new MutationObserver(function (mutations) {
    mutations.forEach(function (m) {
      if (m.type === "childList" && m.addedNodes.length === 0) { return; }
      var slot = slotOf(m.target);
      if (slot && pending.indexOf(slot) < 0) { pending.push(slot); }
    });
    if (pending.length) { window.requestAnimationFrame(reveal); }
  }).observe(document.documentElement, { childList: true, characterData: true, subtree: true });
})();
