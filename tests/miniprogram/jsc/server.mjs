// The servers' side of the flow in JavaScriptCore (issuer and relying
// parties): Node's build of the package as shipped (pkg/dist/node.mjs and
// its release module), bundled by profile.mjs into a script for a second
// realm of the jsc process, so the mini-program realm keeps only what
// WeChat has. The realm is given what Node would give: TextEncoder,
// TextDecoder, a URL good for node.mjs's own file URL, and node:fs /
// node:url / node:crypto as far as the package uses them (server-node.mjs).
import './server-globals.mjs';
import * as m from '../../../pkg/dist/node.mjs';

globalThis.__rp = m;
