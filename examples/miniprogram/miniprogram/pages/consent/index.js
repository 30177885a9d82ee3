// The consent page: unlock the wallet with a PIN, see the hotel's check-in
// request, choose what to give in which form, agree or refuse, see the
// receipt and the history. The logic is in lib/consent-flow.js; this file
// moves its results into the page's data. Handlers return their Promise
// (WeChat ignores it; tests await it).
const mpshield = require('mpshield');
const flow = require('../../lib/consent-flow.js');

Page({
  data: {
    // 'loading' | 'pin' | 'request' | 'responded' | 'refused' | 'failed'
    phase: 'loading',
    pinIsNew: false,
    busy: false,
    error: '',
    notice: '',
    credentials: [],
    request: null,
    result: null,
    history: [],
  },

  // Not in `data` (never rendered): the PIN as typed and the open session.
  pin: '',
  session: null,

  async onLoad() {
    try {
      await getApp().ready;
    } catch (e) {
      this.setData({ phase: 'failed', error: flow.errorMessage(e) });
      return;
    }
    this.setData({ phase: 'pin', pinIsNew: !flow.hasWallet(wx) });
  },

  onUnload() {
    flow.closeSession(this.session);
    this.session = null;
  },

  onPinInput(e) {
    this.pin = e.detail.value;
  },

  async onUnlock() {
    if (this.data.busy) return;
    this.setData({ busy: true, error: '' });
    try {
      this.session = await flow.openSession(mpshield, wx, this.pin);
    } catch (e) {
      this.setData({ busy: false, error: flow.errorMessage(e) });
      return;
    } finally {
      this.pin = '';
    }
    this.setData({
      busy: false,
      notice: this.session.issued ? '测试签发方已向钱包签发一张合成身份证（仅供演示）。' : '',
      credentials: flow.credentialsView(this.session.wallet),
    });
    this.showNextRequest();
  },

  /** Gets the hotel's (next) request and shows it. */
  showNextRequest() {
    try {
      const ev = flow.nextRequest(this.session);
      this.setData({
        phase: 'request',
        error: '',
        request: flow.requestView(ev, mpshield.licence.schemas()),
        result: null,
        history: flow.historyView(this.session.wallet),
      });
    } catch (e) {
      this.setData({ phase: 'failed', error: flow.errorMessage(e) });
    }
  },

  /** A radio-group per field: data-index is the item, the value its form ('' = not provided). */
  onPickForm(e) {
    const i = Number(e.currentTarget.dataset.index);
    this.setData({ ['request.items[' + i + '].chosen']: e.detail.value, error: '' });
  },

  /** The separate-consent switch under a sensitive field. */
  onSeparateConsent(e) {
    const i = Number(e.currentTarget.dataset.index);
    this.setData({ ['request.items[' + i + '].separateConsent']: e.detail.value === true, error: '' });
  },

  async onAgree() {
    if (this.data.busy || !this.session || !this.session.request) return;
    this.setData({ busy: true, error: '' });
    try {
      const result = await flow.respond(mpshield, this.session, this.data.request);
      this.setData({ busy: false, phase: 'responded', result: result, history: flow.historyView(this.session.wallet) });
    } catch (e) {
      // SEPARATE_CONSENT_REQUIRED and the like: nothing was sent, the citizen can change the choice.
      this.setData({ busy: false, error: flow.errorMessage(e, this.data.request) });
    }
  },

  async onRefuse() {
    if (this.data.busy || !this.session || !this.session.request) return;
    this.setData({ busy: true, error: '' });
    try {
      await flow.refuse(this.session);
      this.setData({ busy: false, phase: 'refused', history: flow.historyView(this.session.wallet) });
    } catch (e) {
      this.setData({ busy: false, error: flow.errorMessage(e) });
    }
  },

  onNextRequest() {
    this.showNextRequest();
  },
});
