// One version everywhere: Cargo.toml, pkg/package.json, version() from the
// built module, and a CHANGELOG.md section for it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importByName, linkPackage, pkgDir, root } from './helpers/link.mjs';

/** `version` of the [package] table of Cargo.toml. */
function cargoVersion(text) {
  const table = text.split(/^\[/m).find((t) => t.startsWith('package]'));
  assert.ok(table, 'Cargo.toml has a [package] table');
  const m = table.match(/^version\s*=\s*"([^"]+)"/m);
  assert.ok(m, 'Cargo.toml [package] has a version');
  return m[1];
}

test('Cargo.toml, pkg/package.json and version() agree, and CHANGELOG.md has the section', async (t) => {
  const cargo = cargoVersion(readFileSync(path.join(root, 'Cargo.toml'), 'utf8'));
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  assert.match(cargo, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'semver');
  assert.equal(pkg, cargo, 'pkg/package.json version == Cargo.toml version');

  const link = linkPackage();
  t.after(link.cleanup);
  const { m } = await importByName(link.dir);
  await m.init();
  assert.equal(m.version(), cargo, 'version() == Cargo.toml version');

  const changelog = readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
  const escaped = cargo.replace(/[.+-]/g, '\\$&');
  assert.match(changelog, new RegExp(`^## \\[${escaped}\\]`, 'm'), `CHANGELOG.md has a "## [${cargo}]" section`);
});

test('the Cargo.toml reader finds [package] version, not a dependency version', () => {
  const text = '[dependencies]\nversion = "9.9.9"\n\n[package]\nname = "x"\nversion = "1.2.3"\n';
  assert.equal(cargoVersion(text), '1.2.3');
  assert.throws(() => cargoVersion('[dependencies]\nversion = "1"\n'));
});
