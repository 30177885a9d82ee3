// The public API, one line per capability module. To add a capability,
// write pkg/src/<capability>.js (see idcard.js), export it here, and declare
// it in pkg/index.d.ts. Every loader re-exports this list, and tests
// enumerate it (tests/js/no-panic.test.mjs covers new functions unasked).

export { init, moduleInfo } from './runtime.js';
export { MpShieldError, describeError } from './errors.js';
export { errorMessages } from './messages.js';
export { LIMITS } from './args.js';
export * from './core.js';
export * from './idcard.js';
export { SigningKey } from './keys.js';
export * from './credential.js';
export { ConsentLog, merkle, checkpoint, consent, deriveStorageKey, storage } from './consent.js';
export { hpke, seal, open, envelope, createSealStream, createOpenStream } from './seal.js';
export { Verifier, Wallet } from './flow.js';
