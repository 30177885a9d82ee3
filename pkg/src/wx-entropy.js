// Entropy from WeChat's wx.getRandomValues (base library ≥ 2.15.0; Douyin's
// tt.getRandomValues, read the same way): an
// asynchronous API, at most 1,048,576 bytes per call, that hands back
// `{ randomValues: ArrayBuffer }` through a `success` callback or — when
// called without callbacks — a Promise. Both styles are accepted; whichever
// answers first wins. Absent in plug-ins: callers then pass init({ entropy }).

/** Longest wait for wx.getRandomValues before giving up (ms). */
export const WX_TIMEOUT_MS = 10000;

/** The host's `wx` object (WeChat) or `tt` object (Douyin), if any. */
export function hostWx() {
  return typeof wx !== 'undefined' && wx ? wx : typeof tt !== 'undefined' && tt ? tt : undefined;
}

function errText(res, fallback) {
  try {
    if (res && typeof res.errMsg === 'string') return res.errMsg;
    if (res && typeof res.message === 'string') return res.message;
  } catch (e) {
    // ignore
  }
  return fallback;
}

function extract(res, length) {
  let buf;
  try {
    buf = res && res.randomValues;
  } catch (e) {
    return null;
  }
  let view = null;
  try {
    if (ArrayBuffer.isView(buf)) view = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    else if (buf) view = new Uint8Array(buf);
  } catch (e) {
    view = null;
  }
  if (!view || view.length !== length) return null;
  return view.slice();
}

/**
 * `length` bytes from wx.getRandomValues.
 * @returns {Promise<{ bytes: Uint8Array | null, reason?: string }>} never rejects
 */
export function wxRandomValues(length) {
  const w = hostWx();
  if (!w || typeof w.getRandomValues !== 'function') {
    return Promise.resolve({ bytes: null, reason: 'wx.getRandomValues is not available (base library < 2.15.0, or a plug-in)' });
  }
  return new Promise((resolve) => {
    let done = false;
    let timer = null;
    const finish = (result) => {
      if (done) return;
      done = true;
      if (timer !== null) clearTimeout(timer);
      resolve(result);
    };
    const ok = (res) => {
      const bytes = extract(res, length);
      finish(bytes ? { bytes } : { bytes: null, reason: 'wx.getRandomValues returned no ArrayBuffer of ' + length + ' bytes' });
    };
    const bad = (res) => finish({ bytes: null, reason: 'wx.getRandomValues failed: ' + errText(res, 'unknown error') });
    if (typeof setTimeout === 'function') {
      timer = setTimeout(() => finish({ bytes: null, reason: 'wx.getRandomValues did not answer' }), WX_TIMEOUT_MS);
    }
    let ret;
    try {
      ret = w.getRandomValues({ length, success: ok, fail: bad });
    } catch (e) {
      bad(e);
      return;
    }
    if (ret && typeof ret.then === 'function') ret.then(ok, bad);
  });
}

/**
 * A small pool of host entropy so that calls which consume randomness can
 * take a fresh 32 bytes synchronously; refilled asynchronously when low.
 */
export function createPool(size) {
  let pool = new Uint8Array(0);
  let refilling = false;
  const put = (bytes) => {
    const next = new Uint8Array(Math.min(size, pool.length + bytes.length));
    next.set(pool.subarray(0, next.length));
    if (next.length > pool.length) next.set(bytes.subarray(0, next.length - pool.length), pool.length);
    pool.fill(0);
    pool = next;
  };
  const refill = () => {
    if (refilling || pool.length >= size) return;
    refilling = true;
    wxRandomValues(size).then((r) => {
      refilling = false;
      if (r.bytes) {
        put(r.bytes);
        r.bytes.fill(0);
      }
    });
  };
  const take = (n) => {
    if (pool.length < n) {
      refill();
      return null;
    }
    const out = pool.slice(0, n);
    pool.fill(0, 0, n);
    pool = pool.subarray(n);
    if (pool.length < 2 * n) refill();
    return out;
  };
  return { put, take, refill, get size() { return pool.length; } };
}
