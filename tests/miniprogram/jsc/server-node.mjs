// node:fs, node:fs/promises, node:path, node:url and node:crypto as far as
// the package's Node build uses them, for the server realm in jsc
// (server.mjs). Files are read with the shell's readFile; storage.file()
// is not available there (nothing here writes files).
/* global readFile */

const noFiles = () => Promise.reject(new Error('jsc server realm: storage.file() is not available'));
export const mkdir = noFiles;
export const rename = noFiles;
export const rm = noFiles;
export const writeFile = noFiles;
export { noFiles as readFile };

export function readFileSync(file) {
  return readFile(String(file), 'binary');
}

export const join = (...parts) => parts.join('/').replace(/\/+/g, '/');

export function fileURLToPath(u) {
  const s = typeof u === 'string' ? u : u.href;
  if (s.indexOf('file://') !== 0) throw new TypeError('not a file URL: ' + s);
  return decodeURIComponent(s.slice(7));
}

// Host entropy: bytes Node's crypto.randomBytes wrote to a file before jsc
// started (profile.mjs), each served once; running out is an error.
let pool = null;
let used = 0;
export const webcrypto = {
  getRandomValues(view) {
    if (pool === null) pool = readFile(globalThis.__rpHost.entropyFile, 'binary');
    const out = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    if (used + out.length > pool.length) throw new Error('jsc server realm: out of host entropy (' + pool.length + ' bytes)');
    out.set(pool.subarray(used, used + out.length));
    pool.fill(0, used, used + out.length);
    used += out.length;
    return view;
  },
};
