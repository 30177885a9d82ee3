// Named exports plus a default export object holding the same members, so
// both `import * as mpshield` and `import mpshield from` work (and
// `require('mpshield').default` in CommonJS).

import * as api from './exports.js';

export * from './exports.js';

const mpshield = Object.freeze(Object.assign({}, api));
export default mpshield;
