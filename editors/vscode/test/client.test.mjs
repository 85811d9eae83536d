// What VS Code will see at the protocol level: initialize with VS Code 1.82's capabilities,
// VS Code-encoded URIs, the extension's configuration notification, the server's requests back
// (registrations, configuration), and vscode-languageclient's stop sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { e2e, KICKOFF, TIMEOUT, EXTENSION_CONFIG, supportsDynamic, withVscodeSession } from './client-session.mjs';

const { fileUri } = e2e;

test('VS Code 1.82 + vscode-languageclient 9: initialize, sync, configuration, stop', { timeout: TIMEOUT }, () =>
  withVscodeSession(async (s, vault, result) => {
    const c = result.capabilities;
    // VS Code only speaks UTF-16.
    assert.ok(c.positionEncoding === undefined || c.positionEncoding === 'utf-16', `positionEncoding ${c.positionEncoding}`);
    const sync = typeof c.textDocumentSync === 'number' ? c.textDocumentSync : c.textDocumentSync?.change;
    assert.equal(sync, 2, 'incremental sync');

    const uri = await s.open(KICKOFF);
    assert.equal(uri, fileUri(path.join(vault, KICKOFF)));
    assert.match(uri, /2025-11-06%20-%20Storage%20pilot%20kickoff%20with%20Contoso\.md$/, 'VS Code percent-encodes spaces');
    // An edit as VS Code sends it: one incremental change.
    await s.change(uri, [{ range: { start: { line: 17, character: 0 }, end: { line: 17, character: 0 } }, text: 'Hello 👋\n' }]);
    // The notification the extension sends when a notesLsp.* setting changes.
    await s.notify('workspace/didChangeConfiguration', { settings: { notesLsp: EXTENSION_CONFIG } });
    await s.close(uri);
    // A round trip proves the server read all of the above without dying.
    await assert.rejects(s.request('notes-lsp/no-such-method', {}), (err) => err.code === -32601);

    // Server-to-client requests must be ones VS Code handles.
    for (const r of s.registrations) {
      assert.ok(supportsDynamic(r.method), `dynamic registration of ${r.method}, which VS Code sent no dynamicRegistration for`);
    }
    for (const req of s.serverRequests) {
      if (req.method !== 'workspace/configuration') continue;
      for (const item of req.params.items) {
        assert.ok(item.section === 'notesLsp' || item.section === undefined, `configuration section ${item.section}`);
      }
    }

    // vscode-languageclient's stop(): shutdown without params, then exit; it kills after 2 s.
    assert.equal(await s.request('shutdown', undefined), null);
    await s.notify('exit');
    const { code } = await s.exited;
    assert.equal(code, 0, s.stderrTail());
    assert.deepEqual(s.logErrors, [], 'no protocol errors logged by vscode-jsonrpc');
  }));
