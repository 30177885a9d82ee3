// Every file shipped to mini-programs (pkg/dist/miniprogram/*.js, and the
// example mini-program's own .js files in examples/miniprogram) must parse
// as ES2017 — the mini-program parser is reported to reject `?.` and `??` —
// and must not use what WeChat lacks: import.meta, eval / new Function, or
// free references to web globals (TextEncoder, fetch, WebAssembly, …). The
// checker is tested on known-bad code first, so that it can fail.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as acorn from 'acorn';
import { MISSING_GLOBALS, mpDist, repoRoot } from './emulator.mjs';

/** Problems found in `source` (empty if it is fine for WeChat). */
export function checkMiniProgramSource(source) {
  let ast;
  try {
    ast = acorn.parse(source, { ecmaVersion: 2017, sourceType: 'script', locations: true });
  } catch (e) {
    return [`not ES2017: ${e.message}`];
  }
  const problems = [];
  const declared = new Set();
  const refs = [];
  const walk = (node, parent, key) => {
    if (!node || typeof node.type !== 'string') return;
    const at = `line ${node.loc.start.line}`;
    switch (node.type) {
      case 'MetaProperty':
        problems.push(`${at}: ${node.meta.name}.${node.property.name}`);
        break;
      case 'CallExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'eval') problems.push(`${at}: eval()`);
        if (node.callee.type === 'Identifier' && node.callee.name === 'Function') problems.push(`${at}: Function()`);
        break;
      case 'NewExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'Function') problems.push(`${at}: new Function`);
        break;
      case 'VariableDeclarator':
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
      case 'FunctionExpression':
      case 'ClassExpression':
        if (node.id && node.id.type === 'Identifier') declared.add(node.id.name);
        break;
      case 'Identifier': {
        const isPropertyName =
          (parent.type === 'MemberExpression' && key === 'property' && !parent.computed) ||
          (parent.type === 'Property' && key === 'key' && !parent.computed) ||
          (parent.type === 'MethodDefinition' && key === 'key' && !parent.computed);
        if (!isPropertyName) refs.push([node.name, at]);
        break;
      }
      default:
        break;
    }
    for (const k of Object.keys(node)) {
      if (k === 'loc') continue;
      const v = node[k];
      if (Array.isArray(v)) v.forEach((c) => walk(c, node, k));
      else if (v && typeof v.type === 'string') walk(v, node, k);
    }
  };
  walk(ast, { type: 'Root' }, null);
  // A free reference to a global WeChat lacks (a local binding of the same
  // name, such as an injected shim, is fine). Guarded `typeof X` uses are
  // fine too.
  const guarded = new Set();
  const findTypeof = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'UnaryExpression' && node.operator === 'typeof' && node.argument.type === 'Identifier') {
      guarded.add(node.argument);
    }
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) v.forEach(findTypeof);
      else if (v && typeof v.type === 'string') findTypeof(v);
    }
  };
  findTypeof(ast);
  const guardedNames = new Set([...guarded].map((n) => n.name));
  for (const [name, at] of refs) {
    if (MISSING_GLOBALS.includes(name) && !declared.has(name) && !guardedNames.has(name)) {
      problems.push(`${at}: free reference to ${name}, which WeChat does not have`);
    }
  }
  return problems;
}

test('the checker rejects newer syntax and forbidden constructs (self-test)', () => {
  const bad = [
    ['a?.b', /not ES2017/],
    ['a ?? b', /not ES2017/],
    ['var o = { ...x };', /not ES2017/],
    ['try {} catch {}', /not ES2017/],
    ['async function* g() {}', /not ES2017/],
    ['var n = 10n;', /not ES2017/],
    ['var r = /(?<y>\\d+)/;', /not ES2017/],
    ['var x = 2 ** 3; class A { #p = 1 }', /not ES2017/],
    ['import.meta.url', /not ES2017/],
    ['eval("1")', /eval\(\)/],
    ['var f = new Function("return 1");', /new Function/],
    ['var d = new TextDecoder();', /free reference to TextDecoder/],
    ['fetch("/x.wasm");', /free reference to fetch/],
    ['WebAssembly.instantiate(b, {});', /free reference to WebAssembly/],
    ['crypto.getRandomValues(a);', /free reference to crypto/],
  ];
  for (const [source, expected] of bad) {
    const problems = checkMiniProgramSource(source);
    assert.ok(problems.some((p) => expected.test(p)), `${source} → ${JSON.stringify(problems)}`);
  }
  const good = [
    'var x = 2 ** 3; async function f() { await x; } var { a } = {};',
    'var TextDecoder = class {}; new TextDecoder();',
    'if (typeof WebAssembly !== "undefined") WebAssembly.validate(b);',
    'o.fetch(1); var p = { crypto: 1 }; o.URL;',
    'module.exports = { a: 1 };',
  ];
  for (const source of good) assert.deepEqual(checkMiniProgramSource(source), [], source);
});

test('every .js file in pkg/dist/miniprogram is ES2017 and uses nothing WeChat lacks', () => {
  const files = readdirSync(mpDist);
  assert.deepEqual(files.sort(), ['index.js', 'mpshield_bg.wasm.br'], 'exactly the loader and the module');
  for (const f of files.filter((f) => /\.(c|m)?js$/.test(f))) {
    const problems = checkMiniProgramSource(readFileSync(path.join(mpDist, f), 'utf8'));
    assert.deepEqual(problems, [], `${f}:\n${problems.join('\n')}`);
  }
});

test('every .js file of the example mini-program is ES2017 and uses nothing WeChat lacks', () => {
  const root = path.join(repoRoot, 'examples/miniprogram/miniprogram');
  // Its own code only: a developer's "Build npm" output (miniprogram_npm) is the package, checked above.
  const files = readdirSync(root, { recursive: true })
    .filter((f) => f.endsWith('.js') && !f.split(path.sep).includes('miniprogram_npm'))
    .sort();
  assert.deepEqual(files, [
    'app.js',
    path.join('lib', 'consent-flow.js'),
    path.join('lib', 'test-issuer.js'),
    path.join('lib', 'verifier-sim.js'),
    path.join('pages', 'consent', 'index.js'),
  ]);
  for (const f of files) {
    const problems = checkMiniProgramSource(readFileSync(path.join(root, f), 'utf8'));
    assert.deepEqual(problems, [], `${f}:\n${problems.join('\n')}`);
  }
});
