// pkg/index.d.ts, as a TypeScript user sees it: resolved through the
// package's exports ("types" condition, moduleResolution node16), strict.
// A correct usage file must compile cleanly and a misuse file must produce
// exactly its seven errors.
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { linkPackage } from './helpers/link.mjs';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function diagnostics(file) {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2022.d.ts'], // no DOM: the types must not need it (mini-programs have none)
    types: [],
    skipLibCheck: false,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

test('index.d.ts: correct usage compiles, misuse does not', (t) => {
  const link = linkPackage();
  t.after(link.cleanup);
  const usage = path.join(link.dir, 'usage.mts');
  const misuse = path.join(link.dir, 'misuse.mts');
  copyFileSync(fixture('types-usage.mts'), usage);
  copyFileSync(fixture('types-misuse.mts'), misuse);
  assert.deepEqual(diagnostics(usage), []);
  const errors = diagnostics(misuse);
  assert.equal(errors.length, 7, errors.join('\n'));
  assert.match(errors.join('\n'), /wasmpath/);
});

test('index.d.ts: the flow (Verifier, Wallet) as a consumer writes it compiles under tsc --noEmit', (t) => {
  const link = linkPackage();
  t.after(link.cleanup);
  const flow = path.join(link.dir, 'flow.mts');
  copyFileSync(fixture('types-flow.mts'), flow);
  assert.deepEqual(diagnostics(flow), []);
});
