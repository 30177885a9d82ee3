// webpack 5 with no asset rules of its own: `new URL('./x.wasm',
// import.meta.url)` in mpshield's browser build is emitted as an asset by
// webpack itself.
const path = require('node:path');

module.exports = {
  mode: 'production',
  entry: './src/main.js',
  output: { path: path.resolve(__dirname, 'dist/webpack'), filename: 'main.js', publicPath: 'auto', clean: true },
  performance: { hints: false },
};
