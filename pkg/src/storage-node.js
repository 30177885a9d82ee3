// Node only: the storage namespace plus storage.file(dir), which keeps each
// key in its own file under `dir` (the key percent-encoded as the file name)
// and writes through a temporary file and a rename, so a crash never leaves a
// half-written value. Imported by the Node entries alone, so node:fs never
// reaches the browser or mini-program bundles.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from './errors.js';
import { LIMITS, bytes, string } from './args.js';
import { fn, namespace } from './runtime.js';
import { storage as common } from './storage.js';

let tmpCounter = 0;

function fileName(key) {
  return encodeURIComponent(string(key, 'key')).replace(/\./g, '%2E');
}

export const storage = namespace(
  Object.assign({}, common, {
    /** Files under `dir` (created on the first write). */
    file: fn(function file(dir) {
      if (typeof dir !== 'string' || dir.length === 0) {
        throw fail('INVALID_INPUT', 'invalid input: storage.file(dir) needs a directory path (a non-empty string)');
      }
      return Object.freeze({
        get: async function (key) {
          try {
            return new Uint8Array(await readFile(join(dir, fileName(key))));
          } catch (e) {
            if (e && e.code === 'ENOENT') return undefined;
            throw e;
          }
        },
        set: async function (key, value) {
          const data = bytes(value, 'bytes', LIMITS.storedValue).slice();
          const target = join(dir, fileName(key));
          const tmp = target + '.tmp-' + process.pid + '-' + tmpCounter++;
          await mkdir(dir, { recursive: true });
          await writeFile(tmp, data);
          await rename(tmp, target);
        },
        remove: async function (key) {
          await rm(join(dir, fileName(key)), { force: true });
        },
      });
    }),
  }),
);
