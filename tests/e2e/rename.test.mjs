// End-to-end: textDocument/prepareRename and textDocument/rename on copies of the example vault,
// through vscode-jsonrpc with VS Code's client capabilities. Every returned edit is applied (text
// edits and the file rename, in order) and the whole vault is then compared byte for byte with
// what it must be. Run: node --test tests/e2e/rename.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspSession, REPO_ROOT, VAULT_EXAMPLE, copyVault, removeVault, positionOf, uriFsPath, fileUri } from './lib/lsp-session.mjs';

const KICKOFF = 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md';
const FABRIKAM_SYNC = 'Meetings/2025-11-14 - Fabrikam procurement sync.md';
const VSCODE_CAPS = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, 'editors/vscode/test/fixtures/vscode-client-capabilities.json'), 'utf8'),
);
const REQUEST_FAILED = -32803;

/** Every file of a vault (.obsidian and all): relative path (NFC) -> bytes. */
function snapshot(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else out.set(path.relative(dir, p).normalize('NFC'), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/**
 * The example vault as it must read after a rename: each file's text through `text(rel, s)`,
 * and its path through `move(rel)`.
 */
function expectedVault({ text = (rel, s) => s, move = (rel) => rel } = {}) {
  const out = new Map();
  for (const [rel, bytes] of snapshot(VAULT_EXAMPLE)) {
    const s = bytes.toString('utf8');
    const t = text(rel, s);
    out.set(move(rel), t === s ? bytes : Buffer.from(t, 'utf8'));
  }
  return out;
}

function assertVault(dir, expected) {
  const actual = snapshot(dir);
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), 'the vault holds the expected files');
  for (const [rel, bytes] of expected) {
    assert.equal(actual.get(rel).toString('utf8'), bytes.toString('utf8'), `${rel} reads as expected`);
    assert.ok(actual.get(rel).equals(bytes), `${rel} is byte for byte as expected`);
  }
}

async function withServer(fn, capabilities = VSCODE_CAPS, prepare = () => {}) {
  const vault = copyVault();
  prepare(vault);
  const s = new LspSession({ cwd: vault });
  try {
    s.start();
    await s.initialize({ capabilities });
    await s.initialized();
    await s.waitForIndex();
    return await fn(s, vault);
  } finally {
    await s.dispose();
    removeVault(vault);
  }
}

/**
 * Opens `rel`, asks prepareRename and rename at the `nth` `needle` (plus `delta`), applies the
 * edit, writes the open document back as an editor saving it would, and closes it.
 */
async function renameAt(s, vault, rel, needle, newName, { nth = 0, delta = 1 } = {}) {
  const uri = await s.open(rel);
  const position = positionOf(s.text(uri), needle, { nth, delta });
  const prepared = await s.request('textDocument/prepareRename', { textDocument: { uri }, position });
  const edit = await s.request('textDocument/rename', { textDocument: { uri }, position, newName });
  s.applyWorkspaceEdit(edit);
  fs.writeFileSync(uriFsPath(uri), s.text(uri));
  await s.close(uri);
  return { prepared, edit, uri };
}

test('rename a person with a non-ASCII name from an @mention', async () => {
  await withServer(async (s, vault) => {
    const { prepared, edit, uri } = await renameAt(s, vault, KICKOFF, '@Léa Dubois', 'Léa Moreau');
    assert.equal(prepared.placeholder, 'Léa Dubois');
    const original = fs.readFileSync(path.join(VAULT_EXAMPLE, KICKOFF), 'utf8');
    assert.deepEqual(prepared.range, {
      start: positionOf(original, '@Léa Dubois', { delta: 1 }),
      end: positionOf(original, '@Léa Dubois', { delta: 11 }),
    });
    const ops = edit.documentChanges.filter((d) => d.kind);
    assert.deepEqual(ops.map((o) => o.kind), ['rename'], 'one RenameFile, after the text edits');
    assert.equal(edit.documentChanges.at(-1).kind, 'rename');
    const opened = edit.documentChanges.find((d) => d.textDocument?.uri === uri);
    assert.equal(opened.textDocument.version, 1, 'the open note is edited at its version');
    const closed = edit.documentChanges.find((d) => d.textDocument && d.textDocument.uri !== uri);
    assert.equal(closed.textDocument.version, null, 'a closed note has no version');
    assertVault(
      vault,
      expectedVault({
        text: (rel, t) => t.replaceAll('Léa Dubois', 'Léa Moreau'),
        move: (rel) => (rel === 'People/Léa Dubois.md' ? 'People/Léa Moreau.md' : rel),
      }),
    );
  });
});

test('rename a person from an aliased link keeps the display text; mentions by alias stay', async () => {
  await withServer(async (s, vault) => {
    const { prepared } = await renameAt(s, vault, 'Accounts/Fabrikam.md', '[[王芳|Wang Fang]]', '王小芳', { delta: 3 });
    assert.equal(prepared.placeholder, '王芳');
    assertVault(
      vault,
      expectedVault({
        text: (rel, t) => t.replaceAll('王芳', '王小芳'),
        move: (rel) => (rel === 'People/王芳.md' ? 'People/王小芳.md' : rel),
      }),
    );
    const sync = fs.readFileSync(path.join(vault, FABRIKAM_SYNC), 'utf8');
    assert.match(sync, /\[\[王小芳\|Wang Fang\]\]/);
    assert.match(sync, /@Wang Fang 📅/);
  });
});

test('rename a person from a frontmatter participants value rewrites links, mentions and values', async () => {
  await withServer(async (s, vault) => {
    await renameAt(s, vault, KICKOFF, '- Ana Ruiz', 'Ana Ruiz-Lopez', { delta: 3 });
    assertVault(
      vault,
      expectedVault({
        text: (rel, t) => t.replaceAll('Ana Ruiz', 'Ana Ruiz-Lopez'),
        move: (rel) => (rel === 'People/Ana Ruiz.md' ? 'People/Ana Ruiz-Lopez.md' : rel),
      }),
    );
  });
});

test('rename an account from its frontmatter value rewrites account/<slug> tags', async () => {
  await withServer(async (s, vault) => {
    await renameAt(s, vault, KICKOFF, 'account: Contoso', 'Contoso Group', { delta: 10 });
    assertVault(
      vault,
      expectedVault({
        text: (rel, t) =>
          t
            .replaceAll('[[Contoso]]', '[[Contoso Group]]')
            .replaceAll('[[Contoso|', '[[Contoso Group|')
            // The broken frontmatter cannot be read (by Obsidian either): its value stays.
            .replaceAll('account: Contoso\n', rel.includes('Broken frontmatter') ? 'account: Contoso\n' : 'account: Contoso Group\n')
            .replaceAll('account/contoso', 'account/contoso-group')
            .replace(/^title: Contoso\n/m, rel === 'Accounts/Contoso.md' ? 'title: Contoso Group\n' : 'title: Contoso\n')
            .replace(/^# Contoso\n/m, rel === 'Accounts/Contoso.md' ? '# Contoso Group\n' : '# Contoso\n'),
        move: (rel) => (rel === 'Accounts/Contoso.md' ? 'Accounts/Contoso Group.md' : rel),
      }),
    );
  });
});

test('rename a heading from a link to it rewrites the heading and every #Heading link', async () => {
  await withServer(async (s, vault) => {
    const { prepared } = await renameAt(s, vault, KICKOFF, '#Milestones', 'Key dates', { delta: 2 });
    assert.equal(prepared.placeholder, 'Milestones');
    assertVault(vault, expectedVault({ text: (rel, t) => t.replaceAll('Milestones', 'Key dates') }));
  });
});

test('rename a tag from a frontmatter item and an inline #tag across the vault', async () => {
  await withServer(async (s, vault) => {
    await renameAt(s, vault, KICKOFF, '- type/customer', 'meeting/customer', { delta: 4 });
    await renameAt(s, vault, KICKOFF, '#task', 'todo', { delta: 2 });
    assertVault(
      vault,
      expectedVault({
        text: (rel, t) => t.replaceAll('- type/customer', '- meeting/customer').replaceAll('#task', '#todo'),
      }),
    );
  });
});

test('rename a block id rewrites it', async () => {
  await withServer(async (s, vault) => {
    await renameAt(s, vault, 'Daily/2025-11-06.md', '^apollo-question', 'apollo-q', { delta: 3 });
    assertVault(vault, expectedVault({ text: (rel, t) => t.replaceAll('^apollo-question', '^apollo-q') }));
  });
});

test('a name that collides, or is no file name, is refused with a clear error and no edit', async () => {
  await withServer(async (s, vault) => {
    const uri = await s.open(KICKOFF);
    const position = positionOf(s.text(uri), '[[Jonas Becker]]', { delta: 4 });
    for (const [newName, message] of [
      ['Ana Ruiz', /a note named "Ana Ruiz" already exists: People\/Ana Ruiz\.md/],
      ['ana ruiz', /already exists/],
      ['Jonas/Becker', /invalid note name "Jonas\/Becker": it contains one of/],
      ['  ', /invalid note name "": the name is empty/],
    ]) {
      await assert.rejects(
        s.request('textDocument/rename', { textDocument: { uri }, position, newName }),
        (err) => {
          assert.equal(err.code, REQUEST_FAILED);
          assert.match(err.message, message);
          return true;
        },
      );
    }
    const heading = positionOf(s.text(uri), '#Milestones', { delta: 2 });
    await assert.rejects(
      s.request('textDocument/rename', { textDocument: { uri }, position: heading, newName: 'project atlas' }),
      (err) => err.code === REQUEST_FAILED && /a heading "project atlas" already exists in Projects\/Project Atlas\.md/.test(err.message),
    );
    await s.close(uri);
    assertVault(vault, expectedVault());
  });
});

test('a client that cannot rename files gets an error, not half a rename', async () => {
  const caps = structuredClone(VSCODE_CAPS);
  caps.workspace.workspaceEdit.resourceOperations = ['create'];
  await withServer(async (s, vault) => {
    const uri = await s.open(KICKOFF);
    const position = positionOf(s.text(uri), '[[Jonas Becker]]', { delta: 4 });
    await assert.rejects(
      s.request('textDocument/rename', { textDocument: { uri }, position, newName: 'Jonas B' }),
      (err) => err.code === REQUEST_FAILED && /does not support renaming files/.test(err.message),
    );
    assertVault(vault, expectedVault());
  }, caps);
});

test('prepareRename on plain text answers null', async () => {
  await withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const position = positionOf(s.text(uri), 'Attendees', { delta: 2 });
    assert.equal(await s.request('textDocument/prepareRename', { textDocument: { uri }, position }), null);
  });
});

// ---- notes and folders moved in the editor ------------------------------------------------

const LINKS_NOTE = [
  '# Links',
  '',
  '- [[People/Ana Ruiz]] and [[People/Ana Ruiz|Ana]]',
  '- [Jonas](../People/Jonas%20Becker.md) and [his account](../Accounts/Contoso.md#Contacts)',
  '- [[Léa Dubois#Procurement]]',
  '',
].join('\n');

/** Asks willRenameFiles for `moves` ([old, new] vault paths), applies the edit, then moves. */
async function willMove(s, vault, moves) {
  const files = moves.map(([a, b]) => ({ oldUri: fileUri(path.join(vault, a)), newUri: fileUri(path.join(vault, b)) }));
  const edit = await s.request('workspace/willRenameFiles', { files });
  if (edit) s.applyWorkspaceEdit(edit);
  for (const [a, b] of moves) {
    fs.mkdirSync(path.dirname(path.join(vault, b)), { recursive: true });
    fs.renameSync(path.join(vault, a), path.join(vault, b));
  }
  return edit;
}

function withExtraNote(rel, text, fn, capabilities) {
  return withServer(fn, capabilities, (vault) => {
    fs.mkdirSync(path.dirname(path.join(vault, rel)), { recursive: true });
    fs.writeFileSync(path.join(vault, rel), text);
  });
}

function movedVault(moves, text, extra) {
  const exp = expectedVault({
    text,
    move: (rel) => {
      for (const [a, b] of moves) {
        if (rel === a) return b;
        if (rel.startsWith(`${a}/`)) return b + rel.slice(a.length);
      }
      return rel;
    },
  });
  for (const [rel, t] of Object.entries(extra)) exp.set(rel, Buffer.from(t, 'utf8'));
  return exp;
}

test('willRenameFiles: a folder moved rewrites path links and relative markdown links', async () => {
  await withExtraNote('Notes/Links.md', LINKS_NOTE, async (s, vault) => {
    const capabilities = s.initializeResult.capabilities;
    assert.deepEqual(capabilities.workspace.fileOperations.willRename.filters.map((f) => f.pattern.matches), ['file', 'folder']);
    await willMove(s, vault, [['People', 'Team']]);
    assertVault(
      vault,
      movedVault([['People', 'Team']], undefined, {
        'Notes/Links.md': LINKS_NOTE.replace('[[People/Ana Ruiz]]', '[[Ana Ruiz]]')
          .replace('[[People/Ana Ruiz|Ana]]', '[[Ana Ruiz|Ana]]')
          .replace('../People/Jonas%20Becker.md', '../Team/Jonas%20Becker.md'),
      }),
    );
  });
});

test('willRenameFiles: a note moved keeps its relative links working', async () => {
  await withExtraNote('Notes/Links.md', LINKS_NOTE, async (s, vault) => {
    await willMove(s, vault, [['Notes/Links.md', 'Links.md']]);
    const after = LINKS_NOTE.replace('../People/Jonas%20Becker.md', 'People/Jonas%20Becker.md').replace(
      '../Accounts/Contoso.md#Contacts',
      'Accounts/Contoso.md#Contacts',
    );
    assertVault(vault, movedVault([], undefined, { 'Links.md': after }));
  });
});

test('willRenameFiles: a note that takes another note\'s name makes links to that note explicit', async () => {
  await withExtraNote('Archive/Old Ana.md', '# Old Ana\n', async (s, vault) => {
    // At the root, "Ana Ruiz" would be the first of two notes of that name for every note
    // outside People/ (a note in People/ still finds its neighbour first).
    await willMove(s, vault, [['Archive/Old Ana.md', 'Ana Ruiz.md']]);
    assertVault(
      vault,
      movedVault(
        [],
        (rel, t) => (rel.startsWith('People/') ? t : t.replaceAll('[[Ana Ruiz]]', '[[People/Ana Ruiz]]')),
        { 'Ana Ruiz.md': '# Old Ana\n' },
      ),
    );
  });
});

test('didRenameFiles: a client without willRenameFiles gets the edit through workspace/applyEdit', async () => {
  const caps = structuredClone(VSCODE_CAPS);
  caps.workspace.fileOperations.willRename = false;
  await withExtraNote(
    'Notes/Links.md',
    LINKS_NOTE,
    async (s, vault) => {
      fs.renameSync(path.join(vault, 'People/Ana Ruiz.md'), path.join(vault, 'People/Ana Ruiz-Lopez.md'));
      const applied = s.nextApplyEdit();
      await s.notify('workspace/didRenameFiles', {
        files: [{ oldUri: fileUri(path.join(vault, 'People/Ana Ruiz.md')), newUri: fileUri(path.join(vault, 'People/Ana Ruiz-Lopez.md')) }],
      });
      await applied;
      assertVault(
        vault,
        movedVault(
          [['People/Ana Ruiz.md', 'People/Ana Ruiz-Lopez.md']],
          (rel, t) => t.replaceAll('[[Ana Ruiz]]', '[[Ana Ruiz-Lopez]]'),
          { 'Notes/Links.md': LINKS_NOTE.replace('[[People/Ana Ruiz]]', '[[Ana Ruiz-Lopez]]').replace('[[People/Ana Ruiz|Ana]]', '[[Ana Ruiz-Lopez|Ana]]') },
        ),
      );
    },
    caps,
  );
});

test('rename from a link in a frontmatter property rewrites it there and everywhere', async () => {
  const NOTE = 'Projects/Pilot plan.md';
  const text = '---\ntype: project\nrelated: "[[Jonas Becker]]"\nteam:\n  - "[[Jonas Becker|Jonas]]"\n---\n# Pilot plan\n';
  await withServer(
    async (s, vault) => {
      await renameAt(s, vault, NOTE, 'related: "[[Jonas', 'Jonas Becker-Roth', { delta: 13 });
      const exp = expectedVault({
        text: (rel, t) => t.replaceAll('Jonas Becker', 'Jonas Becker-Roth'),
        move: (rel) => (rel === 'People/Jonas Becker.md' ? 'People/Jonas Becker-Roth.md' : rel),
      });
      exp.set(NOTE, Buffer.from(text.replaceAll('[[Jonas Becker', '[[Jonas Becker-Roth'), 'utf8'));
      assertVault(vault, exp);
    },
    VSCODE_CAPS,
    (vault) => fs.writeFileSync(path.join(vault, NOTE), text),
  );
});
