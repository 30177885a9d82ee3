// The demo page's static server (`make demo`, and the page's browser test):
// Node built-ins only, bound to 127.0.0.1. It serves www/ at / and the built
// package, pkg/dist, at /pkg/ — so the page imports /pkg/browser.mjs, which
// fetches /pkg/mpshield_compact_bg.wasm next to itself. Nothing else is reachable:
// no directory listings, no paths outside those two folders.
//
//   node scripts/serve.mjs            # http://127.0.0.1:8080
//   MPSHIELD_DEMO_PORT=0 node scripts/serve.mjs   # any free port
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

const MOUNTS = [
  { prefix: '/pkg/', dir: path.join(root, 'pkg/dist') },
  { prefix: '/', dir: path.join(root, 'www') },
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.md': 'text/plain; charset=utf-8',
};

// The page loads only from this server; 'wasm-unsafe-eval' lets it compile
// the module. The same policy is in www/index.html as a meta tag.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The file a URL path names, or null if it is outside the mounts. */
function resolve(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  for (const { prefix, dir } of MOUNTS) {
    if (!decoded.startsWith(prefix)) continue;
    let rel = decoded.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(dir, rel);
    return file.startsWith(dir + path.sep) ? file : null;
  }
  return null;
}

function reply(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': CSP });
  res.end(text);
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'method not allowed\n');
  const url = new URL(req.url, `http://${HOST}`);
  const file = resolve(url.pathname);
  if (!file) return reply(res, 404, 'not found\n');
  let info;
  try {
    info = await stat(file);
  } catch {
    return reply(res, 404, 'not found\n');
  }
  if (!info.isFile()) return reply(res, 404, 'not found\n');
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': CSP,
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

/**
 * Starts the server on 127.0.0.1; resolves to `{ server, url }` once it
 * listens. `port` 0 picks a free one.
 */
export function startServer({ port = DEFAULT_PORT } = {}) {
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolvePromise({ server, url: `http://${HOST}:${server.address().port}/` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const raw = process.env.MPSHIELD_DEMO_PORT;
  const port = raw === undefined || raw === '' ? DEFAULT_PORT : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: MPSHIELD_DEMO_PORT must be a port number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  try {
    const { url } = await startServer({ port });
    console.log(`\n\x1b[1mThe consent-screen demo page: ${url}\x1b[0m  (serving www/ and pkg/dist; Ctrl+C stops it)`);
  } catch (e) {
    console.error(`serve: cannot listen on ${HOST}:${port}: ${e.message}`);
    process.exit(1);
  }
}
