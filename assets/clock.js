/* Countdown to the next due reading, ticking in the browser between server refreshes.
   The server sends the due time and its own clock; the offset keeps a skewed tablet
   clock from hiding an overdue reading. No sound is ever made at the bedside. */
window.monitorClock = (function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  function mmss(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(r);
  }
  return {
    sync: function (due) {
      if (!due) { return null; }
      var copy = Object.assign({}, due);
      if (due.server_now_ms) { copy.offset_ms = due.server_now_ms - Date.now(); }
      return copy;
    },
    render: function (clock) {
      if (!clock) { return ["", "countdown"]; }
      if (clock.state === "ended") { return ["Session ended", "countdown"]; }
      if (clock.state === "baseline") {
        return [clock.has_baseline ? "Baseline recorded: start the infusion when ready"
                                   : "Baseline reading needed before dosing",
                "countdown due-baseline"];
      }
      var now = Date.now() + (clock.offset_ms || 0);
      var left = clock.due_at_ms - now;
      if (now > clock.due_at_ms + clock.grace_ms) {
        return ["READING OVERDUE by " + mmss(-left) + " (" + clock.phase + ")",
                "countdown due-overdue"];
      }
      if (left <= 0) {
        return ["Reading due now (" + clock.phase + ")", "countdown due-soon"];
      }
      return ["Next reading due in " + mmss(left) + " (" + clock.phase + ")",
              "countdown " + (left < 60000 ? "due-soon" : "due-upcoming")];
    }
  };
})();
