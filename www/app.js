// The citizen's consent screen: what a mini-program built on mpshield can
// show. Plain ES modules, no framework; the package is the built browser
// bundle served at /pkg/, with the full module /pkg/mpshield_bg.wasm (the
// page also plays issuer and relying parties; a phone loads the smaller
// phone module, mpshield_compact_bg.wasm, which leaves them out).
//
// Parties: the wallet (the phone) is an mpshield Wallet over localStorage;
// the hotel, the car-rental company and an unvetted requester are mpshield
// Verifier objects standing in for their servers (demo-data.js).
import * as mpshield from '/pkg/browser.mjs';
import { LAWFUL_BASIS, LOCALES, STRINGS } from './i18n.js';
import {
  DEMO_PREFIX, REQUESTS, clearDemo, createRequest, demoSuite, issueLicences, loadParties, setDemoSuite,
} from './demo-data.js';

/** 'intl' or 'gm' (国密), from the page's suite switch. */
const SUITE = demoSuite();
const WALLET_PREFIX = DEMO_PREFIX + (SUITE === 'gm' ? 'wallet-gm/' : 'wallet/');
const LOCALE_KEY = DEMO_PREFIX + 'locale';

const state = {
  locale: 'zh-CN',
  view: 'home',
  wallet: null,
  verifiers: null,
  schemas: null,
  flow: null, // { id, request, ev, choices, result?, refused?, busy? }
  rp: null, // { open, data?, error? } for the current flow's envelope
  tamper: null, // { key, original, tampered }
  integrity: null, // { kind: 'ok' | 'bad' | 'other' | 'info', text }
  notice: null,
};

// --- small helpers ------------------------------------------------------------------------

/** The current locale's string `key`, called with `args` if it is a function. */
function t(key, ...args) {
  const v = STRINGS[state.locale][key] ?? STRINGS['zh-CN'][key];
  return typeof v === 'function' ? v(...args) : v;
}
const isEn = () => state.locale === 'en';
/** `text` in parentheses, in the locale's style. */
const paren = (text) => (isEn() ? ` (${text})` : `（${text}）`);
/** `{ zh, en }` labels in the current locale. */
const L = (labels) => (labels ? (isEn() ? labels.en : labels.zh) : '');

/** Builds an element: `h('p', { class: 'x', onclick: f }, 'text', child)`. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function formatTime(seconds) {
  return new Intl.DateTimeFormat(isEn() ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).format(new Date(seconds * 1000));
}

function errorText(e) {
  const code = e && e.code ? e.code : 'ERROR';
  const known = STRINGS[state.locale].errors[code];
  return known ? `${known} (${code})` : t('error', code, e && e.message ? e.message : String(e));
}

function announce(text) {
  const el = document.getElementById('announcer');
  el.textContent = '';
  // A separate task, so that repeating the same text is announced again.
  setTimeout(() => { el.textContent = text; }, 50);
}

function schemaOf(type) {
  return state.schemas.find((s) => s.type === type);
}

/** Label of a licence field, or of a derived claim such as `id_number_masked`. */
function fieldLabel(type, id) {
  const s = schemaOf(type);
  const f = s && (s.fields.find((x) => x.id === id) || s.derived.find((x) => x.id === id));
  return f ? L(f.labels) : id;
}

function formWord(form) {
  return { full: t('formFull'), masked: t('formMasked'), predicate: t('formPredicate') }[form] ?? form;
}

/** The purpose as the request states it, glossed in English mode. */
function purposeText(purpose) {
  if (!isEn()) return purpose;
  const known = Object.values(REQUESTS).find((r) => r.purpose === purpose);
  return known ? `${purpose} (${known.purposeEn})` : purpose;
}

function renderValue(v) {
  if (v === true) return t('yes');
  if (v === false) return t('no');
  if (typeof v === 'string' && v.startsWith('data:image/')) {
    return h('img', { src: v, alt: t('photoAlt'), class: 'photo', width: 45, height: 60 });
  }
  if (Array.isArray(v)) return v.join(isEn() ? ', ' : '、');
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

/** Resolves a JSON Pointer in `obj`. */
function pointerGet(obj, pointer) {
  let cur = obj;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (cur === null || typeof cur !== 'object' || !(key in cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** A label for a disclosed claim's pointer, e.g. `/age_equal_or_over/18`. */
function claimLabel(type, pointer) {
  const parts = pointer.split('/').slice(1);
  if (parts[0] === 'age_equal_or_over' && parts[1]) {
    return isEn() ? `Aged ${parts[1]} or over` : `年满 ${parts[1]} 周岁`;
  }
  return fieldLabel(type, parts[0]);
}

function devDetails(code) {
  return h('details', { class: 'dev' }, h('summary', {}, t('devTitle')), h('pre', { lang: 'en' }, h('code', {}, code)));
}

// --- storage ------------------------------------------------------------------------------

/** localStorage under the demo's prefix, as a Storage-like object for storage.localStorage(). */
function prefixedLocalStorage(prefix) {
  return {
    getItem: (k) => localStorage.getItem(prefix + k),
    setItem: (k, v) => localStorage.setItem(prefix + k, v),
    removeItem: (k) => localStorage.removeItem(prefix + k),
  };
}

function walletKeys() {
  const keys = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k && k.startsWith(WALLET_PREFIX)) keys.push(k);
  }
  return keys.sort();
}

/**
 * Flips one bit in the middle of the stored consent log's largest data
 * segment — what someone quietly editing the history on the device would
 * do. Returns `{ key, offset }` or null if nothing is stored yet.
 */
function tamperWithStoredLog() {
  const keys = walletKeys().filter((k) => /consent|log/i.test(k.slice(WALLET_PREFIX.length)));
  const candidates = (keys.length ? keys : walletKeys()).filter((k) => !/manifest/i.test(k));
  if (candidates.length === 0) return null;
  const key = candidates.reduce((a, b) => (localStorage.getItem(b).length > localStorage.getItem(a).length ? b : a));
  const original = localStorage.getItem(key);
  const bytes = Uint8Array.from(atob(original), (c) => c.charCodeAt(0));
  const offset = Math.floor(bytes.length / 2);
  bytes[offset] ^= 0x01;
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  const tampered = btoa(bin);
  localStorage.setItem(key, tampered);
  state.tamper = { key, original, tampered };
  return { key, offset };
}

function untamper() {
  const tp = state.tamper;
  if (tp && localStorage.getItem(tp.key) === tp.tampered) localStorage.setItem(tp.key, tp.original);
  state.tamper = null;
}

// --- views --------------------------------------------------------------------------------

const VIEWS = { home: viewHome, request: viewRequest, sent: viewSent, refused: viewRefused, history: viewHistory, wallet: viewWallet };
const NAV_OF = { home: 'home', request: 'home', sent: 'home', refused: 'home', history: 'history', wallet: 'wallet' };

function render({ focus = false } = {}) {
  const root = document.getElementById('view');
  root.replaceChildren(VIEWS[state.view]());
  for (const b of document.querySelectorAll('#nav button')) {
    if (b.dataset.view === NAV_OF[state.view]) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
  renderPanel();
  if (focus) {
    window.scrollTo(0, 0);
    root.querySelector('h1, h2')?.focus({ preventScroll: true });
  }
}

function go(view) {
  if (view !== 'sent') closePanel(false);
  state.view = view;
  state.notice = null;
  if (view === 'history') state.integrity = state.integrity && state.tamper ? state.integrity : null;
  render({ focus: true });
}

function noticeEl() {
  return state.notice ? h('p', { class: `notice ${state.notice.kind}`, role: 'status' }, state.notice.text) : null;
}

function viewHome() {
  const card = (id, title, desc, extra) =>
    h('li', { class: `scenario ${extra || ''}` },
      h('h3', {}, title),
      h('p', {}, desc),
      h('button', { type: 'button', class: 'primary', 'data-scenario': id, 'aria-label': t('start', title), onclick: () => startScenario(id) }, t('begin')));
  return h('section', { 'aria-labelledby': 'home-title' },
    h('h1', { id: 'home-title', tabindex: '-1' }, t('homeTitle')),
    noticeEl(),
    h('p', { class: 'lead' }, t('homeIntro')),
    h('ul', { class: 'scenarios' },
      card('hotel', t('scenarioHotel'), t('scenarioHotelDesc')),
      card('rental', t('scenarioRental'), t('scenarioRentalDesc')),
      card('stranger', t('scenarioStranger'), t('scenarioStrangerDesc'), 'warn')),
    devDetails(`import * as mpshield from 'mpshield';
await mpshield.init();
const wallet = await mpshield.Wallet.open({
  storage: mpshield.storage.localStorage(),   // storage.wx(wx) in a mini-program
  storageKey, trustedVerifiers: [hotelJwk, rentalJwk], allowUnverified: true,
});
await wallet.addCredential(sdJwtFromIssuer);`));
}

function startScenario(id) {
  closePanel(false);
  state.rp = null;
  state.notice = null;
  try {
    const request = createRequest(state.verifiers, id); // the relying party's server
    const ev = state.wallet.evaluate(request); // the phone
    const choices = {};
    for (const item of ev.items) {
      const available = item.forms.filter((f) => f.available);
      // Privacy by default: the least revealing available form.
      const order = ['predicate', 'masked', 'full'];
      const form = order.find((o) => available.some((f) => f.form === o)) ?? item.forms[0]?.form;
      choices[item.field] = { on: item.required && item.satisfiable, form, separate: false };
    }
    state.flow = { id, request, ev, choices };
    state.view = 'request';
  } catch (e) {
    state.notice = { kind: 'error', text: errorText(e) };
  }
  render({ focus: true });
}

function requesterCard(ev, retentionDays) {
  const verified = ev.verified;
  const row = (k, v, attrs = {}) => [h('dt', {}, k), h('dd', attrs, v)];
  return h('article', { class: `requester ${verified ? 'verified' : 'unverified'}`, 'aria-labelledby': 'requester-name' },
    h('p', { class: 'badge-line' },
      h('span', { class: `badge ${verified ? 'ok' : 'warn'}` }, h('span', { 'aria-hidden': 'true' }, verified ? '✓ ' : '⚠ '), t(verified ? 'verifiedBadge' : 'unverifiedBadge'))),
    h('h3', { id: 'requester-name' }, h('span', { class: 'sr-only' }, t('requester') + ': '), ev.verifier.name),
    h('p', { class: verified ? 'small' : 'warning-text' }, t(verified ? 'verifiedNote' : 'unverifiedNote')),
    (ev.warnings || []).length
      ? h('ul', { class: 'warnings', lang: 'en' }, ev.warnings.map((w) => h('li', {}, h('code', {}, w.code), ' ', w.message)))
      : null,
    h('dl', { class: 'facts' },
      row(t('purpose'), purposeText(ev.purpose)),
      row(t('lawfulBasis'), L(LAWFUL_BASIS[ev.lawfulBasis]) || ev.lawfulBasis),
      row(t('retention'), retentionDays),
      row(t('uscc'), ev.verifier.uscc, { class: 'mono' }),
      row(t('keyId'), ev.verifier.kid ? ev.verifier.kid.slice(0, 16) + '…' : '—', { class: 'mono' }),
      row(t('requestExpires'), ev.expiresAt ? formatTime(ev.expiresAt) : '—'),
      ev.noticeUrl ? row(t('notice'), ev.noticeUrl, { class: 'mono small' }) : null));
}

function retentionText(items) {
  const days = [...new Set(items.map((i) => i.retentionDays))].sort((a, b) => a - b);
  if (days.length === 0) return '—';
  if (days.length === 1) return t('days', days[0]);
  return `${t('days', days[0])} – ${t('days', days[days.length - 1])}`;
}

function formOf(item, form) {
  return item.forms.find((f) => f.form === form);
}

/** Chosen items, what is missing, what stays on the phone. */
function analyse(flow) {
  const { ev, choices } = flow;
  const chosen = ev.items.filter((i) => choices[i.field].on && i.satisfiable);
  const missing = ev.items.filter((i) => i.required && !chosen.includes(i));
  const needSeparate = chosen.filter((i) => i.sensitive && !choices[i.field].separate);
  const type = ev.items[0]?.licence;
  const schema = schemaOf(type);
  const fullyChosen = new Set(chosen.filter((i) => choices[i.field].form === 'full').map((i) => i.field));
  const partlyChosen = new Set(chosen.filter((i) => choices[i.field].form !== 'full').map((i) => i.field));
  const stays = schema
    ? schema.fields.filter((f) => f.disclosable && !fullyChosen.has(f.id)).map((f) =>
      partlyChosen.has(f.id) ? L(f.labels) + paren(isEn() ? 'full value' : '完整值') : L(f.labels))
    : [];
  return { chosen, missing, needSeparate, stays, type };
}

function chosenLine(item, choice) {
  const f = formOf(item, choice.form);
  const preview = f && f.preview !== undefined ? renderValue(f.preview) : '';
  const formLabel = choice.form === 'predicate' && f && f.labels ? L(f.labels) : formWord(choice.form);
  return h('li', { 'data-field': item.field, 'data-form': choice.form },
    h('strong', {}, L(item.labels)), ` · ${formLabel}`, preview !== '' ? [isEn() ? ': ' : '：', h('span', { class: 'mono' }, preview)] : null,
    choice.form !== 'full' ? h('span', { class: 'small' }, t('summaryMaskedRest')) : null);
}

function summaryEl(flow) {
  const { ev, choices } = flow;
  const a = analyse(flow);
  const who = ev.verifier.name;
  const parts = [h('h3', { id: 'summary-title' }, t('summaryTitle'))];
  if (a.chosen.length === 0) parts.push(h('p', {}, t('summaryNothing')));
  else {
    parts.push(h('p', {}, t('summaryWillSend', a.chosen.length, who, purposeText(ev.purpose))));
    parts.push(h('ul', { class: 'will-send' }, a.chosen.map((i) => chosenLine(i, choices[i.field]))));
    parts.push(h('p', {}, t('summaryKeep', Math.max(...a.chosen.map((i) => i.retentionDays)))));
  }
  if (a.missing.length) parts.push(h('p', { class: 'problem' }, t('summaryMissing', a.missing.map((i) => L(i.labels)).join(isEn() ? ', ' : '、'))));
  if (a.needSeparate.length) parts.push(h('p', { class: 'problem' }, t('summarySeparateMissing', a.needSeparate.map((i) => L(i.labels)).join(isEn() ? ', ' : '、'))));
  parts.push(h('p', {}, t('summaryStays')));
  parts.push(h('p', { class: 'stays' }, a.stays.join(isEn() ? ', ' : '、')));
  parts.push(h('p', { class: 'small' }, t('summaryAlways')));
  parts.push(h('p', { class: 'small' }, t('summarySealed')));
  return parts;
}

function canConfirm(flow) {
  const a = analyse(flow);
  return flow.ev.verified && a.chosen.length > 0 && a.missing.length === 0 && a.needSeparate.length === 0 && !flow.busy;
}

function refreshSummary() {
  const flow = state.flow;
  document.getElementById('summary')?.replaceChildren(...summaryEl(flow));
  const confirm = document.getElementById('confirm');
  if (confirm) confirm.disabled = !canConfirm(flow);
}

function itemEl(item, flow) {
  const choice = flow.choices[item.field];
  const base = `f-${item.field}`;
  const label = L(item.labels);
  const onToggle = (e) => {
    choice.on = e.target.checked;
    for (const r of document.querySelectorAll(`input[name="${base}-form"]`)) r.disabled = !choice.on || r.dataset.available !== '1';
    const sep = document.getElementById(`${base}-sep`);
    if (sep) sep.disabled = !choice.on;
    document.getElementById(base).classList.toggle('off', !choice.on);
    refreshSummary();
  };
  const forms = h('fieldset', { class: 'forms' },
    h('legend', {}, h('span', { class: 'sr-only' }, t('formLegend', label)), h('span', { 'aria-hidden': 'true' }, isEn() ? 'Form' : '提供形式')),
    item.forms.map((f) => {
      const id = `${base}-form-${f.form}`;
      const preview = f.preview !== undefined && f.available ? renderValue(f.preview) : '';
      return h('div', { class: 'radio' },
        h('input', {
          type: 'radio', id, name: `${base}-form`, value: f.form, checked: choice.form === f.form,
          disabled: !choice.on || !f.available, 'data-available': f.available ? '1' : '0',
          onchange: () => { choice.form = f.form; refreshSummary(); },
        }),
        h('label', { for: id },
          h('span', { class: 'form-word' }, formWord(f.form)),
          f.form === 'predicate' && f.labels ? h('span', { class: 'form-label' }, L(f.labels)) : null,
          preview !== '' ? h('span', { class: 'preview mono' }, preview) : null));
    }));
  return h('div', { class: `item ${choice.on ? '' : 'off'} ${item.sensitive ? 'sensitive' : ''}`, id: base, 'data-field': item.field },
    h('div', { class: 'item-head' },
      h('input', {
        type: 'checkbox', id: `${base}-on`, class: 'switch', checked: choice.on, disabled: !item.satisfiable,
        'aria-label': t('provide', label), 'aria-describedby': `${base}-meta`, onchange: onToggle,
      }),
      h('label', { for: `${base}-on`, class: 'item-name' }, label)),
    h('p', { class: 'item-meta', id: `${base}-meta` },
      h('span', { class: `tag ${item.required ? 'req' : ''}` }, t(item.required ? 'required' : 'optional')),
      item.sensitive ? h('span', { class: 'tag sens' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), t('sensitive')) : null,
      h('span', {}, t('keepFor', item.retentionDays))),
    item.satisfiable ? forms : h('p', { class: 'problem' }, t('notInWallet')),
    item.sensitive
      ? h('div', { class: 'separate' },
        h('input', {
          type: 'checkbox', id: `${base}-sep`, checked: choice.separate, disabled: !choice.on,
          'aria-describedby': `${base}-sep-hint`,
          onchange: (e) => { choice.separate = e.target.checked; refreshSummary(); },
        }),
        h('label', { for: `${base}-sep` }, t('separateConsent', label, purposeText(flow.ev.purpose))),
        h('p', { class: 'small', id: `${base}-sep-hint` }, t('separateHint')))
      : null);
}

function viewRequest() {
  const flow = state.flow;
  const { ev } = flow;
  const form = h('form', {
    class: 'consent', 'aria-labelledby': 'request-title', novalidate: true,
    onsubmit: (e) => { e.preventDefault(); confirmFlow(); },
  },
  h('fieldset', { class: 'items', disabled: !ev.verified },
    h('legend', {}, t('fieldsLegend')),
    ev.items.map((i) => itemEl(i, flow))),
  ev.verified
    ? h('section', { id: 'summary', class: 'summary', 'aria-live': 'polite', 'aria-labelledby': 'summary-title' }, summaryEl(flow))
    : h('p', { class: 'notice warn' }, t('strangerAdvice')),
  h('div', { class: 'actions' },
    ev.verified ? h('button', { type: 'submit', id: 'confirm', class: 'primary', disabled: !canConfirm(flow) }, t('confirm')) : null,
    h('button', { type: 'button', id: 'refuse', class: 'secondary', disabled: !!flow.busy, onclick: refuseFlow }, t('refuse')),
    h('button', { type: 'button', class: 'link', onclick: () => { state.flow = null; go('home'); } }, t('back'))));
  return h('section', { 'aria-labelledby': 'request-title', class: 'request' },
    h('h1', { id: 'request-title', tabindex: '-1' }, t('requestTitle', purposeText(ev.purpose))),
    noticeEl(),
    requesterCard(ev, retentionText(ev.items)),
    form,
    devDetails(`// relying party (server)
const request = verifier.createRequest({ purpose: '${ev.purpose}', lawfulBasis: '${ev.lawfulBasis}', fields, ttlSeconds: 600 });
// phone: everything on this screen comes from
const ev = wallet.evaluate(request);  // verified, verifier, purpose, items[].forms[].preview, warnings`));
}

async function confirmFlow() {
  const flow = state.flow;
  if (!flow || !canConfirm(flow)) return;
  const a = analyse(flow);
  flow.busy = true;
  refreshSummary();
  try {
    const choices = a.chosen.map((i) => ({ licence: i.licence, field: i.field, form: flow.choices[i.field].form }));
    const separateConsent = a.chosen.filter((i) => i.sensitive).map((i) => i.field);
    const result = await state.wallet.respond(flow.request, { choices, separateConsent });
    let receiptInfo = null;
    try {
      receiptInfo = mpshield.consent.verifyReceipt(result.receipt, state.wallet.devicePublicJwk());
    } catch (e) {
      receiptInfo = { error: e.code || String(e) };
    }
    flow.result = { ...result, receiptInfo, chosen: choices };
    state.rp = { open: false };
    state.view = 'sent';
    state.notice = null;
    render({ focus: true });
  } catch (e) {
    flow.busy = false;
    state.notice = { kind: 'error', text: errorText(e) };
    render({ focus: true });
  }
}

async function refuseFlow() {
  const flow = state.flow;
  if (!flow || flow.busy) return;
  flow.busy = true;
  try {
    const { recordId } = await state.wallet.refuse(flow.request);
    flow.refused = { recordId };
    state.view = 'refused';
    state.notice = null;
  } catch (e) {
    flow.busy = false;
    state.notice = { kind: 'error', text: errorText(e) };
  }
  render({ focus: true });
}

function viewSent() {
  const flow = state.flow;
  const r = flow.result;
  const who = flow.ev.verifier.name;
  const info = r.receiptInfo;
  const text = mpshield.envelope.toText(r.envelope);
  const receiptBytes = r.receipt && r.receipt.length !== undefined ? r.receipt.length : null;
  return h('section', { 'aria-labelledby': 'sent-title', class: 'sent' },
    h('h1', { id: 'sent-title', tabindex: '-1' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('sentTitle')),
    h('p', { role: 'status' }, t('sentIntro', who)),
    h('dl', { class: 'facts' },
      h('dt', {}, t('envelopeSize')), h('dd', { id: 'envelope-size' }, t('bytes', r.envelope.length)),
      h('dt', {}, t('envelopeSeen')), h('dd', { class: 'mono small cipher', lang: 'en' }, text.slice(0, 64) + '…')),
    h('h2', {}, t('receiptTitle')),
    info && !info.error
      ? h('div', { class: 'receipt', id: 'receipt' },
        h('p', {}, h('span', { class: 'badge ok' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('receiptIndex', info.index))),
        h('p', {}, t('receiptVerified')),
        receiptBytes !== null ? h('p', { class: 'small' }, t('bytes', receiptBytes)) : null,
        h('p', { class: 'small' }, t('receiptCheckpoint')),
        h('pre', { class: 'checkpoint', lang: 'en' }, info.checkpoint.note.trimEnd()))
      : h('p', { class: 'problem' }, t('rpFailed', info ? info.error : '?')),
    h('div', { class: 'actions' },
      h('button', {
        type: 'button', id: 'open-rp', class: 'primary', 'aria-expanded': state.rp?.open ? 'true' : 'false', 'aria-controls': 'rp-panel',
        onclick: () => openPanel(),
      }, t('openPanel', who)),
      h('button', { type: 'button', class: 'secondary', onclick: () => go('history') }, t('toHistory')),
      h('button', { type: 'button', class: 'link', onclick: () => { state.flow = null; go('home'); } }, t('toHome'))),
    devDetails(`// phone: disclose only the chosen claims, record the consent (saved first), seal
const { envelope, receipt, recordId } = await wallet.respond(request, {
  choices: ${JSON.stringify(r.chosen)},
  separateConsent: [/* sensitive fields the citizen consented to separately */],
});
// relying party (server): open, verify issuer + key binding + receipt
const { claims, disclosed, consentRecord } = await verifier.open(envelope);`));
}

function viewRefused() {
  const who = state.flow.ev.verifier.name;
  return h('section', { 'aria-labelledby': 'refused-title' },
    h('h1', { id: 'refused-title', tabindex: '-1' }, t('refusedTitle')),
    h('p', { role: 'status' }, t('refusedIntro', who)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: () => go('history') }, t('toHistory')),
      h('button', { type: 'button', class: 'link', onclick: () => { state.flow = null; go('home'); } }, t('toHome'))),
    devDetails('const { recordId } = await wallet.refuse(request);  // recorded; nothing leaves the phone'));
}

// --- the relying party's panel ------------------------------------------------------------

async function openPanel() {
  const flow = state.flow;
  if (!flow || !flow.result) return;
  state.rp = state.rp || { open: false };
  state.rp.open = true;
  if (!state.rp.data && !state.rp.error) {
    try {
      // Exactly what the relying party's server does with what it received.
      state.rp.data = await state.verifiers[flow.id].open(flow.result.envelope);
    } catch (e) {
      state.rp.error = e;
    }
  }
  renderPanel();
  document.getElementById('open-rp')?.setAttribute('aria-expanded', 'true');
  document.getElementById('rp-panel').scrollTop = 0;
  document.getElementById('rp-title')?.focus({ preventScroll: true });
}

function closePanel(restoreFocus = true) {
  if (!state.rp || !state.rp.open) return;
  state.rp.open = false;
  renderPanel();
  const opener = document.getElementById('open-rp');
  if (opener) {
    opener.setAttribute('aria-expanded', 'false');
    if (restoreFocus) opener.focus();
  }
}

const narrow = () => window.matchMedia('(max-width: 959px)').matches;

function renderPanel() {
  const panel = document.getElementById('rp-panel');
  const open = !!(state.rp && state.rp.open && state.flow && state.flow.result && state.view === 'sent');
  panel.hidden = !open;
  document.body.classList.toggle('panel-open', open);
  for (const id of ['main', 'nav']) {
    const el = document.getElementById(id);
    if (open && narrow()) el.setAttribute('inert', '');
    else el.removeAttribute('inert');
  }
  if (!open) {
    panel.replaceChildren();
    return;
  }
  const flow = state.flow;
  const who = flow.ev.verifier.name;
  const { data, error } = state.rp;
  const type = flow.ev.items[0]?.licence;
  const head = h('div', { class: 'panel-head' },
    h('h2', { id: 'rp-title', tabindex: '-1' }, t('rpTitle', who)),
    h('button', { type: 'button', class: 'secondary close', onclick: () => closePanel() }, t('rpClose')));
  if (error) {
    panel.replaceChildren(head, h('p', { class: 'problem', role: 'alert' }, t('rpFailed', errorText(error))));
    return;
  }
  const claims = data.claims;
  const step = (text) => h('li', {}, h('span', { class: 'tick', 'aria-hidden': 'true' }, '✓'), ' ', text);
  const disclosedRows = data.disclosed.map((p) =>
    h('div', { class: 'claim', 'data-claim': p },
      h('dt', {}, claimLabel(type, p), ' ', h('code', { class: 'small', lang: 'en' }, p)),
      h('dd', { class: 'mono' }, renderValue(pointerGet(claims, p)))));
  const schema = schemaOf(type);
  const always = [];
  if (claims.vct) always.push([t('licenceType'), schema ? L(schema.labels) : claims.vct]);
  if (claims.iss) always.push([t('issuer'), claims.iss]);
  if (claims.iat) always.push([t('issuedAt'), formatTime(claims.iat)]);
  for (const f of schema ? schema.fields.filter((x) => !x.disclosable) : []) {
    if (claims[f.id] !== undefined) always.push([L(f.labels), renderValue(claims[f.id])]);
  }
  // Fields sent in full, and fields of which only a masked value or a check was sent.
  const tops = data.disclosed.map((p) => p.split('/')[1]);
  const full = new Set(tops);
  const partly = new Set(tops.filter((x) => x.endsWith('_masked')).map((x) => x.replace(/_masked$/, '')));
  for (const d of schema ? schema.derived : []) if (d.rule === d.id && full.has(d.id)) partly.add(d.from);
  const notSent = schema
    ? schema.fields.filter((f) => f.disclosable && !full.has(f.id))
      .map((f) => (partly.has(f.id) ? L(f.labels) + paren(isEn() ? 'full value' : '完整值') : L(f.labels)))
    : [];
  const rec = data.consentRecord || {};
  panel.replaceChildren(
    head,
    h('p', { class: 'small' }, t('rpIntro')),
    h('ol', { class: 'steps' }, step(t('rpStepOpen')), step(t('rpStepIssuer')), step(t('rpStepBinding')), step(t('rpStepReceipt'))),
    h('h3', {}, t('rpDisclosed')),
    h('dl', { class: 'claims', id: 'rp-claims' }, disclosedRows),
    h('h3', {}, t('rpAlways')),
    h('dl', { class: 'claims always' }, always.map(([k, v]) => h('div', { class: 'claim' }, h('dt', {}, k), h('dd', { class: 'mono' }, v)))),
    h('h3', {}, t('rpNotSent')),
    h('p', { id: 'rp-not-sent' }, notSent.join(isEn() ? ', ' : '、')),
    h('h3', {}, t('rpRecord')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('purpose')), h('dd', {}, (rec.purposes || []).map(purposeText).join(', ')),
      h('dt', {}, t('lawfulBasis')), h('dd', {}, L(LAWFUL_BASIS[rec.lawfulBasis]) || rec.lawfulBasis || '—'),
      h('dt', {}, t('fields')), h('dd', {}, (rec.fields || []).map((f) => fieldLabel(f.licence, f.field) + paren(`${formWord(f.form)}${isEn() ? ', ' : '，'}${t('days', f.retentionDays)}`)).join(isEn() ? '; ' : '；')),
      data.receipt ? [h('dt', {}, t('receiptTitle')), h('dd', {}, t('receiptIndex', data.receipt.index))] : null));
}

// --- history ------------------------------------------------------------------------------

const EVENT_KEY = { disclosed: 'evDisclosed', given: 'evGiven', refused: 'evRefused', withdrawn: 'evWithdrawn', requested: 'evRequested', expired: 'evExpired' };

function viewHistory() {
  const wallet = state.wallet;
  let entries = [];
  let historyError = null;
  try {
    entries = wallet.history({ locale: isEn() ? 'en' : 'zh-CN' });
  } catch (e) {
    historyError = e;
  }
  const withdrawnIds = new Set(entries.filter((e) => e.record.event === 'withdrawn' && e.record.refersTo).map((e) => e.record.refersTo));
  const byId = new Map(entries.map((e) => [e.record.recordId, e]));
  const items = [...entries].reverse().map((entry) => {
    const r = entry.record;
    const when = formatTime(r.time);
    const who = r.controller?.name ?? '—';
    const isWithdrawn = withdrawnIds.has(r.recordId);
    const canWithdraw = (r.event === 'disclosed' || r.event === 'given') && !isWithdrawn;
    const fields = (r.fields || []).map((f) => fieldLabel(f.licence, f.field) + paren(formWord(f.form))).join(isEn() ? '; ' : '；');
    const retention = (r.fields || []).length ? retentionText(r.fields) : '—';
    const target = r.refersTo ? byId.get(r.refersTo) : null;
    return h('li', { class: `entry ev-${r.event} ${isWithdrawn ? 'was-withdrawn' : ''}`, 'data-event': r.event, 'data-record': r.recordId },
      h('p', { class: 'entry-head' },
        h('span', { class: `badge ev ${r.event}` }, t(EVENT_KEY[r.event] || 'evRequested')),
        isWithdrawn ? h('span', { class: 'badge muted' }, t('stateWithdrawn')) : null,
        h('span', { class: 'small' }, `#${entry.index + 1}`)),
      h('p', { class: 'line' }, entry.line),
      h('dl', { class: 'facts compact' },
        h('dt', {}, t('time')), h('dd', {}, when),
        h('dt', {}, t('recipient')), h('dd', {}, who),
        r.event !== 'withdrawn' ? [h('dt', {}, t('fields')), h('dd', {}, fields || '—')] : null,
        r.event !== 'withdrawn' ? [h('dt', {}, t('retention')), h('dd', {}, retention)] : null,
        target ? [h('dt', {}, t('refersTo')), h('dd', {}, `#${target.index + 1}`)] : null),
      canWithdraw
        ? h('button', { type: 'button', class: 'secondary', 'aria-label': t('withdrawLabel', who, when), onclick: () => withdraw(r.recordId, who) }, t('withdraw'))
        : null);
  });
  let checkpoint = '';
  try {
    checkpoint = wallet.checkpoint();
  } catch (e) {
    checkpoint = errorText(e);
  }
  const integrity = state.integrity;
  return h('section', { 'aria-labelledby': 'history-title', class: 'history' },
    h('h1', { id: 'history-title', tabindex: '-1' }, t('historyTitle')),
    noticeEl(),
    h('p', { class: 'lead' }, t('historyIntro')),
    historyError ? h('p', { class: 'problem' }, errorText(historyError)) : null,
    entries.length ? h('ol', { class: 'entries', id: 'entries', reversed: true }, items) : h('p', {}, t('historyEmpty')),
    h('section', { class: 'integrity', 'aria-labelledby': 'cp-title' },
      h('h2', { id: 'cp-title' }, t('checkpointTitle')),
      h('p', { class: 'small' }, t('checkpointIntro')),
      h('pre', { class: 'checkpoint', id: 'checkpoint', lang: 'en' }, checkpoint.trimEnd()),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'verify', class: 'primary', onclick: verifyIntegrity }, t('verifyIntegrity')),
        h('button', { type: 'button', id: 'tamper', class: 'danger', onclick: tamper }, t('tamper')),
        state.tamper ? h('button', { type: 'button', id: 'untamper', class: 'secondary', onclick: undoTamper }, t('untamper')) : null),
      h('p', { id: 'integrity-result', class: `result ${integrity ? integrity.kind : ''}`, role: 'status', 'aria-live': 'polite' },
        integrity ? integrity.text : '')),
    devDetails(`wallet.history({ locale: 'zh-CN' });  // [{ index, record, line }]
wallet.checkpoint();                  // C2SP signed note: origin, size, root, signature
await wallet.verifyStorage();         // STORAGE_CORRUPT / ROLLBACK_DETECTED if altered
await wallet.withdraw(recordId);`));
}

async function withdraw(recordId, who) {
  try {
    await state.wallet.withdraw(recordId);
    state.tamper = null; // a save rewrites the stored log
    state.integrity = null;
    render();
    state.notice = null;
    announce(t('withdrawn', who));
    const status = document.getElementById('integrity-result');
    if (status) status.className = 'result';
    document.getElementById('history-title')?.focus();
    const note = h('p', { class: 'notice ok', id: 'withdraw-notice' }, t('withdrawn', who));
    document.getElementById('history-title')?.after(note);
  } catch (e) {
    state.notice = { kind: 'error', text: errorText(e) };
    render({ focus: true });
  }
}

function setIntegrity(kind, text) {
  state.integrity = { kind, text };
  const el = document.getElementById('integrity-result');
  if (el) {
    el.className = `result ${kind}`;
    el.textContent = text;
  }
}

async function verifyIntegrity() {
  setIntegrity('info', t('working'));
  try {
    await state.wallet.verifyStorage();
    setIntegrity('ok', t('integrityOk', state.wallet.history().length));
  } catch (e) {
    if (e && (e.code === 'STORAGE_CORRUPT' || e.code === 'ROLLBACK_DETECTED')) setIntegrity('bad', t('integrityBad', e.code));
    else setIntegrity('other', t('integrityOther', errorText(e)));
  }
}

function tamper() {
  const done = tamperWithStoredLog();
  const kind = 'info';
  state.integrity = { kind, text: done ? t('tampered', done.key.slice(WALLET_PREFIX.length), done.offset) : t('nothingToTamper') };
  render();
  document.getElementById('verify')?.focus();
}

function undoTamper() {
  untamper();
  state.integrity = { kind: 'info', text: t('untampered') };
  render();
  document.getElementById('verify')?.focus();
}

// --- wallet -------------------------------------------------------------------------------

function viewWallet() {
  const creds = state.wallet.credentials();
  const kid = (jwk) => (jwk && jwk.kid ? jwk.kid : '—');
  return h('section', { 'aria-labelledby': 'wallet-title' },
    h('h1', { id: 'wallet-title', tabindex: '-1' }, t('walletTitle')),
    h('p', { class: 'lead' }, t('walletIntro')),
    h('ul', { class: 'creds' }, creds.map((c) => {
      const schema = schemaOf(c.type);
      return h('li', { class: 'cred' },
        h('h2', {}, L(c.labels)),
        h('dl', { class: 'facts compact' },
          h('dt', {}, t('issuer')), h('dd', { class: 'mono small' }, c.iss),
          h('dt', {}, t('credIssued')), h('dd', {}, c.iat ? formatTime(c.iat) : '—'),
          c.exp ? [h('dt', {}, t('credExpires')), h('dd', {}, formatTime(c.exp))] : null,
          h('dt', {}, t('fields')), h('dd', {}, schema ? schema.fields.map((f) => L(f.labels)).join(isEn() ? ', ' : '、') : '—')));
    })),
    h('dl', { class: 'facts' },
      h('dt', {}, t('holderKey')), h('dd', { class: 'mono small' }, kid(state.wallet.holderPublicJwk())),
      h('dt', {}, t('deviceKey')), h('dd', { class: 'mono small' }, kid(state.wallet.devicePublicJwk()))));
}

// --- language -----------------------------------------------------------------------------

function applyLocale() {
  document.documentElement.lang = state.locale;
  document.title = isEn() ? 'mpshield demo: consent to share personal information' : 'mpshield 演示：个人信息授权';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-attr]')) {
    const [attr, key] = el.dataset.i18nAttr.split(':');
    el.setAttribute(attr, t(key));
  }
  const sw = document.getElementById('lang-switch');
  sw.textContent = t('langSwitch');
  sw.setAttribute('lang', isEn() ? 'zh-CN' : 'en');
  sw.setAttribute('aria-label', t('langSwitchLabel'));
  const suite = document.getElementById('suite-switch');
  suite.textContent = t(SUITE === 'gm' ? 'suiteGm' : 'suiteIntl');
  suite.setAttribute('aria-pressed', String(SUITE === 'gm'));
  suite.setAttribute('title', t('suiteSwitchLabel'));
  if (state.wallet) document.getElementById('version').textContent = versionText();
}

/** The footer's version line, with the suite the page runs. */
function versionText() {
  return `${t('version', mpshield.version())} · ${t(SUITE === 'gm' ? 'suiteGm' : 'suiteIntl')}`;
}

/** The other suite, on the next load: each suite keeps its own parties and wallet. */
function switchSuite() {
  try {
    setDemoSuite(SUITE === 'gm' ? 'intl' : 'gm');
  } catch {
    return; // no storage: the demo cannot remember the choice
  }
  window.location.reload();
}

function switchLanguage() {
  state.locale = isEn() ? 'zh-CN' : 'en';
  try {
    localStorage.setItem(LOCALE_KEY, state.locale);
  } catch {
    // storage may be unavailable; the switch still applies to this page
  }
  applyLocale();
  if (state.integrity && state.integrity.kind !== 'info') state.integrity = null;
  if (state.wallet) render();
  document.getElementById('lang-switch').focus();
}

// --- start --------------------------------------------------------------------------------

async function boot() {
  const saved = localStorage.getItem(LOCALE_KEY);
  if (LOCALES.includes(saved)) state.locale = saved;
  applyLocale();
  document.getElementById('lang-switch').addEventListener('click', switchLanguage);
  document.getElementById('suite-switch').addEventListener('click', switchSuite);
  document.body.dataset.suite = SUITE;
  document.getElementById('reset').addEventListener('click', () => {
    if (window.confirm(t('resetConfirm'))) {
      clearDemo();
      window.location.reload();
    }
  });
  for (const b of document.querySelectorAll('#nav button')) {
    b.addEventListener('click', () => {
      if (b.dataset.view === 'home') state.flow = null;
      go(b.dataset.view);
    });
  }
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.rp && state.rp.open) closePanel();
  });
  window.matchMedia('(max-width: 959px)').addEventListener('change', () => renderPanel());

  const bootEl = document.getElementById('boot');
  try {
    // The full module: this page also plays the issuer and the relying
    // parties, which the phone module (the bundle's default) leaves out.
    await mpshield.init({ wasmPath: '/pkg/mpshield_bg.wasm' });
    state.schemas = mpshield.licence.schemas();
    const parties = loadParties(mpshield, SUITE);
    state.verifiers = parties.verifiers;
    state.wallet = await mpshield.Wallet.open({
      suite: SUITE,
      storage: mpshield.storage.localStorage(prefixedLocalStorage(WALLET_PREFIX)),
      storageKey: parties.storageKey,
      // The hotel and the car-rental company are vetted; the third requester is not.
      trustedVerifiers: [parties.verifiers.hotel.publicJwk(), parties.verifiers.rental.publicJwk()],
      allowUnverified: true, // so that an unvetted request can be shown, with its warning
    });
    if (state.wallet.credentials().length === 0) {
      const n = await issueLicences(mpshield, parties.issuerKey, state.wallet);
      state.notice = { kind: 'ok', text: t('issued', n) };
    }
    parties.issuerKey.free();
    document.getElementById('version').textContent = versionText();
    bootEl.remove();
    document.body.dataset.ready = 'true';
    render();
  } catch (e) {
    bootEl.className = 'notice error';
    bootEl.textContent = t('bootFailed', errorText(e));
    if (e && (e.code === 'STORAGE_CORRUPT' || e.code === 'ROLLBACK_DETECTED')) {
      bootEl.append(' ', h('button', { type: 'button', class: 'link', onclick: () => { clearDemo(); window.location.reload(); } }, t('reset')));
    }
    document.body.dataset.ready = 'error';
  }
}

boot();
