'use strict';
// A stand-in for the `vscode` module, good enough to construct vscode-languageclient's
// LanguageClient outside VS Code and ask it which ClientCapabilities and InitializeParams it
// would send. Every property is another stand-in, every call and `new` returns one, so no
// feature's constructor fails; nothing here is ever shown to the server except the values the
// client computes from the protocol package's own constants.
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
// The values the client reads into InitializeParams.clientInfo, as a real VS Code would set.
const overrides = {
  version: '1.82.0',
  env: new Proxy({}, {
    get(_t, prop) {
      if (prop === 'appName') return 'Visual Studio Code';
      if (prop === 'language') return 'en';
      return make(`env.${String(prop)}`);
    },
  }),
};
module.exports = new Proxy({}, {
  get(_t, prop) {
    if (prop in overrides) return overrides[prop];
    return vscode[prop];
  },
});
module.exports.STUB = STUB;
