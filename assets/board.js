/* The board's optional sound cue for a new high alert (config: board.sound_on_new_high).
   Loaded on every page but only ever called by the board page's callback: the bedside
   page makes no sound. */
window.monitorBoard = (function () {
  var seen = null;
  function tone() {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      var osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.35);
    } catch (e) { /* no audio device: the visual alarm stands */ }
  }
  return {
    update: function (highs, enabled) {
      var ids = highs || [];
      if (seen !== null && enabled && ids.some(function (i) { return seen.indexOf(i) < 0; })) {
        tone();
      }
      seen = ids;
      return ids.length;
    }
  };
})();
