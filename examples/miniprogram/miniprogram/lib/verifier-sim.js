// Plays the hotel's server for the demo, on the phone, so that the example
// runs without a backend. Everything here belongs on the hotel's server in a
// real deployment: its signing key and HPKE secret key never reach a phone.
// There, the mini-program would
//   1. fetch a signed check-in request:
//        wx.request({ url: 'https://hotel.example/checkin/request', success(res) { request = res.data.request } })
//   2. send the sealed envelope back as text:
//        wx.request({ url: 'https://hotel.example/checkin', method: 'POST',
//                     data: { envelope: mpshield.envelope.toText(envelope) } })
// and the server would run what `receive` runs below (Node: the same package).

const HOTEL_NAME = '示例酒店有限公司';
const NOTICE_URL = 'https://hotel.example/privacy';

// A synthetic unified social credit code (GB 32100-2015): 17 characters and
// a check character computed below.
const USCC_BODY = '91440300MA5G7K3Q8';
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The GB 32100-2015 check character of a USCC's first 17 characters. */
function usccCheckCharacter(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

const HOTEL_USCC = USCC_BODY + usccCheckCharacter(USCC_BODY);

// What the front desk asks for. Which forms a hotel may accept is for it
// (and the lodging rules it is under) to decide; the demo offers the full
// and the masked ID number so that the citizen's choice is visible. The ID
// number (an identity-document number, GB/T 35273-2020 Annex B) and the
// photo are sensitive personal information (PIPL Art. 28): giving either, in
// any form, needs the citizen's separate consent (Art. 29). The photo is
// optional: it is for comparing face and card at the desk.
const CHECK_IN_FIELDS = [
  { licence: 'resident_id_card', field: 'name', required: true, forms: ['full'], retentionDays: 30 },
  { licence: 'resident_id_card', field: 'id_number', required: true, forms: ['full', 'masked'], retentionDays: 30 },
  {
    licence: 'resident_id_card', field: 'birth_date', required: true, forms: ['predicate'],
    predicate: 'age_equal_or_over/18', retentionDays: 30,
  },
  { licence: 'resident_id_card', field: 'photo', required: false, forms: ['full'], retentionDays: 1 },
];

/**
 * A one-time-use store for request nonces, so that an envelope cannot be
 * replayed. A real server uses shared storage with expiry (e.g. Redis
 * `SET nonce 1 NX EXAT expiresAt`).
 */
function memoryNonceStore() {
  const seen = new Map();
  return {
    consume(nonce, expiresAt) {
      const now = Math.floor(Date.now() / 1000);
      seen.forEach(function (until, n) {
        if (until < now) seen.delete(n);
      });
      if (seen.has(nonce)) return false;
      seen.set(nonce, expiresAt);
      return true;
    },
  };
}

/**
 * The simulated hotel. `trustedIssuers`: the public JWKs of the licence
 * issuers whose cards it accepts. Its keys are made here and live as long
 * as the object; `received` keeps what `verifier.open` returned, as the
 * hotel's server would store it.
 */
function createHotel(mpshield, options) {
  const signingKey = mpshield.SigningKey.generate('EdDSA');
  const hpkeKeyPair = mpshield.hpke.generateKeyPair();
  const nonceStore = memoryNonceStore();
  let verifier = null;

  const hotel = {
    name: HOTEL_NAME,
    uscc: HOTEL_USCC,
    received: [],

    /** (Re)creates the verifier, same keys, trusting these issuers. */
    trustIssuers(issuerJwks) {
      const next = mpshield.Verifier.create({
        name: HOTEL_NAME,
        uscc: HOTEL_USCC,
        signingKey: signingKey,
        hpkeKeyPair: hpkeKeyPair,
        trustedIssuers: issuerJwks,
        nonceStore: nonceStore,
      });
      if (verifier) verifier.free();
      verifier = next;
    },

    /** The key wallets list in `trustedVerifiers`. */
    publicJwk() {
      return verifier.publicJwk();
    },

    /** A signed check-in request (valid 5 minutes). */
    checkInRequest() {
      return verifier.createRequest({
        purpose: '住宿登记',
        lawfulBasis: 'legal_duty',
        fields: CHECK_IN_FIELDS,
        ttlSeconds: 300,
        noticeUrl: NOTICE_URL,
      });
    },

    /**
     * The server's side of the check-in: opens and verifies the envelope
     * (issuer signature, holder binding, audience, nonce, the consent record
     * and its receipt), keeps the result and acknowledges which claims it
     * accepted (names only: a server does not echo personal data back).
     */
    async receive(envelopeText) {
      const got = await verifier.open(mpshield.envelope.fromText(envelopeText));
      hotel.received.push(got);
      return { accepted: true, disclosed: got.disclosed.slice(), receiptIndex: got.receipt.index };
    },

    free() {
      if (verifier) verifier.free();
      verifier = null;
      signingKey.free();
    },
  };
  hotel.trustIssuers(options.trustedIssuers);
  return hotel;
}

module.exports = {
  HOTEL_NAME: HOTEL_NAME,
  HOTEL_USCC: HOTEL_USCC,
  CHECK_IN_FIELDS: CHECK_IN_FIELDS,
  usccCheckCharacter: usccCheckCharacter,
  createHotel: createHotel,
};
