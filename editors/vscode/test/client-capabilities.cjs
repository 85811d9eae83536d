'use strict';
// Computes, with the installed vscode-languageclient itself, the `capabilities` object of the
// initialize request that the extension sends when it runs inside VS Code. The `vscode` module
// is replaced by a stand-in (test/vscode-stub.cjs) only for the duration of the require.
const Module = require('module');
const path = require('path');

function withVscodeStub(fn) {
  const stubPath = path.join(__dirname, 'vscode-stub.cjs');
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'vscode') return stubPath;
    return original.call(this, request, ...rest);
  };
  try {
    return fn();
  } finally {
    Module._resolveFilename = original;
  }
}

function computeClientCapabilities() {
  return withVscodeStub(() => {
    const { LanguageClient } = require('vscode-languageclient/node');
    const client = new LanguageClient('notesLsp', 'notes-lsp',
      { command: 'notes-lsp', args: ['--stdio'] },
      { documentSelector: [{ scheme: 'file', language: 'markdown' }] });
    const caps = client.computeClientCapabilities();
    // A JSON round trip is what goes over the wire; it also drops undefined members.
    const json = JSON.stringify(caps, null, 2);
    if (json.includes('<vscode.')) {
      throw new Error('a capability value came from the vscode stand-in: ' + json.match(/<vscode\.[^>]*>/)[0]);
    }
    return JSON.parse(json);
  });
}

module.exports = { computeClientCapabilities };

if (require.main === module) {
  process.stdout.write(JSON.stringify(computeClientCapabilities(), null, 2) + '\n');
}
