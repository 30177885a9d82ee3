// The page every bundler builds: mpshield imported as the README says, then
// init() and idcard.parse; the outcome goes to window.__mpshield.
import * as mpshield from 'mpshield';

window.__mpshield = mpshield
  .init(window.MPSHIELD_WASM_PATH ? { wasmPath: window.MPSHIELD_WASM_PATH } : undefined)
  .then(() => ({ ok: true, version: mpshield.version(), province: mpshield.idcard.parse('440524188001010014').province }))
  .catch((e) => ({ ok: false, code: e.code, message: e.message }));
