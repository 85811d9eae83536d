// VaultClient (src/vaultClient.ts): one LanguageClient per vault must not register the server's
// commands as VS Code commands (a second vault's client would fail on the duplicate ids); it
// reports them to the extension instead and still advertises executeCommand to the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { loadTs } = require('./helpers.cjs');

test('two vault clients: server commands are reported once each, never registered by the client', () => {
  const registered = [];
  globalThis.__vscodeOverrides = {
    commands: { registerCommand: (id) => { registered.push(id); return { dispose() {} }; } },
  };
  try {
    const { VaultClient, setServerCommandsHandler } = loadTs('src/vaultClient.ts', { vscode: true });
    const reported = [];
    setServerCommandsHandler((cmds) => reported.push([...cmds]));
    const caps = { executeCommandProvider: { commands: ['notes-lsp.tasks', 'notes-lsp.showTasks'] } };
    for (const name of ['vault A', 'vault B']) {
      const client = new VaultClient('notesLsp', name, { command: 'notes-lsp' }, { documentSelector: [] });
      const features = client._features.filter((f) => f.registrationType?.method === 'workspace/executeCommand');
      assert.equal(features.length, 1, 'one executeCommand feature');
      const clientCaps = {};
      features[0].fillClientCapabilities(clientCaps);
      assert.deepEqual(clientCaps, { workspace: { executeCommand: { dynamicRegistration: true } } },
        'the capability VS Code sends is unchanged');
      features[0].initialize(caps);
      features[0].register({ id: 'x', registerOptions: { commands: ['notes-lsp.later'] } });
    }
    assert.deepEqual(registered, [], 'the clients registered no VS Code command');
    assert.deepEqual(reported, [
      ['notes-lsp.tasks', 'notes-lsp.showTasks'], ['notes-lsp.later'],
      ['notes-lsp.tasks', 'notes-lsp.showTasks'], ['notes-lsp.later'],
    ]);
  } finally {
    delete globalThis.__vscodeOverrides;
  }
});
