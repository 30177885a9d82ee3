// Instruments the emulated runtime's WXWebAssembly for tests/miniprogram/traps.test.mjs
// (a separate module so that a child process can import it without
// registering the tests).
/** Sandbox source: wraps WXWebAssembly.instantiate (defines globalThis.__trap). */
export const INSTRUMENT = `
(function () {
  var ctl = { pending: [], deadFree: false, freeCalls: 0, freeCallsWhileDead: 0 };
  ctl.throwOn = function (pattern, message, name) { ctl.pending.push({ pattern: pattern, message: message, name: name }); };
  globalThis.__trap = ctl;
  var original = WXWebAssembly.instantiate;
  WXWebAssembly.instantiate = function (p, imports) {
    return original(p, imports).then(function (result) {
      var real = result.instance.exports;
      var wrapped = {};
      Object.keys(real).forEach(function (name) {
        var f = real[name];
        if (typeof f !== 'function') { wrapped[name] = f; return; }
        wrapped[name] = function () {
          if (/^__wbg_.*_free$/.test(name)) {
            ctl.freeCalls++;
            if (ctl.deadFree) {
              ctl.freeCallsWhileDead++;
              var dead = new Error('memory access out of bounds (simulated)');
              dead.name = 'RuntimeError';
              throw dead;
            }
          }
          for (var i = 0; i < ctl.pending.length; i++) {
            if (ctl.pending[i].pattern.test(name)) {
              var e = new Error(ctl.pending[i].message);
              e.name = ctl.pending[i].name;
              ctl.pending.splice(i, 1);
              throw e;
            }
          }
          return f.apply(this, arguments);
        };
      });
      return { instance: { exports: wrapped }, module: result.module };
    });
  };
})();
`;

