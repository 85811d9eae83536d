// End-to-end: textDocument/prepareRename and textDocument/rename on copies of the example vault,
// through vscode-jsonrpc with VS Code's client capabilities. Every returned edit is applied (text
// edits and the file rename, in order) and the whole vault is then compared byte for byte with
// what it must be. Run: node --test tests/e2e/rename.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspSession, REPO_ROOT, VAULT_EXAMPLE, copyVault, removeVault, positionOf, uriFsPath, fileUri, VSCODE_CAPS, withVaultServer } from './lib/lsp-session.mjs';

const KICKOFF = 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md';
const FABRIKAM_SYNC = 'Meetings/2025-11-14 - Fabrikam procurement sync.md';
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

function withServer(fn, capabilities = VSCODE_CAPS, prepare = () => {}) {
  return withVaultServer(fn, { capabilities, prepare });
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

// The example vault keeps Obsidian's default newLinkFormat, "shortest": a path rewritten by a
// move is the file name when that alone reaches the note, in the link's own kind.
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
          .replace('../People/Jonas%20Becker.md', 'Jonas%20Becker.md'),
      }),
    );
  });
});

test('willRenameFiles: a note moved keeps its relative links working', async () => {
  await withExtraNote('Notes/Links.md', LINKS_NOTE, async (s, vault) => {
    await willMove(s, vault, [['Notes/Links.md', 'Links.md']]);
    const after = LINKS_NOTE.replace('../People/Jonas%20Becker.md', 'Jonas%20Becker.md').replace(
      '../Accounts/Contoso.md#Contacts',
      'Contoso.md#Contacts',
    );
    assertVault(vault, movedVault([], undefined, { 'Links.md': after }));
  });
});

test('willRenameFiles: a note that takes another note\'s name makes links to that note explicit', async () => {
  await withExtraNote('Archive/Old Ana.md', '# Old Ana\n', async (s, vault) => {
    // At the root, "Ana Ruiz.md" is what [[Ana Ruiz]] names from everywhere, People/ too: a
    // link is tried as a path from the vault's root before any other rule (resolve/root-first).
    await willMove(s, vault, [['Archive/Old Ana.md', 'Ana Ruiz.md']]);
    assertVault(
      vault,
      movedVault(
        [],
        (rel, t) => t.replaceAll('[[Ana Ruiz]]', '[[People/Ana Ruiz]]'),
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
      assert.equal((await applied).label, "Update links after moving note 'People/Ana Ruiz-Lopez.md'");
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

// ---- the vault's link format (.obsidian/app.json) ----------------------------------------

/**
 * Every text edit of `edit` replaces only bytes of a link's path: the text it replaces, read
 * from the file before the edit, holds no bracket, parenthesis, '|', '#', '!' or line break,
 * so link kinds, fragments and display texts are never touched.
 */
function assertPathEditsOnly(edit) {
  let n = 0;
  for (const dc of edit.documentChanges ?? []) {
    if (!dc.edits) continue;
    const lines = fs.readFileSync(uriFsPath(dc.textDocument.uri), 'utf8').split('\n');
    for (const e of dc.edits) {
      const { start, end } = e.range;
      if (start.line !== end.line) assert.fail(`an edit spans lines in ${dc.textDocument.uri}`);
      const old = lines[start.line].slice(start.character, end.character);
      const line = lines[start.line];
      // A link path, or a name (heading, mention, frontmatter value) the rename also rewrites.
      assert.doesNotMatch(old, /[[\]()|#!\n]/, `edit replaces only path bytes: "${old}" in "${line}"`);
      n++;
    }
  }
  return n;
}

function withAppJson(app, extra, fn) {
  return withServer(fn, VSCODE_CAPS, (vault) => {
    fs.writeFileSync(path.join(vault, '.obsidian/app.json'), JSON.stringify(app));
    for (const [rel, text] of Object.entries(extra)) {
      fs.mkdirSync(path.dirname(path.join(vault, rel)), { recursive: true });
      fs.writeFileSync(path.join(vault, rel), text);
    }
  });
}

/** Renames through textDocument/rename at `needle` in `rel`, checks the edits, applies them. */
async function renameChecked(s, rel, needle, newName, delta) {
  const uri = await s.open(rel);
  const position = positionOf(s.text(uri), needle, { delta });
  const edit = await s.request('textDocument/rename', { textDocument: { uri }, position, newName });
  assert.ok(assertPathEditsOnly(edit) > 0);
  s.applyWorkspaceEdit(edit);
  fs.writeFileSync(uriFsPath(uri), s.text(uri));
  await s.close(uri);
}

/** The vault-relative folder of rel, for path.posix.relative. */
const folderOf = (rel) => path.posix.dirname(rel).replace(/^\.$/, '');

test('app.json markdown links + relative: a rename writes each link\'s new path relative to its note', async () => {
  const app = { useMarkdownLinks: true, newLinkFormat: 'relative' };
  const NOTE = 'Notes/Links.md';
  const text = '# Links\n\n- [Ana](../People/Ana%20Ruiz.md) and [her](<../People/Ana Ruiz.md>)\n- [[People/Ana Ruiz|Ana]]\n';
  await withAppJson(app, { [NOTE]: text }, async (s, vault) => {
    await renameChecked(s, KICKOFF, '[[Ana Ruiz]]', 'Ana Ruiz-Lopez', 4);
    const exp = expectedVault({
      // Wikilinks stay wikilinks, with the path from the note's folder ("Ana Ruiz-Lopez" beside
      // it in People/); mentions, participants and the title follow the name.
      text: (rel, t) =>
        t
          .replaceAll('Ana Ruiz', 'Ana Ruiz-Lopez')
          .replaceAll('[[Ana Ruiz-Lopez]]', `[[${path.posix.relative(folderOf(rel), 'People/Ana Ruiz-Lopez')}]]`),
      move: (rel) => (rel === 'People/Ana Ruiz.md' ? 'People/Ana Ruiz-Lopez.md' : rel),
    });
    exp.set('.obsidian/app.json', Buffer.from(JSON.stringify(app)));
    exp.set(
      NOTE,
      Buffer.from(
        '# Links\n\n- [Ana](../People/Ana%20Ruiz-Lopez.md) and [her](<../People/Ana Ruiz-Lopez.md>)\n- [[../People/Ana Ruiz-Lopez|Ana]]\n',
      ),
    );
    assertVault(vault, exp);
    assert.match(fs.readFileSync(path.join(vault, KICKOFF), 'utf8'), /\[\[\.\.\/People\/Ana Ruiz-Lopez\]\]/);
  });
});

test('app.json wikilinks + shortest: a note renamed to an ambiguous name is linked by its path', async () => {
  const app = { useMarkdownLinks: false, newLinkFormat: 'shortest' };
  await withAppJson(app, {}, async (s, vault) => {
    // "Apollo" is already two notes (Projects/, Archive/): the name alone would reach
    // Archive/Apollo.md, so links to the renamed note fall back to its vault path.
    const files = [['Projects/Project Atlas.md', 'Projects/Atlas/Apollo.md']].map(([a, b]) => ({
      oldUri: fileUri(path.join(vault, a)),
      newUri: fileUri(path.join(vault, b)),
    }));
    const edit = await s.request('workspace/willRenameFiles', { files });
    assert.ok(assertPathEditsOnly(edit) > 0);
    s.applyWorkspaceEdit(edit);
    fs.mkdirSync(path.join(vault, 'Projects/Atlas'));
    fs.renameSync(path.join(vault, 'Projects/Project Atlas.md'), path.join(vault, 'Projects/Atlas/Apollo.md'));
    const exp = movedVault(
      [['Projects/Project Atlas.md', 'Projects/Atlas/Apollo.md']],
      (rel, t) => t.replaceAll('[[Project Atlas', '[[Projects/Atlas/Apollo'),
      {},
    );
    exp.set('.obsidian/app.json', Buffer.from(JSON.stringify(app)));
    assertVault(vault, exp);
    // [[Apollo]] in the daily note still names Archive/Apollo.md, as before the move.
    assert.match(fs.readFileSync(path.join(vault, 'Daily/2025-11-06.md'), 'utf8'), /Which \[\[Apollo\]\]/);
  });
});

test('app.json absolute: a rename writes vault paths, markdown links staying markdown', async () => {
  const app = { newLinkFormat: 'absolute' };
  const NOTE = 'Notes/Links.md';
  const text = '# Links\n\n- [Jonas](../People/Jonas%20Becker.md) and [[Jonas Becker|JB]]\n';
  await withAppJson(app, { [NOTE]: text }, async (s, vault) => {
    await renameChecked(s, 'Accounts/Contoso.md', '[[Jonas Becker]]', 'Jonas Becker-Roth', 4);
    const exp = expectedVault({
      text: (rel, t) =>
        t.replaceAll('[[Jonas Becker]]', '[[People/Jonas Becker-Roth]]').replaceAll('Jonas Becker', 'Jonas Becker-Roth')
          .replaceAll('Jonas Becker-Roth-Roth', 'Jonas Becker-Roth'),
      move: (rel) => (rel === 'People/Jonas Becker.md' ? 'People/Jonas Becker-Roth.md' : rel),
    });
    exp.set('.obsidian/app.json', Buffer.from(JSON.stringify(app)));
    exp.set(NOTE, Buffer.from('# Links\n\n- [Jonas](People/Jonas%20Becker-Roth.md) and [[People/Jonas Becker-Roth|JB]]\n'));
    assertVault(vault, exp);
  });
});

// ---- attachments moved in the editor (#10) -------------------------------------------------

const ATTACH_NOTE = [
  '# Attachments',
  '',
  '- ![[diagram.png]] stays: the name alone still reaches it',
  '- ![[assets/diagram.png|300]] and [[assets/diagram.png]]',
  '- [[report v2.pdf]] and [the report](../assets/report%20v2.pdf#page=2)',
  '- [board](Media/Board.canvas) and ![[Board.canvas]] and ![[Media/clip.mp3]]',
  '- [elsewhere](../Other/photo.jpg) stays: it does not move',
  '- ![the diagram](../assets/diagram.png), a markdown image',
  '',
].join('\n');

const ATTACH_FILES = ['assets/diagram.png', 'assets/report v2.pdf', 'Notes/Media/Board.canvas', 'Notes/Media/clip.mp3', 'Other/photo.jpg'];

/** The example vault with Notes/Attach.md and the files it links to (plus Other/photo.jpg). */
function withAttachments(fn, caps = VSCODE_CAPS) {
  return withServer(fn, caps, (vault) => {
    for (const rel of [...ATTACH_FILES, 'Notes/Attach.md']) {
      fs.mkdirSync(path.dirname(path.join(vault, rel)), { recursive: true });
      fs.writeFileSync(path.join(vault, rel), rel === 'Notes/Attach.md' ? ATTACH_NOTE : `bytes of ${rel}\n`);
    }
  });
}

/** The vault after `moves` with Notes/Attach.md reading `note`. */
function attachmentsMoved(moves, note) {
  const extra = { 'Notes/Attach.md': note };
  for (const rel of ATTACH_FILES) {
    let to = rel;
    for (const [a, b] of moves) {
      if (rel === a) to = b;
      else if (rel.startsWith(`${a}/`)) to = b + rel.slice(a.length);
    }
    extra[to] = `bytes of ${rel}\n`;
  }
  return movedVault([], undefined, extra);
}

test('willRenameFiles: an image moved and a PDF renamed rewrite the links that no longer reach them', async () => {
  await withAttachments(async (s, vault) => {
    const moves = [['assets/diagram.png', 'Images/diagram.png'], ['assets/report v2.pdf', 'assets/report v3.pdf']];
    await willMove(s, vault, moves);
    assertVault(
      vault,
      attachmentsMoved(
        moves,
        ATTACH_NOTE.replace('![[assets/diagram.png|300]]', '![[diagram.png|300]]')
          .replace('and [[assets/diagram.png]]', 'and [[diagram.png]]')
          .replace('[[report v2.pdf]]', '[[report v3.pdf]]')
          .replace('(../assets/report%20v2.pdf#page=2)', '(report%20v3.pdf#page=2)')
          .replace('![the diagram](../assets/diagram.png)', '![the diagram](diagram.png)'),
      ),
    );
  });
});

test('willRenameFiles: a folder of attachments renamed rewrites path links; bare names stay', async () => {
  await withAttachments(async (s, vault) => {
    const moves = [['Notes/Media', 'Notes/Files']];
    await willMove(s, vault, moves);
    assertVault(
      vault,
      attachmentsMoved(moves, ATTACH_NOTE.replace('(Media/Board.canvas)', '(Board.canvas)').replace('![[Media/clip.mp3]]', '![[clip.mp3]]')),
    );
  });
});

test('willRenameFiles: a file that takes an attachment\'s name makes links to both explicit', async () => {
  await withAttachments(async (s, vault) => {
    // From Notes/Attach.md a diagram.png under Notes/ wins over assets/diagram.png: the bare
    // name would change files, so it gets the path; the name alone no longer tells the moved
    // file either, so its link gets the vault path too. Links by exact path stay.
    const moves = [['Other/photo.jpg', 'Notes/diagram.png']];
    await willMove(s, vault, moves);
    assertVault(
      vault,
      attachmentsMoved(moves, ATTACH_NOTE.replace('![[diagram.png]]', '![[assets/diagram.png]]').replace('(../Other/photo.jpg)', '(Notes/diagram.png)')),
    );
  });
});

test('didRenameFiles: attachments moved by a client without willRenameFiles; the edit names what moved', async () => {
  const caps = structuredClone(VSCODE_CAPS);
  caps.workspace.fileOperations.willRename = false;
  await withAttachments(async (s, vault) => {
    const move = async (moves, label) => {
      for (const [a, b] of moves) {
        fs.mkdirSync(path.dirname(path.join(vault, b)), { recursive: true });
        fs.renameSync(path.join(vault, a), path.join(vault, b));
      }
      const applied = s.nextApplyEdit();
      await s.notify('workspace/didRenameFiles', {
        files: moves.map(([a, b]) => ({ oldUri: fileUri(path.join(vault, a)), newUri: fileUri(path.join(vault, b)) })),
      });
      assert.equal((await applied).label, label);
    };
    await move([['assets/report v2.pdf', 'assets/report v3.pdf']], "Update links after moving attachment 'assets/report v3.pdf'");
    await move([['Notes/Media', 'Notes/Clips']], 'Update links after moving 2 attachments');
    assertVault(
      vault,
      attachmentsMoved(
        [['assets/report v2.pdf', 'assets/report v3.pdf'], ['Notes/Media', 'Notes/Clips']],
        ATTACH_NOTE.replace('[[report v2.pdf]]', '[[report v3.pdf]]')
          .replace('(../assets/report%20v2.pdf#page=2)', '(report%20v3.pdf#page=2)')
          .replace('(Media/Board.canvas)', '(Board.canvas)')
          .replace('![[Media/clip.mp3]]', '![[clip.mp3]]'),
      ),
    );
  }, caps);
});
