// Types of mpshield/kdf-worker (dist/miniprogram-worker/client.js, from
// pkg/src/kdf-client.cjs): the main-thread end of deriveStorageKey's WeChat
// mini-program Worker. README, "Long calls on iPhones".

/** What deriveStorageKey hands the runner: its checked and copied arguments (`pin` as UTF-8 bytes, zeroed by the runner once posted). */
export interface KdfWorkerRequest {
  pin: Uint8Array;
  salt: Uint8Array;
  memoryKib?: number;
  iterations?: number;
  parallelism?: number;
}

/** The function `init({ kdfWorker })` takes: resolves to the 32-byte key, rejects with MpShieldError-shaped errors. */
export type KdfWorkerRunner = (request: KdfWorkerRequest) => Promise<Uint8Array>;

export interface KdfWorkerOptions {
  /** Code-package path of mpshield_kdf.wasm.br, outside the workers folder (default `/mpshield-kdf/mpshield_kdf.wasm.br`). */
  wasmPath?: string;
  /**
   * Milliseconds the Worker has to load its module and say it started
   * (else WASM_LOAD_FAILED); after that, this plus memoryKib × iterations / 4
   * ms to answer (else INVALID_STATE). 1–600000, default 10000.
   */
  timeoutMs?: number;
}

/**
 * deriveStorageKey in `wx.createWorker(script)`: `script` is the path of
 * dist/miniprogram-worker/index.js as copied into the folder app.json's
 * `workers` names, e.g. `"workers/mpshield-kdf/index.js"`. One Worker at a
 * time, each ended after its answer. Throws MpShieldError-shaped
 * INVALID_INPUT errors for bad arguments.
 */
declare function kdfWorker(script: string, options?: KdfWorkerOptions): KdfWorkerRunner;
declare namespace kdfWorker {
  export { kdfWorker, kdfWorker as default };
}
export = kdfWorker;
