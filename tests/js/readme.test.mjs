// Every JavaScript block of README.md, README.zh-CN.md and pkg/README.md
// runs as written.
// A block is complete on its own unless its first line says it continues
// the one above ("// (continues the block above)", "// （接上一段代码）"),
// and then runs after it. Blocks that are mini-program code (App(), wx.)
// run in the emulated WeChat runtime (both profiles) over a code package
// laid out by "Build npm"; framework files (`// src/app.js`, `// config/…`,
// `// vite.config.js`, `<!-- src/App.vue -->`) must parse, and every
// mpshield path they quote must be the one tests/frameworks builds with;
// everything else runs in Node against the package by name — ESM blocks
// also as CommonJS (the `import` turned into `require`, the body into an
// async function) and CommonJS blocks also as ESM. A line's
// "// prints: …" ("// 输出：…") is the exact line the block must print, in
// order: documented output is checked output.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as acorn from 'acorn';
import { linkPackage, root } from './helpers/link.mjs';
import { makePackageRoot } from '../miniprogram/emulator.mjs';
import { createAppHost } from '../frameworks/app-host.mjs';

const CONTINUES = /^\/\/ (\(continues the block above\)|（接上一段代码）)/;
const FRAMEWORK_FILE = /^(\/\/|<!--) (src\/|config\/|vite\.config)/;
const PRINTS = /\/\/ (?:prints: |输出：)(.*)$/;

/** The fenced blocks of a Markdown file: { lang, source, line }. */
export function blocks(markdown) {
  const out = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w+)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^\\s{${indent}}\`\`\`\\s*$`).test(lines[j]); j++) body.push(lines[j].slice(indent));
    out.push({ lang: open[2], source: body.join('\n') + '\n', line: i + 1 });
    i = j;
  }
  return out;
}

/** The runnable units of a README: continuation chains joined, each with its kind and expected output. */
function units(file) {
  const all = blocks(readFileSync(path.join(root, file), 'utf8')).filter((b) => b.lang === 'js' || b.lang === 'vue');
  const out = [];
  for (const b of all) {
    const first = b.source.split('\n')[0];
    const where = `${file}:${b.line}`;
    if (FRAMEWORK_FILE.test(first)) {
      out.push({ kind: 'framework', where, source: b.source, lang: b.lang });
      continue;
    }
    assert.equal(b.lang, 'js', `${where}: a ${b.lang} block that is not a framework file`);
    let source = b.source;
    if (CONTINUES.test(first)) {
      const previous = out[out.length - 1];
      assert.ok(previous && previous.kind !== 'framework', `${where}: continues nothing runnable`);
      out.pop();
      source = previous.source + source;
    }
    const kind = /\bApp\(|\bwx\./.test(source) ? 'miniprogram' : /^import /m.test(source) ? 'esm' : 'cjs';
    const prints = source.split('\n').map((l) => PRINTS.exec(l)).filter(Boolean).map((m) => m[1]);
    out.push({ kind, where, source, prints });
  }
  return out;
}

const link = linkPackage();
test.after(link.cleanup);

function node(name, source) {
  const file = path.join(link.dir, name);
  writeFileSync(file, source);
  return execFileSync(process.execPath, [file], { cwd: link.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    .split('\n')
    .filter((l) => l.length > 0);
}

const IMPORT = /^import \* as mpshield from 'mpshield';.*$/m;
const REQUIRE = /^const mpshield = require\('mpshield'\);.*$/m;

function asCommonJs(source, where) {
  const body = source.replace(IMPORT, "const mpshield = require('mpshield');");
  assert.doesNotMatch(body, /^import /m, `${where}: an import other than mpshield's`);
  return `(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exit(1); });\n`;
}

function asEsm(source, where) {
  assert.match(source, REQUIRE, `${where}: requires mpshield`);
  return source.replace(REQUIRE, "import * as mpshield from 'mpshield';");
}

/** The fixtures' own files: what the framework blocks must agree with. */
const fixtures = ['taro/config/index.js', 'taro/src/app.js', 'uniapp/vite.config.js', 'uniapp/src/App.vue']
  .map((f) => readFileSync(path.join(root, 'tests/frameworks', f), 'utf8'))
  .join('\n');

/** The README's KDF Worker set-up ("Long calls on iPhones"), copied into a code package. */
function copyKdfWorker(dir) {
  const from = path.join(root, 'pkg/dist/miniprogram-worker');
  mkdirSync(path.join(dir, 'workers/mpshield-kdf'), { recursive: true });
  mkdirSync(path.join(dir, 'mpshield-kdf'), { recursive: true });
  copyFileSync(path.join(from, 'index.js'), path.join(dir, 'workers/mpshield-kdf/index.js'));
  for (const f of ['client.js', 'mpshield_kdf.wasm.br']) copyFileSync(path.join(from, f), path.join(dir, 'mpshield-kdf', f));
  writeFileSync(path.join(dir, 'app.json'), JSON.stringify({ pages: ['pages/index/index'], workers: 'workers' }));
}

async function runMiniProgram(u, profile) {
  const pkg = makePackageRoot(['', 'pkgA']);
  copyKdfWorker(pkg.root);
  try {
    const host = createAppHost({ profile, root: pkg.root });
    const printed = [];
    const modals = [];
    host.context.console.log = (...a) => printed.push(a.map(String).join(' '));
    host.wx.showModal = (o) => modals.push(o && o.content);
    host.run(u.source, 'readme-block.js');
    const app = host.registered.app;
    if (app && typeof app.onLaunch === 'function') await app.onLaunch.call(app, {});
    for (let i = 0; i < 500 && printed.length < u.prints.length; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(printed, u.prints, `${u.where} (${profile}): what it prints`);
    if (!/console\.(warn|error)/.test(u.source)) assert.deepEqual(host.log.warnings, [], `${u.where} (${profile}): no console errors`);
    return { modals, instantiated: host.log.instantiate };
  } finally {
    pkg.cleanup();
  }
}

for (const file of ['README.md', 'README.zh-CN.md', 'pkg/README.md']) {
  test(`${file}: every JavaScript block runs as written`, async () => {
    const list = units(file);
    assert.ok(list.length >= 1, `${file}: found ${list.length} blocks`);
    if (file !== 'pkg/README.md') {
      assert.ok(list.length >= 6, `${file}: found ${list.length} blocks`);
      const kinds = new Set(list.map((u) => u.kind));
      for (const k of ['esm', 'cjs', 'miniprogram', 'framework']) assert.ok(kinds.has(k), `${file}: has ${k} blocks`);
    }
    let n = 0;
    for (const u of list) {
      n++;
      if (u.kind === 'framework') {
        const code = u.lang === 'vue' ? /<script>([\s\S]*?)<\/script>/.exec(u.source)[1] : u.source;
        acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
        for (const [, quoted] of code.matchAll(/'([^'\n]*mpshield[^'\n]*)'/g)) {
          assert.ok(fixtures.includes(`'${quoted}'`), `${u.where}: '${quoted}' is what tests/frameworks builds with`);
        }
      } else if (u.kind === 'miniprogram') {
        for (const profile of ['ios', 'android']) await runMiniProgram(u, profile);
      } else if (u.kind === 'esm') {
        assert.deepEqual(node(`b${n}.mjs`, u.source), u.prints, `${u.where}: ESM output`);
        assert.deepEqual(node(`b${n}.cjs`, asCommonJs(u.source, u.where)), u.prints, `${u.where}: as CommonJS`);
      } else {
        assert.deepEqual(node(`b${n}.cjs`, u.source), u.prints, `${u.where}: CommonJS output`);
        assert.deepEqual(node(`b${n}.mjs`, asEsm(u.source, u.where)), u.prints, `${u.where}: as ESM`);
      }
    }
  });
}

test('the block runner itself: a wrong documented output and a broken block fail', async () => {
  assert.throws(() => assert.deepEqual(node('self1.mjs', "console.log('a');\n"), ['b']));
  assert.throws(() => node('self2.mjs', "import * as mpshield from 'mpshield';\nmpshield.idcard.parse('x');\n"));
  const md = '# t\n\n   ```js\n   // (continues the block above)\n   x();\n   ```\n';
  assert.deepEqual(blocks(md), [{ lang: 'js', source: '// (continues the block above)\nx();\n', line: 3 }]);
});
