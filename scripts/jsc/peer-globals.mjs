// crypto.getRandomValues for the peers' realm, set before any peer module
// loads (@noble/hashes reads globalThis.crypto once, when it loads): what a
// mini-program using them would have to provide over wx.getRandomValues.
import { webcrypto } from '../../tests/miniprogram/jsc/server-node.mjs';

globalThis.crypto = { getRandomValues: (v) => webcrypto.getRandomValues(v) };
