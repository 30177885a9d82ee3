// sdjwt, licence, mask: selective disclosure of licences as SD-JWT VCs
// (RFC 9901), licence schemas and masking rules.
//
// Every argument is checked here (types, unknown option names, JSON data
// copied into plain objects of this realm with depth and size limits), so the
// glue only ever sees values it can take; what the values mean (JSON
// Pointers, JWKs, ID numbers, times) is checked by the module. Options and
// results cross the boundary as JSON text (JSON.stringify of the checked
// copy in, JSON.parse out), so every result is a fresh plain object.

import {
  licenceIssue,
  licenceSchemas,
  maskApply,
  maskRules,
  sdjwtDecode,
  sdjwtIssue,
  sdjwtPresent,
  sdjwtVerify,
} from 'mpshield-glue';
import { fn, namespace } from './runtime.js';
import { boolean, integer, invalid, json, options, seconds, string, stringArray, text } from './args.js';
import { signingKeyHandle } from './keys.js';

/** Most decoy digests per object (src/credential/sdjwt/mod.rs MAX_DECOYS). */
const MAX_DECOYS = 64;

/** A required option: every check refuses `undefined`, naming the option. */
function required(opts, key, where, check) {
  return check(opts[key], where + ': options.' + key);
}

/** Copies the optional keys of `opts` that are present, each checked. */
function optional(opts, out, where, checks) {
  const keys = Object.keys(checks);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (opts[k] !== undefined) out[k] = checks[k](opts[k], where + ': options.' + k);
  }
  return out;
}

const jsonObject = (v, name) => json(v, name, 'object');

function jsonArray(v, name) {
  let isArray = false;
  try {
    isArray = Array.isArray(v);
  } catch (e) {
    isArray = false;
  }
  if (!isArray) throw invalid(name, 'an array of JWK objects', v);
  return json(v, name, 'any');
}

export const sdjwt = namespace({
  /**
   * Issues a compact SD-JWT VC (`typ: dc+sd-jwt`).
   * `sdAlg` ("sha-256" | "sm3") defaults to the issuer key's suite; the
   * module refuses another suite's (and unknown names) with
   * UNSUPPORTED_ALGORITHM.
   * @param {{ issuerKey, claims, disclosable, holderPublicJwk?, vct, iss, iat?, nbf?, exp?, decoys?, sdAlg? }} args
   * @returns {string}
   */
  issue: fn(
    function issue(args) {
      const where = 'sdjwt.issue';
      const o = options(args, where + ' options', [
        'issuerKey', 'claims', 'disclosable', 'holderPublicJwk', 'vct', 'iss', 'iat', 'nbf', 'exp', 'decoys', 'sdAlg',
      ]);
      const key = required(o, 'issuerKey', where, signingKeyHandle);
      const glueArgs = {
        claims: required(o, 'claims', where, jsonObject),
        disclosable: required(o, 'disclosable', where, stringArray),
        vct: required(o, 'vct', where, text),
        iss: required(o, 'iss', where, text),
      };
      optional(o, glueArgs, where, {
        holderPublicJwk: jsonObject,
        iat: seconds,
        nbf: seconds,
        exp: seconds,
        decoys: (v, name) => integer(v, name, 0, MAX_DECOYS),
        // A name of at most 64 characters: UNSUPPORTED_ALGORITHM quotes it.
        sdAlg: (v, name) => string(v, name, 64),
      });
      return sdjwtIssue(key, JSON.stringify(glueArgs));
    },
    { random: true },
  ),

  /**
   * Keeps only the chosen disclosures (JSON Pointers) and appends a
   * key-binding JWT signed by `holderKey`.
   * @param {{ credential, disclose, holderKey, aud, nonce, iat? }} args
   * @returns {string}
   */
  present: fn(
    function present(args) {
      const where = 'sdjwt.present';
      const o = options(args, where + ' options', ['credential', 'disclose', 'holderKey', 'aud', 'nonce', 'iat']);
      const key = required(o, 'holderKey', where, signingKeyHandle);
      const glueArgs = {
        credential: required(o, 'credential', where, text),
        disclose: required(o, 'disclose', where, stringArray),
        aud: required(o, 'aud', where, text),
        nonce: required(o, 'nonce', where, text),
      };
      optional(o, glueArgs, where, { iat: seconds });
      return sdjwtPresent(key, JSON.stringify(glueArgs));
    },
    { random: true },
  ),

  /**
   * Verifies a presentation against trusted issuer keys (public JWKs).
   * @param {{ presentation, issuerKeys, aud?, nonce?, requireKeyBinding?, now?, maxKeyBindingAge?, clockSkew? }} args
   * @returns {{ claims, disclosed, issuer, holderPublicJwk?, keyBinding? }}
   */
  verify: fn(function verify(args) {
    const where = 'sdjwt.verify';
    const o = options(args, where + ' options', [
      'presentation', 'issuerKeys', 'aud', 'nonce', 'requireKeyBinding', 'now', 'maxKeyBindingAge', 'clockSkew',
    ]);
    const glueArgs = {
      presentation: required(o, 'presentation', where, text),
      issuerKeys: required(o, 'issuerKeys', where, jsonArray),
    };
    optional(o, glueArgs, where, {
      aud: text,
      nonce: text,
      requireKeyBinding: boolean,
      now: seconds,
      maxKeyBindingAge: seconds,
      clockSkew: seconds,
    });
    return JSON.parse(sdjwtVerify(JSON.stringify(glueArgs)));
  }),

  /**
   * What an SD-JWT contains, without verifying anything (for consent screens).
   * @param {string} sdJwt
   * @returns {{ header, payload, disclosures: { path, value, digest }[], keyBinding? }}
   */
  decode: fn(function decode(sdJwt) {
    return JSON.parse(sdjwtDecode(text(sdJwt, 'sdJwt')));
  }),
});

export const licence = namespace({
  /** Every licence schema (a fresh copy each call). */
  schemas: fn(function schemas() {
    return JSON.parse(licenceSchemas());
  }),

  /**
   * Issues a licence of a schema `type` as an SD-JWT VC, with its derived
   * claims (age predicates, masked values, …).
   * @param {{ type, fields, issuerKey, holderPublicJwk, iss, iat?, exp? }} args
   * @returns {string}
   */
  issue: fn(
    function issue(args) {
      const where = 'licence.issue';
      const o = options(args, where + ' options', ['type', 'fields', 'issuerKey', 'holderPublicJwk', 'iss', 'iat', 'exp']);
      const key = required(o, 'issuerKey', where, signingKeyHandle);
      const glueArgs = {
        type: required(o, 'type', where, text),
        fields: required(o, 'fields', where, jsonObject),
        holderPublicJwk: required(o, 'holderPublicJwk', where, jsonObject),
        iss: required(o, 'iss', where, text),
      };
      optional(o, glueArgs, where, { iat: seconds, exp: seconds });
      return licenceIssue(key, JSON.stringify(glueArgs));
    },
    { random: true },
  ),
});

export const mask = namespace({
  /** Every masking rule: `[{ id, labels: { zh, en }, example }]`. */
  rules: fn(function rules() {
    return JSON.parse(maskRules());
  }),

  /** Masks `value` for display with rule `ruleId` (e.g. "id_number"). */
  apply: fn(function apply(ruleId, value) {
    return maskApply(text(ruleId, 'ruleId'), text(value, 'value'));
  }),
});
