// The shared scenarios, bundled by profile.mjs for JavaScriptCore (an
// ES2017 script defining `__mpScenarios`): the smoke suite
// (tests/js/smoke.mjs) and the flow (tests/js/helpers/flow-scenario.mjs),
// with this folder's assert and, for the flow helpers only, its Buffer.
import { runSmoke } from '../../js/smoke.mjs';
import { carRental, failureInjection, gmHotelCheckIn, hotelCheckIn, refusals } from '../../js/helpers/flow-scenario.mjs';
import { assert } from './assert.mjs';
import { hex } from './text.mjs';

const snapshot = async (store) => store.entries().map(([k, v]) => [k, hex(v)]);

export const scenarios = {
  assert,
  /** The smoke suite on a freshly loaded package `m`; resolves to the number of checks. */
  smoke: (m, expectedVersion) => runSmoke(m, assert, { expectedVersion, phoneModule: true }),
  /** The hotel check-in through storage.wx(wx) and through memory. */
  hotel: async (w, rp, wx) => {
    await hotelCheckIn(w, rp, assert, w.storage.wx(wx));
    await hotelCheckIn(w, rp, assert);
  },
  /** The gm hotel check-in (the gm phone module) through storage.wx(wx). */
  gmHotel: (w, rp, wx) => gmHotelCheckIn(w, rp, assert, w.storage.wx(wx)),
  carRental: (w, rp) => carRental(w, rp, assert),
  refusals: (w, rp) => refusals(w, rp, assert),
  failureInjection: (w, rp) => failureInjection(w, rp, assert, snapshot),
};
