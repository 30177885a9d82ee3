// "Consent log growth" for scripts/bench.mjs (issue 11, "Speed"):
// wallet.respond for the hotel check-in with about 10, 1,000 and 10,000
// records in the consent log, through the package exactly as integrators
// call it (Wallet.open over a storage adapter, wallet.respond), and what
// storage format 2 costs per record. Target: the 10,000-record respond
// within 1.2× the 10-record one.
//
// Each size has its own wallet over its own in-memory adapter that counts
// the bytes set and read. The logs grow through real wallet.respond calls
// and wallet.refuse calls (a fresh request each, every save committed
// through the adapter), so every record is a real record in the real, saved
// log. The
// timed responds then go round-robin over the three wallets, so a change in
// machine load during the run falls on every size alike; each gets a fresh
// request made outside the timed region. Wallet.open is timed on the same
// storages (free, then open again: it re-reads and verifies the log).
import { pathToFileURL } from 'node:url';
import path from 'node:path';

export const SIZES = [10, 1000, 10000];
/** Target ratio of the largest size's respond to the smallest's. */
export const TARGET_RATIO = 1.2;

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const nowNs = () => process.hrtime.bigint();
const msSince = (t) => Number(nowNs() - t) / 1e6;
const int = (x) => Math.round(x).toLocaleString('en-US');

/** storage.memory() with counters: bytes and calls of set and get. */
function countingStorage(m) {
  const inner = m.storage.memory();
  const c = { set: 0, setBytes: 0, commitBytes: 0, get: 0, getBytes: 0 };
  return {
    inner,
    c,
    reset() {
      c.set = c.setBytes = c.commitBytes = c.get = c.getBytes = 0;
    },
    adapter: {
      get(k) {
        const v = inner.get(k);
        c.get += 1;
        if (v !== undefined) c.getBytes += v.length;
        return v;
      },
      set(k, v) {
        c.set += 1;
        c.setBytes += v.length;
        // docs/FORMAT.md, "Wallet storage (format 2)": commit/<generation>.
        if (k.indexOf('/commit/') >= 0) c.commitBytes += v.length;
        return inner.set(k, v);
      },
      remove: (k) => inner.remove(k),
    },
  };
}

/**
 * Runs the section in package `m` (already initialised). Returns
 * `{ md, summary, figures }`: the markdown section, one-line summaries,
 * and the numbers.
 */
export async function logGrowth(m, root, opts = {}) {
  const runs = opts.runs || Number(process.env.BENCH_LOG_RUNS || 21);
  const warmup = opts.warmup || 3;
  const opens = opts.opens || 5;
  const sizes = opts.sizes || SIZES;
  const progress = opts.progress || (() => {});
  const flow = await import(pathToFileURL(path.join(root, 'tests/js/helpers/flow-scenario.mjs')).href);
  const choices = { choices: flow.HOTEL_CHOICES, separateConsent: true };
  const started = nowNs();

  // One world per size (issuer, hotel, a wallet holding an ID card and a
  // driving licence), each wallet over its own counting adapter.
  const w = [];
  for (const n of sizes) {
    const store = countingStorage(m);
    const s = await flow.world(m, m, store.adapter);
    const request = () => s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: flow.HOTEL_FIELDS });
    const rentalRequest = () => s.rental.v.createRequest({ purpose: '租车资格核验', lawfulBasis: 'contract', fields: flow.RENTAL_FIELDS });
    const reopenOptions = { storage: store.adapter, storageKey: s.storageKey, trustedVerifiers: [s.hotel.v.publicJwk(), s.rental.v.publicJwk()], timeoutMs: 200 };
    w.push({ n, s, store, wallet: s.wallet, request, rentalRequest, reopenOptions, records: 0, ms: [], written: [], commit: [], read: [], sets: [], openMs: [] });
  }

  // A citizen's mix of records: hotel check-ins, car rentals, refusals.
  const rentalChoices = { choices: flow.RENTAL_CHOICES };
  const grow = (x, i) => {
    const k = i % 10;
    if (k < 7) return x.wallet.respond(x.request(), choices);
    if (k < 9) return x.wallet.respond(x.rentalRequest(), rentalChoices);
    return x.wallet.refuse(x.request());
  };

  // Grow each log to n − warmup records with real responds; the warm-up
  // responds bring it to n, so the timed runs see n … n + runs − 1.
  for (const x of w) {
    const t = nowNs();
    const target = x.n - warmup;
    x.store.reset();
    while (x.records < target) {
      await grow(x, x.records);
      x.records += 1;
      if (x.records % 2000 === 0) progress(`log growth: ${x.records} records (${(msSince(t) / 1000).toFixed(1)} s)`);
    }
    x.growMs = msSince(t);
    x.grownWritten = x.store.c.setBytes / x.records;
    progress(`log growth: wallet at ${x.records} records in ${(x.growMs / 1000).toFixed(1)} s`);
  }

  // Wallet.open at each size: free the wallet, open the same storage again.
  for (let i = 0; i < opens; i++) {
    for (const x of w) {
      x.wallet.free();
      const t = nowNs();
      x.wallet = await m.Wallet.open(x.reopenOptions);
      x.openMs.push(msSince(t));
    }
  }
  for (const x of w) {
    const got = x.wallet.history().length;
    if (got !== x.records) throw new Error(`log growth: the reopened wallet holds ${got} records, not ${x.records}`);
  }

  // Warm-up, then the timed responds, round-robin over the sizes (the order
  // rotates each round).
  for (let i = 0; i < warmup; i++) {
    for (const x of w) {
      await x.wallet.respond(x.request(), choices);
      x.records += 1;
    }
  }
  let last = [];
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < w.length; k++) {
      const x = w[(k + r) % w.length];
      const req = x.request();
      x.store.reset();
      const t = nowNs();
      const out = await x.wallet.respond(req, choices);
      x.ms.push(msSince(t));
      x.written.push(x.store.c.setBytes);
      x.commit.push(x.store.c.commitBytes);
      x.read.push(x.store.c.getBytes);
      x.sets.push(x.store.c.set);
      x.records += 1;
      last[(k + r) % w.length] = out;
    }
  }

  // The last answer at each size is a real one: the hotel opens it, and its
  // receipt sits at the end of the log.
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    const got = await x.s.hotel.v.open(last[i].envelope);
    if (got.receipt.index !== x.records - 1) throw new Error(`log growth: receipt index ${got.receipt.index}, log holds ${x.records}`);
    let valueBytes = 0;
    const entries = x.store.inner.entries();
    for (const [, v] of entries) valueBytes += v.length;
    x.storedBytes = x.store.inner.bytesUsed(); // keys + values, as quotas count them
    x.valueBytes = valueBytes;
    x.keys = entries.length;
    x.wallet.free();
  }
  const totalSecs = msSince(started) / 1000;

  const fig = w.map((x) => ({
    records: x.n,
    respondMs: median(x.ms),
    respondMsMin: Math.min(...x.ms),
    respondMsMax: Math.max(...x.ms),
    writtenMedian: median(x.written),
    writtenMean: mean(x.written),
    commitMedian: median(x.commit),
    grownWritten: x.grownWritten,
    readMedian: median(x.read),
    setsMedian: median(x.sets),
    openMs: median(x.openMs),
    recordsAtEnd: x.records,
    storedBytes: x.storedBytes,
    valueBytes: x.valueBytes,
    keys: x.keys,
    bytesPerRecord: x.storedBytes / x.records,
    growMs: x.growMs,
  }));
  const small = fig[0];
  const large = fig[fig.length - 1];
  const ratio = large.respondMs / small.respondMs;
  const meets = ratio <= TARGET_RATIO;
  const marginal = (large.storedBytes - fig[1].storedBytes) / (large.recordsAtEnd - fig[1].recordsAtEnd);

  let md = '## Consent log growth\n\n';
  md += `Target (issue 11): \`wallet.respond\` with 10,000 records in the consent log within ${TARGET_RATIO}× the 10-record time. `;
  md += 'Node, release module, through the package as integrators call it: `Wallet.open` over a storage adapter (`storage.memory()` wrapped to count bytes), then `wallet.respond` for the hotel check-in with a fresh request each time. ';
  md += `Each log is grown by real \`respond\` and \`refuse\` calls, every one saved; the timed responds run round-robin over the three wallets, ${runs} per size after ${warmup} warm-up, so a log of "n" holds n to n + ${runs - 1} records while it is timed. `;
  md += `Wallet.open: median of ${opens} (free, then open the same storage again; it re-reads and verifies the stored log).\n\n`;
  md += '| records in the log | wallet.respond (ms, median) | min – max (ms) | bytes written per respond (median / mean) | of which the commit | bytes written per record while growing | set calls per respond | bytes read per respond (median) | Wallet.open (ms, median) | stored bytes (keys + values) | stored keys | stored bytes per record |\n';
  md += '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n';
  for (const f of fig) {
    md += `| ${int(f.records)} | ${f.respondMs.toFixed(2)} | ${f.respondMsMin.toFixed(2)} – ${f.respondMsMax.toFixed(2)} | ${int(f.writtenMedian)} / ${int(f.writtenMean)} | ${int(f.commitMedian)} | ${int(f.grownWritten)} | ${f.setsMedian} | ${int(f.readMedian)} | ${f.openMs.toFixed(1)} | ${int(f.storedBytes)} | ${int(f.keys)} | ${int(f.bytesPerRecord)} |\n`;
  }
  md += `\nRatio ${int(large.records)} : ${int(small.records)} records: **${ratio.toFixed(2)}×** — ${meets ? 'meets' : 'misses'} the ${TARGET_RATIO}× target. `;
  md += `Stored bytes per record include the fixed cost (wallet state, credentials, keys, commit); between ${int(fig[1].records)} and ${int(large.records)} records each added record costs ${int(marginal)} bytes of storage. `;
  md += 'Bytes written per respond: the new data segment (with the newest segments merged into it), the commit and a head slot; the commit names every data segment, so it grows with the log (about one segment per 64 KiB of raw records); "while growing" is every byte set while the log was grown, per record (segment merges included). '
  md += 'The logs are grown with a mix of records, 7 in 10 hotel check-ins (three fields, separate consent), 2 in 10 car rentals, 1 in 10 refusals, from the same two relying parties, so they compress well; a log of many different relying parties stores more per record. ';
  md += `Growing the logs took ${(fig.reduce((a, f) => a + f.growMs, 0) / 1000).toFixed(1)} s, the whole section ${totalSecs.toFixed(1)} s. `;
  md += 'Only Node is measured here; the same rows in the interpreter (JavaScriptCore without a JIT) are in "iPhone-class (JavaScriptCore, no JIT)".\n\n';

  const summary = [
    `log growth: respond ${fig.map((f) => `${f.respondMs.toFixed(2)} ms at ${int(f.records)}`).join(', ')}; ratio ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}: ${meets ? 'meets' : 'misses'}); ` +
      `written per respond ${fig.map((f) => int(f.writtenMedian)).join(' / ')} B; stored per record ${fig.map((f) => int(f.bytesPerRecord)).join(' / ')} B; open ${fig.map((f) => f.openMs.toFixed(1)).join(' / ')} ms`,
  ];
  return { md, summary, figures: { sizes: fig, ratio, meets, marginal, totalSecs } };
}
