'use strict';
// Computes, with the installed vscode-languageclient itself, the `capabilities` of the
// initialize request the extension sends inside VS Code. test/fixtures/vscode-client-
// capabilities.json is this script's output (node test/client-capabilities.cjs > ...); the
// manifest test checks that they still agree.
const { requireWithVscodeStub, assertInstalled } = require('./helpers.cjs');

function computeClientCapabilities() {
  assertInstalled();
  const { LanguageClient } = requireWithVscodeStub('vscode-languageclient/node');
  const client = new LanguageClient('notesLsp', 'notes-lsp',
    { command: 'notes-lsp', args: ['--stdio'] },
    { documentSelector: [{ scheme: 'file', language: 'markdown' }] });
  const caps = client.computeClientCapabilities();
  // A JSON round trip is what goes over the wire; it also drops undefined members.
  const json = JSON.stringify(caps, null, 2);
  const leaked = json.match(/<vscode\.[^>]*>/);
  if (leaked) throw new Error(`a capability value came from the vscode stand-in: ${leaked[0]}`);
  return JSON.parse(json);
}

module.exports = { computeClientCapabilities };

if (require.main === module) {
  process.stdout.write(JSON.stringify(computeClientCapabilities(), null, 2) + '\n');
}
