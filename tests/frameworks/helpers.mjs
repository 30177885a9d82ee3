// Shared by the fixture tests: mpshield installed into a fixture from the
// freshly packed tarball (as the README tells a user to), and file listing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');

let tarball;
/** `npm pack` of pkg/ (once per process); the tarball's path. */
export function packOnce() {
  if (!tarball) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mpshield-fx-'));
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: path.join(root, 'pkg'), encoding: 'utf8' }));
    tarball = path.join(dir, info.filename);
  }
  return tarball;
}

/** Replaces `project`/node_modules/mpshield with the packed tarball's contents. */
export function installPacked(project) {
  const target = path.join(project, 'node_modules/mpshield');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', packOnce(), '-C', target, '--strip-components=1']);
}

/** Every file under `dir`, as paths relative to it. */
export function files(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}
