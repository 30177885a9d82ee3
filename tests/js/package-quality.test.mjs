// The packed package as a user installs it, checked by the tools users run:
// `attw` (@arethetypeswrong/cli) for the types every resolution mode sees,
// `publint` for package.json, and TypeScript 4.7 (the oldest supported; the
// `types@<5.2` condition and `typesVersions` give it the declarations
// without `[Symbol.dispose]`) as well as the current one, under node16 and
// node10 resolution. Each checker is first shown a broken copy, so that it
// can fail.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pkgDir, root } from './helpers/link.mjs';

const require = createRequire(import.meta.url);
const bin = (name) => path.join(root, 'node_modules/.bin', name);
/** Assets, not modules: attw has nothing to say about them. */
const ASSETS = ['./miniprogram/mpshield_bg.wasm.br', './miniprogram-worker/mpshield_kdf.wasm.br', './mpshield_compact_bg.wasm', './mpshield_gm_bg.wasm', './mpshield_gm_bg.wasm.br', './mpshield_bg.wasm'];
/** The browser build is ESM only by design: require('mpshield/browser') is meaningless, so attw's warning for it is expected. */
const ATTW = ['--exclude-entrypoints', ...ASSETS, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'ascii'];

/** `npm pack` of pkg/ into a fresh directory, extracted there as node_modules/mpshield. */
function packed(t) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpshield-quality-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const target = path.join(dir, 'node_modules/mpshield');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(dir, info.filename), '-C', target, '--strip-components=1']);
  return { dir, tarball: path.join(dir, info.filename), target, info };
}

/** The extracted package with package.json changed by `edit`, packed again. */
function broken(t, p, edit) {
  const json = JSON.parse(readFileSync(path.join(p.target, 'package.json'), 'utf8'));
  edit(json);
  writeFileSync(path.join(p.target, 'package.json'), JSON.stringify(json, null, 2));
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', p.dir], { cwd: p.target, encoding: 'utf8' }));
  return path.join(p.dir, info.filename);
}

const run = (cmd, args, cwd) => spawnSync(cmd, args, { cwd, encoding: 'utf8' });

test('package.json: no test suite at pack time (the release gate is prepublishOnly), no placeholder repository', () => {
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  assert.equal(pkg.scripts.prepack, undefined, 'npm pack and installs from git run no repository suite');
  assert.equal(pkg.scripts.prepare, undefined);
  assert.match(pkg.scripts.prepublishOnly, /make -C \.\. test/, 'npm publish still builds and tests');
  for (const f of ['repository', 'homepage', 'bugs']) {
    const v = JSON.stringify(pkg[f] ?? '');
    assert.doesNotMatch(v, /example\.(invalid|com|org)|localhost/, `${f} is real or absent`);
  }
});

test('npm pack (no scripts run): LICENSE, both READMEs, types, stubs and builds are in the tarball', (t) => {
  const p = packed(t);
  const files = p.info.files.map((f) => f.path);
  for (const f of ['LICENSE', 'README.md', 'README.zh-CN.md', 'index.d.ts', 'dist/index.d.mts', 'dist/ts4/index.d.ts', 'dist/ts4/index.d.mts', 'miniprogram/package.json', 'dist/miniprogram/index.js']) {
    assert.ok(files.includes(f), `${f} is packed`);
  }
  assert.match(readFileSync(path.join(p.target, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  assert.equal(readFileSync(path.join(p.target, 'README.zh-CN.md'), 'utf8'), readFileSync(path.join(root, 'README.zh-CN.md'), 'utf8'));
  assert.ok(!files.some((f) => f.startsWith('src/')), 'no sources');
});

test('attw: no problems in any resolution mode (and it reports a broken copy)', (t) => {
  const p = packed(t);
  const good = run(bin('attw'), [p.tarball, ...ATTW], p.dir);
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /No problems found/);
  // ESM-typed CommonJS: the Node build's require types pointing at the .d.mts.
  const bad = broken(t, p, (j) => {
    j.exports['./node'].require.types = './dist/index.d.mts';
  });
  const r = run(bin('attw'), [bad, ...ATTW], p.dir);
  assert.notEqual(r.status, 0, 'attw fails the broken copy');
});

test('publint: all good (and it reports a broken copy)', (t) => {
  const p = packed(t);
  const good = run(bin('publint'), ['run', p.target, '--pack', 'false'], p.dir);
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /All good!/);
  broken(t, p, (j) => {
    j.exports['./miniprogram'].default = './dist/miniprogram/missing.js';
  });
  const r = run(bin('publint'), ['run', p.target, '--pack', 'false'], p.dir);
  assert.doesNotMatch(r.stdout, /All good!/, 'publint reports the missing file');
});

/** TypeScript diagnostics for `file`, with `tsModule` ('typescript' or 'typescript-4.7') and node16 or node10 resolution. */
function diagnostics(tsModule, file, resolution) {
  const ts = require(tsModule);
  const node10 = resolution === 'node10';
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: node10 ? ts.ModuleKind.ES2022 : ts.ModuleKind.Node16,
    moduleResolution: node10 ? ts.ModuleResolutionKind.NodeJs : ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2022.d.ts'],
    types: [],
    skipLibCheck: false,
  });
  return {
    errors: ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    declarations: program.getSourceFiles().map((f) => f.fileName).filter((f) => f.includes('node_modules/mpshield/')).map((f) => f.slice(f.indexOf('node_modules/mpshield/') + 22)),
  };
}

test('TypeScript 4.7 and the current one compile a consumer of the packed package (node16, node10)', (t) => {
  const p = packed(t);
  const usage = path.join(p.dir, 'usage.mts');
  copyFileSync(new URL('./fixtures/types-ts47.mts', import.meta.url), usage);
  assert.match(require('typescript-4.7').version, /^4\.7\./);
  for (const resolution of ['node16', 'node10']) {
    const old = diagnostics('typescript-4.7', usage, resolution);
    assert.deepEqual(old.errors, [], `TypeScript 4.7, ${resolution}`);
    assert.ok(old.declarations.length > 0 && old.declarations.every((f) => f.startsWith('dist/ts4/')), `4.7 ${resolution}: ${old.declarations}`);
    const current = diagnostics('typescript', usage, resolution);
    assert.deepEqual(current.errors, [], `TypeScript ${require('typescript').version}, ${resolution}`);
    assert.ok(current.declarations.every((f) => !f.startsWith('dist/ts4/')), `current ${resolution}: the full declarations (${current.declarations})`);
  }
  // The check can fail: TypeScript 4.7 given the full declarations.
  copyFileSync(path.join(p.target, 'index.d.ts'), path.join(p.target, 'dist/ts4/index.d.mts'));
  assert.match(diagnostics('typescript-4.7', usage, 'node16').errors.join('\n'), /esnext\.disposable/);
});
