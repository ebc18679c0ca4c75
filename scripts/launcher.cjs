'use strict';
// Copied to dist/launcher.cjs by the build. Runs the one-file bundle through V8's code cache:
// Node 20 has no compile cache for modules, and parsing plus compiling the bundle is a third of
// a short command's own time. The cache is made at build time for the Node that built it; under
// another Node it is rebuilt once, best effort, beside the bundle (keyed by Node version).
const VERSION = '__PROXYGEN_VERSION__';
const argv = process.argv;
const fs = require('node:fs');
if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
  // Straight to the descriptor: process.stdout would build a stream (for a pipe, a net.Socket and
  // the stream stack), a few ms for six bytes. A reader that left (EPIPE) is no error.
  try {
    fs.writeSync(1, `${VERSION}\n`);
  } catch (error) {
    if (error.code === 'EAGAIN') process.stdout.write(`${VERSION}\n`);
    else if (error.code !== 'EPIPE') throw error;
  }
  return;
}
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const file = path.join(__dirname, 'proxygen.cjs');
// One cache per hot command, each warmed at build time by a run of that command (it holds the
// functions that command compiles); the other commands use the first's. The build fills in the list.
const HOT = '__PROXYGEN_HOT__';
const kind = HOT.includes(argv[2]) ? argv[2] : HOT[0];
// V8 rejects a cache made under other flags (NODE_OPTIONS=--max-old-space-size=4096 is one), and
// rewriting the build's cache then made the next plain run reject it in turn. A run under other
// V8 flags keeps caches of its own, named by V8's tag for them; asking costs ~1 ms (node:v8), so
// only a run with options asks. The build fills in its own tag.
const BUILD_TAG = '__PROXYGEN_V8_TAG__';
let variant = '';
if (process.execArgv.length > 0 || process.env.NODE_OPTIONS) {
  const tag = String(require('node:v8').cachedDataVersionTag());
  if (tag !== BUILD_TAG) variant = `.${tag}`;
}
const cacheFile = path.join(__dirname, `proxygen.${kind}.${process.version}${variant}.v8cache`);
// Both files go through one buffer, the cache read over the bundle's bytes once they are a
// string: on this kind of VM the first touch of a page costs 12-15 us, and the cache then
// reuses the bundle's pages instead of faulting in its own (~80 fewer faults; render -1 to -2 ms,
// refresh -3 to -5 ms in interleaved pairs).
const open = (path) => {
  const fd = fs.openSync(path, 'r');
  return { fd, size: fs.fstatSync(fd).size };
};
const bundleInput = open(file);
let cacheInput;
try {
  cacheInput = open(cacheFile);
} catch {}
const buffer = Buffer.allocUnsafeSlow(Math.max(bundleInput.size, cacheInput?.size ?? 0));
function readAll({ fd, size }) {
  try {
    let length = 0;
    while (length < size) {
      const count = fs.readSync(fd, buffer, length, size - length, length);
      if (count === 0) break;
      length += count;
    }
    return buffer.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
}
// The build guarantees an ASCII bundle: read as latin1, a plain copy instead of UTF-8 decoding.
const source = readAll(bundleInput).toString('latin1');
let cachedData;
try {
  if (cacheInput) cachedData = readAll(cacheInput);
} catch {}
// The build stored the bundle already wrapped as a CommonJS function (no second copy to flatten).
const script = new vm.Script(source, { filename: file, cachedData });
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    try {
      const temp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(temp, script.createCachedData());
      fs.renameSync(temp, cacheFile);
    } catch {}
  });
}
const bundle = new Module(file, module);
bundle.filename = file;
bundle.paths = Module._nodeModulePaths(__dirname);
script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, __dirname);
