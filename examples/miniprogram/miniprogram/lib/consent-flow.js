// The consent page's logic as plain functions of (mpshield, wx): no Page, no
// setData, so it can be read top-down and tested outside WeChat. The page
// (pages/consent/index.js) only moves their results into its data.
//
//   openSession      PIN → storage key → Wallet.open(storage.wx(wx)); a test
//                    card on first run
//   nextRequest      the hotel's signed request → wallet.evaluate
//   requestView      the evaluation as the page shows it
//   respond / refuse the citizen's answer, recorded in the consent log
//   historyView      the consent log, newest first
const hotelSim = require('./verifier-sim.js');
const testIssuer = require('./test-issuer.js');

// --- the storage key ------------------------------------------------------------
//
// The wallet (credentials and consent log) is encrypted in wx storage under
// a 32-byte storage key. The key must never be hard-coded, and never stored
// in wx storage next to the data it protects. A real app gets it in one of
// two ways:
//   - from a PIN or passphrase the citizen sets, with
//     mpshield.deriveStorageKey({ pin, salt }) (Argon2id). The salt is random,
//     not secret, and kept next to the data (as below). Each guess costs an
//     Argon2id run, but a 6-digit PIN has only 10^6 of them: whoever copies
//     the stored data can search them offline within hours (docs/FORMAT.md),
//     so a PIN guards against casual access only; a long passphrase is
//     stronger;
//   - from a key kept outside wx storage: in a hardware-backed keystore
//     where the host offers one (an app's native shell: Android Keystore,
//     iOS Keychain); in WeChat, which gives mini-programs no keystore, a key
//     that the app's own server releases after the citizen logs in and
//     authenticates again (a face or SOTER biometric check, for example).
//     Then the phone's storage alone cannot be decrypted.
// This example uses a PIN.

const SALT_KEY = 'mpshield-example/pin-salt';
const PIN_PATTERN = /^[0-9]{6}$/;

function toHex(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return s;
}

function fromHex(s) {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

/** Whether a wallet was set up on this phone (a PIN was chosen). */
function hasWallet(wx) {
  const salt = wx.getStorageSync(SALT_KEY);
  return typeof salt === 'string' && /^[0-9a-f]{32}$/.test(salt);
}

/** The storage key from the citizen's PIN and this phone's salt (made on first use). */
async function storageKeyFromPin(mpshield, wx, pin) {
  let salt;
  if (hasWallet(wx)) {
    salt = fromHex(wx.getStorageSync(SALT_KEY));
  } else {
    salt = mpshield.randomBytes(16);
    wx.setStorageSync(SALT_KEY, toHex(salt));
  }
  return mpshield.deriveStorageKey({ pin: pin, salt: salt });
}

// --- the session ----------------------------------------------------------------

/**
 * Unlocks the wallet with the PIN and sets up the demo around it: the
 * simulated hotel (trusted by the wallet) and, on first run, a synthetic ID
 * card from the test issuer (trusted by the hotel).
 * Resolves to `{ wallet, hotel, request, issued }`; `issued`: whether a card
 * was issued now.
 */
async function openSession(mpshield, wx, pin) {
  if (!PIN_PATTERN.test(pin)) {
    const e = new Error('the PIN must be 6 digits');
    e.code = 'BAD_PIN';
    throw e;
  }
  let issuer = testIssuer.loadIssuer(mpshield, wx, !hasWallet(wx));
  const hotel = hotelSim.createHotel(mpshield, { trustedIssuers: [issuer.publicJwk] });
  let wallet = null;
  try {
    const storageKey = await storageKeyFromPin(mpshield, wx, pin);
    try {
      wallet = await mpshield.Wallet.open({
        storage: mpshield.storage.wx(wx),
        storageKey: storageKey,
        // A real app ships (or fetches from the province's registry) the keys
        // of the relying parties it may answer; here, the simulated hotel's.
        trustedVerifiers: [hotel.publicJwk()],
        allowUnverified: false,
      });
    } finally {
      storageKey.fill(0); // the wallet keeps its own copy
    }
    let issued = false;
    const hasCard = wallet.credentials().some(function (c) {
      return c.type === 'resident_id_card';
    });
    if (!hasCard) {
      if (!issuer.key) {
        // The issuer was kept but the card was not (an interrupted first run).
        issuer = testIssuer.loadIssuer(mpshield, wx, true);
        hotel.trustIssuers([issuer.publicJwk]);
      }
      await wallet.addCredential(testIssuer.issueIdCard(mpshield, issuer.key, wallet.holderPublicJwk()));
      issued = true;
    }
    return { wallet: wallet, hotel: hotel, request: null, issued: issued };
  } catch (e) {
    if (wallet) wallet.free();
    hotel.free();
    throw e;
  } finally {
    if (issuer.key) issuer.key.free();
  }
}

/** Releases the session's handles (page unload). */
function closeSession(session) {
  if (!session) return;
  session.wallet.free();
  session.hotel.free();
}

/** Fetches the hotel's check-in request and evaluates it against the wallet. */
function nextRequest(session) {
  // A real app: wx.request({ url: 'https://hotel.example/checkin/request', ... })
  session.request = session.hotel.checkInRequest();
  return session.wallet.evaluate(session.request);
}

// --- what the page shows ----------------------------------------------------------

// PIPL Art. 13's lawful bases, as consent records name them.
const LAWFUL_BASIS_ZH = {
  consent: '取得您的同意',
  contract: '订立、履行合同所必需',
  hr: '人力资源管理所必需',
  legal_duty: '履行法定职责或者法定义务所必需',
  emergency: '应对突发公共卫生事件或紧急情况所必需',
  news: '为公共利益实施新闻报道、舆论监督',
  public_info: '处理已合法公开的个人信息',
  other_law: '法律、行政法规规定的其他情形',
};

// From least to most revealing: the default is the least revealing form the
// wallet can give (data minimisation, PIPL Art. 6).
const FORM_ORDER = ['predicate', 'masked', 'full'];

/** "2026-05-01 14:03" in China Standard Time (no Intl needed). */
function formatTime(seconds) {
  const d = new Date((seconds + 8 * 3600) * 1000);
  const p = function (n) {
    return (n < 10 ? '0' : '') + n;
  };
  return d.getUTCFullYear() + '-' + p(d.getUTCMonth() + 1) + '-' + p(d.getUTCDate()) + ' ' +
    p(d.getUTCHours()) + ':' + p(d.getUTCMinutes());
}

/** A previewed value as text for the page: 是/否 for predicates, no image data. */
function displayValue(v) {
  if (v === true) return '是';
  if (v === false) return '否';
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' && v.indexOf('data:image/') === 0) return '（相片）';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * The evaluation as the page's data: the requester and whether it was
 * verified, purpose, lawful basis, and per field its labels, required or
 * not, sensitivity, retention, the forms it can be given in (with a preview
 * of what would be sent) and the citizen's current choice (`chosen`: a form,
 * or '' for "not provided", allowed for optional fields only).
 */
function requestView(ev, schemas) {
  const licence = ev.items.length ? ev.items[0].licence : '';
  const schema = (schemas || []).filter(function (x) {
    return x.type === licence;
  })[0];
  const requested = ev.items.map(function (item) {
    return item.field;
  });
  const alwaysSent = !schema ? [] : schema.fields
    .filter(function (f) {
      return !f.disclosable && requested.indexOf(f.id) < 0;
    })
    .map(function (f) {
      return f.labels.zh;
    });
  return {
    verified: ev.verified === true,
    verifierName: ev.verifier.name,
    verifierUscc: ev.verifier.uscc,
    purpose: ev.purpose,
    lawfulBasis: ev.lawfulBasis,
    lawfulBasisText: LAWFUL_BASIS_ZH[ev.lawfulBasis] || ev.lawfulBasis,
    expiresAtText: formatTime(ev.expiresAt),
    noticeUrl: ev.noticeUrl || '',
    warnings: (ev.warnings || []).map(function (w) {
      return w.code + ': ' + w.message;
    }),
    // Fields the licence does not let the holder withhold (on an ID card: its
    // expiry date) leave with every answer, requested or not: said up front.
    alwaysSent: alwaysSent,
    alwaysSentText: alwaysSent.join('、'),
    items: ev.items.map(function (item) {
      const options = item.forms.map(function (f) {
        return {
          form: f.form,
          claim: f.claim,
          label: f.labels.zh,
          preview: displayValue(f.preview),
          available: f.available === true,
        };
      });
      if (!item.required) options.push({ form: '', claim: '', label: '不提供', preview: '', available: true });
      let chosen = '';
      if (item.required) {
        for (let k = 0; k < FORM_ORDER.length && !chosen; k++) {
          for (let j = 0; j < options.length; j++) {
            if (options[j].form === FORM_ORDER[k] && options[j].available) chosen = options[j].form;
          }
        }
      }
      return {
        key: item.licence + '/' + item.field,
        licence: item.licence,
        field: item.field,
        label: item.labels ? item.labels.zh : item.field,
        labelEn: item.labels ? item.labels.en : item.field,
        required: item.required === true,
        sensitive: item.sensitive === true,
        retentionDays: item.retentionDays,
        satisfiable: item.satisfiable !== false,
        // A field the licence does not let the holder withhold (sent with every answer).
        alwaysVisible: item.alwaysVisible === true,
        options: options,
        chosen: chosen,
        separateConsent: false,
      };
    }),
  };
}

/** The citizen's choices in the view, as wallet.respond takes them. */
function choicesFrom(view) {
  const choices = [];
  const separateConsent = [];
  view.items.forEach(function (item) {
    if (!item.chosen) return;
    choices.push({ licence: item.licence, field: item.field, form: item.chosen });
    if (item.sensitive && item.separateConsent) separateConsent.push(item.field);
  });
  return { choices: choices, separateConsent: separateConsent };
}

/**
 * Labels of the chosen sensitive fields the citizen has not separately
 * consented to (the wallet refuses to answer with SEPARATE_CONSENT_REQUIRED
 * until there are none).
 */
function missingSeparateConsent(view) {
  return view.items
    .filter(function (item) {
      return item.chosen && item.sensitive && !item.separateConsent;
    })
    .map(function (item) {
      return item.label;
    });
}

/**
 * Answers the current request with the citizen's choices: the wallet
 * discloses only what was chosen, seals it to the hotel, records the
 * consent in its log (saved to wx storage before anything is sent) and
 * returns the envelope and the log's receipt. The envelope then goes to the
 * hotel. Resolves to what the page shows.
 */
async function respond(mpshield, session, view) {
  const out = await session.wallet.respond(session.request, choicesFrom(view));
  session.request = null;
  const text = mpshield.envelope.toText(out.envelope);
  // A real app: wx.request({ url: 'https://hotel.example/checkin', method: 'POST', data: { envelope: text } })
  const reply = await session.hotel.receive(text);
  const checked = mpshield.consent.verifyReceipt(out.receipt, session.wallet.devicePublicJwk());
  // The hotel acknowledges the claims it accepted; their values are what
  // this phone previewed.
  const sent = {};
  view.items.forEach(function (item) {
    item.options.forEach(function (o) {
      if (o.claim) sent[o.claim] = o;
    });
  });
  return {
    recordId: out.recordId,
    envelopeBytes: out.envelope.length,
    envelopeTextChars: text.length,
    receiptBytes: out.receipt.length,
    receiptIndex: checked.index,
    logSize: checked.checkpoint.size,
    hotelGot: reply.disclosed.slice().sort().map(function (claim) {
      const o = sent[claim];
      return { claim: claim, label: o ? o.label : claim, value: o ? o.preview : '' };
    }),
    alwaysSentText: view.alwaysSentText,
  };
}

/** Refuses the current request; the refusal is recorded too. */
async function refuse(session) {
  const out = await session.wallet.refuse(session.request);
  session.request = null;
  // A real app tells the hotel (without any data) so the desk can ask for
  // the card in person.
  return { recordId: out.recordId };
}

const EVENT_ZH = {
  requested: '请求', given: '同意', refused: '拒绝', disclosed: '提供', withdrawn: '撤回', expired: '过期',
};

/** The consent log, newest first, with its Chinese lines. */
function historyView(wallet) {
  return wallet.history({ locale: 'zh-CN' }).slice().reverse().map(function (entry) {
    return {
      index: entry.index,
      recordId: entry.record.recordId,
      event: entry.record.event,
      eventText: EVENT_ZH[entry.record.event] || entry.record.event,
      line: entry.line,
    };
  });
}

/** The wallet's credentials for display. */
function credentialsView(wallet) {
  return wallet.credentials().map(function (c) {
    return { id: c.id, label: c.labels.zh, iss: c.iss };
  });
}

// Messages by error code (MpShieldError.code; localised here, as the
// package leaves localisation to the app).
const MESSAGES = {
  BAD_PIN: 'PIN 须为 6 位数字。',
  DECRYPT_FAILED: 'PIN 不正确，或本机数据已损坏。',
  STORAGE_CORRUPT: 'PIN 不正确，或本机数据已损坏。',
  ROLLBACK_DETECTED: '本机数据被回退到了旧版本，已停止使用。',
  CONSENT_NOT_PERSISTED: '授权记录未能保存（存储空间不足？），没有发送任何数据。',
  UNTRUSTED_VERIFIER: '请求方身份未通过验证，已停止处理。',
  INVALID_REQUEST: '请求无效或已被篡改。',
  EXPIRED: '请求已过期，请重新获取。',
  REPLAYED: '该请求已经使用过，请重新获取。',
  NOT_REQUESTED: '所选内容不在请求范围内。',
  CREDENTIAL_NOT_FOUND: '钱包中没有所需证照。',
  SEPARATE_CONSENT_REQUIRED: '提供敏感个人信息需要您单独同意：请打开该项下方的开关。',
  NOT_INITIALIZED: '安全组件尚未加载完成。',
  NO_ENTROPY: '安全组件无法获取随机数，请升级微信后重试。',
};

/**
 * A message for the citizen, from an error's code. With the request's view,
 * SEPARATE_CONSENT_REQUIRED names the fields that still need it.
 */
function errorMessage(e, view) {
  const code = e && e.code;
  if (code === 'SEPARATE_CONSENT_REQUIRED' && view) {
    const labels = missingSeparateConsent(view);
    if (labels.length) {
      return '“' + labels.join('”“') + '”属于敏感个人信息，需要您单独同意：请打开该项下方的开关，或不提供（选填项）、拒绝本次请求。';
    }
  }
  return MESSAGES[code] || ('出错了（' + (code || (e && e.message) || e) + '）');
}

module.exports = {
  SALT_KEY: SALT_KEY,
  PIN_PATTERN: PIN_PATTERN,
  hasWallet: hasWallet,
  storageKeyFromPin: storageKeyFromPin,
  openSession: openSession,
  closeSession: closeSession,
  nextRequest: nextRequest,
  requestView: requestView,
  choicesFrom: choicesFrom,
  missingSeparateConsent: missingSeparateConsent,
  respond: respond,
  refuse: refuse,
  historyView: historyView,
  credentialsView: credentialsView,
  errorMessage: errorMessage,
  formatTime: formatTime,
};
