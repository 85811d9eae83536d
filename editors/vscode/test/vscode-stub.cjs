'use strict';
const fs = require('fs');
// A stand-in for the `vscode` module, good enough to load the bundled extension and to
// construct vscode-languageclient's LanguageClient outside VS Code. Every property is another
// stand-in and every call or `new` returns one, so nothing fails on load; a test puts the parts
// it checks (settings, messages, registered commands) in globalThis.__vscodeOverrides.
const STUB = Symbol('vscode-stub');

function make(path) {
  const target = function () {};
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === STUB) return path;
      if (prop === 'then') return undefined; // not a thenable
      if (prop === Symbol.toPrimitive) return () => `<vscode.${path}>`;
      if (prop === Symbol.iterator) return undefined;
      if (prop === 'toJSON') return () => `<vscode.${path}>`;
      return make(`${path}.${String(prop)}`);
    },
    apply() { return make(`${path}()`); },
    construct() { return make(`new ${path}`); },
  });
}

const vscode = make('vscode');
// What a real VS Code reports, read by the client into InitializeParams.clientInfo.
const base = {
  version: '1.82.0',
  env: new Proxy({}, {
    get(_t, prop) {
      if (prop === 'appName') return 'Visual Studio Code';
      if (prop === 'language') return 'en';
      return make(`env.${String(prop)}`);
    },
  }),
};

// The names of the real module's runtime members (from @types/vscode): bundlers copy a CommonJS
// module's own keys into the namespace object, so the stand-in must list them.
function apiNames() {
  try {
    const dts = fs.readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
    return [...dts.matchAll(/^\texport (?:namespace|class|enum|const|let|function) (\w+)/gm)].map((m) => m[1]);
  } catch {
    return ['window', 'workspace', 'commands', 'languages', 'env', 'version', 'Uri', 'Disposable', 'EventEmitter'];
  }
}
const NAMES = [...new Set(apiNames())];

module.exports = new Proxy({}, {
  ownKeys() {
    const o = globalThis.__vscodeOverrides || {};
    return [...new Set([...NAMES, ...Object.keys(base), ...Object.keys(o)])];
  },
  getOwnPropertyDescriptor(_t, prop) {
    return { configurable: true, enumerable: true, writable: false, value: this.get(_t, prop) };
  },
  get(_t, prop) {
    const o = globalThis.__vscodeOverrides;
    if (o && prop in o) return o[prop];
    if (prop in base) return base[prop];
    return vscode[prop];
  },
});
