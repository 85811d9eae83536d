// End-to-end: document links, folding ranges, selection ranges and the alias-link fix on a copy
// of the example vault, through vscode-jsonrpc with VS Code's client capabilities.
// Run: node --test tests/e2e/links.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { LspSession, REPO_ROOT, TEST_SETTINGS, applyTextEdits, copyVault, removeVault, positionOf, uriPath, fileUri, locations, VSCODE_CAPS, withVaultServer } from './lib/lsp-session.mjs';

const KICKOFF = 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md';

function withServer(fn, prepare = () => {}, settings = TEST_SETTINGS) {
  return withVaultServer(fn, { prepare, settings });
}

/** The code action that creates the person note of the unknown @Priya Natarajan in `uri`. */
async function createPriyaAction(s, uri) {
  const unknown = (await s.pullDiagnostics(uri)).find((d) => d.code === 'unknown-person');
  const actions = await s.request('textDocument/codeAction', {
    textDocument: { uri },
    range: unknown.range,
    context: { diagnostics: [unknown] },
  });
  const create = actions.find((a) => a.title === "Create person note 'Priya Natarajan'");
  assert.ok(create, JSON.stringify(actions.map((a) => a.title)));
  return create;
}

test('the server offers document links, folding and selection ranges', async () => {
  await withServer(async (s) => {
    const caps = s.initializeResult.capabilities;
    assert.deepEqual(caps.documentLinkProvider, { resolveProvider: false });
    assert.equal(caps.foldingRangeProvider, true);
    assert.equal(caps.selectionRangeProvider, true);
  });
});

test('documentLink: every link to a note, at the heading it names; broken links and code are not links', async () => {
  await withServer(async (s, vault) => {
    const uri = await s.open(KICKOFF);
    const links = await s.request('textDocument/documentLink', { textDocument: { uri } });
    const text = s.text(uri);
    const got = links.map((l) => [l.range.start.line, text.split('\n')[l.range.start.line].slice(l.range.start.character, l.range.end.character), uriPath(l.target.replace(/#L\d+$/, '')), (l.target.match(/#L\d+$/) ?? [''])[0]]);
    const note = (rel) => path.join(vault, rel).normalize('NFC');
    assert.deepEqual(got, [
      [18, 'Contoso', note('Accounts/Contoso.md'), ''],
      [19, 'Ana Ruiz', note('People/Ana Ruiz.md'), ''],
      [19, 'Jonas Becker', note('People/Jonas Becker.md'), ''],
      [23, 'Project Atlas', note('Projects/Project Atlas.md'), ''],
      [31, 'Fabrikam', note('Accounts/Fabrikam.md'), ''],
      [32, 'Zoë Lindahl', note('People/Zoë Lindahl.md'), ''],
      [39, 'Contoso', note('Accounts/Contoso.md'), ''],
      [40, 'Ana Ruiz', note('People/Ana Ruiz.md'), ''],
      [41, 'Project Atlas', note('Projects/Project Atlas.md'), '#L10'],
    ]);
    assert.equal(links[0].tooltip, 'Accounts/Contoso.md');
  });
});

test('documentLink: links and embeds of attachments the vault has; a missing one is reported', async () => {
  await withServer(
    async (s, vault) => {
      const uri = await s.open('Projects/Apollo.md', {
        text: '# Apollo\n\n[the plan](files/plan.pdf) [gone](files/gone.pdf) ![[plan.pdf]]\n',
      });
      const links = await s.request('textDocument/documentLink', { textDocument: { uri } });
      const pdf = fileUri(path.join(vault, 'Projects/files/plan.pdf'));
      assert.deepEqual(links.map((l) => [l.target, l.range]), [
        [pdf, { start: { line: 2, character: 11 }, end: { line: 2, character: 25 } }],
        [pdf, { start: { line: 2, character: 53 }, end: { line: 2, character: 61 } }],
      ]);
      const diags = await s.pullDiagnostics(uri);
      assert.deepEqual(diags.map((d) => d.message), ["broken link: no file 'files/gone.pdf' in the vault"]);
      // A file added later (the editor reports it) is found; one deleted is missing again.
      fs.writeFileSync(path.join(vault, 'Projects/files/gone.pdf'), '%PDF-1.4\n');
      await s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(vault, 'Projects/files/gone.pdf')), type: 1 }] });
      assert.deepEqual(await s.pullDiagnostics(uri), []);
      await s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pdf, type: 3 }] });
      assert.equal((await s.pullDiagnostics(uri)).length, 2);
    },
    (vault) => {
      fs.mkdirSync(path.join(vault, 'Projects/files'));
      fs.writeFileSync(path.join(vault, 'Projects/files/plan.pdf'), '%PDF-1.4\n');
    },
  );
});

test('foldingRange: frontmatter, heading sections without trailing blank lines, code blocks', async () => {
  await withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const folds = await s.request('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(
      folds.map((f) => [f.startLine, f.endLine]),
      [
        [0, 13], // frontmatter
        [15, 46], // # Storage pilot kickoff with Contoso
        [21, 24], // ## Summary
        [26, 32], // ## Action Items
        [34, 35], // ## Decisions
        [37, 46], // ## Related
        [44, 46], // the code block
      ],
    );
  });
});

test('foldingRange: a list item with nested items folds', async () => {
  await withServer(async (s) => {
    const uri = await s.open('Inbox.md', { text: '# Inbox\n\n- one\n  - nested\n  - more\n- two\n' });
    const folds = await s.request('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(folds.map((f) => [f.startLine, f.endLine]), [[0, 5], [2, 4]]);
  });
});

test('selectionRange: link target, link, line, section, note', async () => {
  await withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const text = s.text(uri);
    const position = positionOf(text, '[[Ana Ruiz]]', { delta: 4 });
    const [sel] = await s.request('textDocument/selectionRange', { textDocument: { uri }, positions: [position] });
    const chain = [];
    for (let r = sel; r; r = r.parent) chain.push(r.range);
    const at = (needle, len) => {
      const p = positionOf(text, needle);
      return { start: p, end: { line: p.line, character: p.character + len } };
    };
    const line = '**Attendees**: Myself, [[Ana Ruiz]], [[Jonas Becker]]';
    assert.deepEqual(chain, [
      at('Ana Ruiz]], [[Jonas', 'Ana Ruiz'.length),
      at('[[Ana Ruiz]], [[Jonas', '[[Ana Ruiz]]'.length),
      { start: { line: 19, character: 0 }, end: { line: 19, character: line.length } },
      { start: { line: 15, character: 0 }, end: { line: 46, character: 3 } },
      { start: { line: 0, character: 0 }, end: { line: 47, character: 0 } },
    ]);
  });
});

test('alias-link: a link by title gets a hint whose fix names the file and keeps the text', async () => {
  await withServer(async (s) => {
    const uri = await s.open('Inbox.md');
    const diags = await s.pullDiagnostics(uri);
    const hint = diags.find((d) => d.code === 'alias-link');
    assert.equal(hint.severity, 4);
    const actions = await s.request('textDocument/codeAction', {
      textDocument: { uri },
      range: hint.range,
      context: { diagnostics: [hint] },
    });
    const fix = actions.find((a) => a.title.startsWith('Link by file name'));
    s.applyWorkspaceEdit(fix.edit);
    assert.equal(
      s.text(uri).split('\n')[2],
      '- [ ] Read the pilot notes from [[2025-11-06 - Storage pilot kickoff with Contoso|Storage pilot kickoff with Contoso]] #task',
    );
  });
});

test('alias-link in a vault of markdown links: the fix writes a markdown link in the vault\'s format', async () => {
  await withServer(
    async (s) => {
      const uri = await s.open('Inbox.md');
      const hint = (await s.pullDiagnostics(uri)).find((d) => d.code === 'alias-link');
      const actions = await s.request('textDocument/codeAction', {
        textDocument: { uri },
        range: hint.range,
        context: { diagnostics: [hint] },
      });
      s.applyWorkspaceEdit(actions.find((a) => a.title.startsWith('Link by file name')).edit);
      assert.equal(
        s.text(uri).split('\n')[2],
        '- [ ] Read the pilot notes from [Storage pilot kickoff with Contoso](Meetings/2025-11-06%20-%20Storage%20pilot%20kickoff%20with%20Contoso.md) #task',
      );
    },
    (vault) =>
      fs.writeFileSync(path.join(vault, '.obsidian/app.json'), JSON.stringify({ useMarkdownLinks: true, newLinkFormat: 'relative' })),
  );
});

test('.gitignore: what git ignores is not indexed; the vault\'s excluded files still resolve', async () => {
  await withServer(
    async (s) => {
      const uri = await s.open('People/Jonas Becker.md');
      const diags = await s.pullDiagnostics(uri);
      assert.deepEqual(diags.map((d) => d.code), [], 'no ambiguous link to the ignored copy');
      const defs = await s.request('textDocument/definition', {
        textDocument: { uri },
        position: positionOf(s.text(uri), '[[Ana Ruiz]]', { delta: 3 }),
      });
      assert.equal(uriPath(defs.uri).endsWith('People/Ana Ruiz.md'), true);
    },
    (vault) => {
      fs.writeFileSync(path.join(vault, '.gitignore'), '# exports\nexport/\n');
      fs.mkdirSync(path.join(vault, 'export'));
      fs.writeFileSync(path.join(vault, 'export/Ana Ruiz.md'), '# Ana Ruiz (export)\n');
      fs.writeFileSync(path.join(vault, '.obsidian/app.json'), '{"userIgnoreFilters": ["People/"]}');
    },
  );
});

test('create note from an unknown @mention: in the person folder (a glob), from the person template', async () => {
  const settings = {
    ...TEST_SETTINGS,
    folders: { ...TEST_SETTINGS.folders, person: ['**/People'] },
    templates: { person: 'Templates/Person.md' },
  };
  await withServer(
    async (s, vault) => {
      const uri = await s.open('Inbox.md', { text: '# Inbox\n\n- [ ] Call @Priya Natarajan about the pilot #task\n' });
      const create = await createPriyaAction(s, uri);
      const [op, write] = create.edit.documentChanges;
      assert.equal(op.kind, 'create');
      assert.equal(uriPath(op.uri), path.join(vault, 'People/Priya Natarajan.md'));
      assert.equal(write.edits[0].newText, '---\ntype: person\ntitle: Priya Natarajan\ncreated: 2025-11-15\n---\n# Priya Natarajan\n');
    },
    (vault) => {
      fs.mkdirSync(path.join(vault, 'Templates'));
      fs.writeFileSync(path.join(vault, 'Templates/Person.md'), '---\ntype: person\ntitle: {{title}}\ncreated: {{ date }}\n---\n# {{title}}\n');
    },
    settings,
  );
});

test('create note: a glob person folder is the first existing folder it matches in path order, else its last plain name', async () => {
  const createIn = async (glob, setup) => {
    let where = null;
    await withServer(
      async (s, vault) => {
        const uri = await s.open('Inbox.md', { text: '# Inbox\n\n- [ ] Call @Priya Natarajan #task\n' });
        const create = await createPriyaAction(s, uri);
        where = path.relative(vault, uriPath(create.edit.documentChanges[0].uri));
      },
      setup,
      { ...TEST_SETTINGS, folders: { ...TEST_SETTINGS.folders, person: [glob] } },
    );
    return where;
  };
  const nested = (vault) => {
    fs.mkdirSync(path.join(vault, 'Clients/People'), { recursive: true });
    fs.writeFileSync(path.join(vault, 'Clients/People/Zed Okafor.md'), '# Zed Okafor\n');
  };
  assert.equal(await createIn('**/People', nested), 'Clients/People/Priya Natarajan.md');
  assert.equal(await createIn('Teams/*/People', () => {}), 'People/Priya Natarajan.md');
});

test('links in frontmatter properties: completion, definition and references see them', async () => {
  await withServer(async (s, vault) => {
    const text = '---\nrelated: "[[Ana Ruiz]]"\nsee:\n  - "[[Jon"\n---\n# Note\n';
    const uri = await s.open('Inbox.md', { text });
    const items = await s.request('textDocument/completion', {
      textDocument: { uri },
      position: { line: 3, character: 10 },
      context: { triggerKind: 1 },
    });
    const list = Array.isArray(items) ? items : items.items;
    assert.ok(list.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'Jonas Becker'), JSON.stringify(list.slice(0, 5)));
    const def = await s.request('textDocument/definition', { textDocument: { uri }, position: { line: 1, character: 14 } });
    const defs = Array.isArray(def) ? def : [def];
    assert.equal(uriPath(defs[0].uri ?? defs[0].targetUri), path.join(vault, 'People/Ana Ruiz.md'));
    const ana = await s.open('People/Ana Ruiz.md');
    const refs = await s.request('textDocument/references', {
      textDocument: { uri: ana },
      position: { line: 11, character: 3 },
      context: { includeDeclaration: false },
    });
    assert.ok(refs.some((r) => r.uri === uri && r.range.start.line === 1), JSON.stringify(refs));
  });
});

test('.obsidian/app.json: completion writes vault paths for newLinkFormat absolute and leaves out excluded files', async () => {
  await withServer(
    async (s) => {
      const uri = await s.open('Inbox.md', { text: '# Inbox\n\n[[Jonas\n[[Apol\n' });
      const labels = async (line, character) => {
        const res = await s.request('textDocument/completion', { textDocument: { uri }, position: { line, character }, context: { triggerKind: 1 } });
        const list = Array.isArray(res) ? res : res.items;
        return list.map((i) => [typeof i.label === 'string' ? i.label : i.label.label, i.textEditText ?? i.textEdit?.newText ?? i.insertText]);
      };
      const jonas = await labels(2, 7);
      assert.deepEqual(jonas.find(([l]) => l === 'People/Jonas Becker'), ['People/Jonas Becker', 'People/Jonas Becker]]']);
      const apollo = (await labels(3, 6)).map(([l]) => l);
      assert.ok(apollo.includes('Projects/Apollo'), JSON.stringify(apollo));
      assert.ok(!apollo.some((l) => l.startsWith('Archive/')), 'excluded: Archive/');
    },
    (vault) => {
      fs.writeFileSync(path.join(vault, '.obsidian/app.json'), '{"newLinkFormat": "absolute", "userIgnoreFilters": ["Archive/"]}');
    },
  );
});

test('.obsidian/app.json useMarkdownLinks: a [[ completion\'s edit writes the markdown link over [[typed]], as Obsidian does', async () => {
  await withServer(
    async (s) => {
      const text = '# Inbox\n\nSee [[Jonas]] and ![[Jonas Becker#Jo\n';
      const uri = await s.open('Inbox.md', { text });
      const pick = async (after, label) => {
        const position = positionOf(s.text(uri), after, { delta: after.length });
        const res = await s.request('textDocument/completion', { textDocument: { uri }, position, context: { triggerKind: 1 } });
        const list = Array.isArray(res) ? res : res.items;
        const item = list.find((i) => i.label === label);
        assert.ok(item, JSON.stringify(list.map((i) => i.label)));
        // VS Code's capabilities: the range may come once, in itemDefaults.editRange.
        const edit = item.textEdit ?? { range: res.itemDefaults.editRange, newText: item.textEditText };
        // The client filters on the replaced text: the filter starts with it.
        const typed = s.text(uri).split('\n')[edit.range.start.line].slice(edit.range.start.character, position.character);
        assert.ok((item.filterText ?? item.label).startsWith(typed), `${item.filterText} / ${typed}`);
        await s.applyEditsToOpen(uri, [edit]);
      };
      await pick('[[Jonas', 'Jonas Becker'); // the "]]" the editor closed the link with goes too
      assert.equal(s.text(uri), '# Inbox\n\nSee [Jonas Becker](Jonas%20Becker.md) and ![[Jonas Becker#Jo\n');
      await pick('![[Jonas Becker#Jo', 'Jonas Becker'); // the title heading, embedded
      assert.equal(
        s.text(uri),
        '# Inbox\n\nSee [Jonas Becker](Jonas%20Becker.md) and ![Jonas Becker > Jonas Becker](Jonas%20Becker.md#Jonas%20Becker)\n',
      );
    },
    (vault) => fs.writeFileSync(path.join(vault, '.obsidian/app.json'), '{"useMarkdownLinks": true}'),
  );
});

/** A new temporary folder (real path) and a writer of files under it. */
function tempBase() {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'notes-lsp-e2e-')));
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
    fs.writeFileSync(path.join(base, rel), text);
  };
  return { base, write };
}

/** Serves the folders `names` of base as workspace folders, in that order, to fn(s); removes base. */
async function withFolders(base, names, fn) {
  const s = new LspSession({ cwd: base });
  try {
    s.start();
    const folders = names.map((v) => ({ uri: fileUri(path.join(base, v)), name: v }));
    await s.initialize({ capabilities: VSCODE_CAPS, extra: { workspaceFolders: folders } });
    await s.initialized();
    await s.waitForIndex();
    await fn(s);
  } finally {
    await s.dispose();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

/** The edits of the completion items at the end of `typed`, the text of a new note at rel, sorted. */
async function completeNew(s, rel, typed) {
  const uri = await s.open(rel, { text: typed });
  const res = await s.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: typed.length } });
  await s.close(uri);
  return (Array.isArray(res) ? res : res.items).map((i) => i.textEditText ?? i.textEdit?.newText ?? i.insertText).sort();
}

/**
 * Two workspace folders, each an Obsidian vault with its own .obsidian settings: folder A writes
 * markdown links with absolute paths, excludes Archive, keeps its templates in Templates and
 * dates them DD.MM.YYYY; folder B keeps Obsidian's defaults. Each note is served with its own
 * folder's settings, whichever folder comes last.
 */
function twoVaults() {
  const { base, write } = tempBase();
  write('A/.obsidian/app.json', JSON.stringify({ useMarkdownLinks: true, newLinkFormat: 'absolute', userIgnoreFilters: ['Archive/'] }));
  write('A/.obsidian/templates.json', JSON.stringify({ folder: 'Templates', dateFormat: 'DD.MM.YYYY' }));
  write('B/.obsidian/app.json', JSON.stringify({ useMarkdownLinks: false, newLinkFormat: 'shortest' }));
  // Names differ between the folders: a name is looked up across every folder.
  for (const [v, person, archived] of [['A', 'Tanvir Rahman', 'Tally'], ['B', 'Bo Lee', 'Bolt']]) {
    write(`${v}/.notes-lsp.yaml`, 'templates:\n  note: Kinds/Note.md\n');
    write(`${v}/Kinds/Note.md`, 'Created {{date}}. See [[Nowhere]].\n');
    write(`${v}/Templates/Daily.md`, 'See [[Nowhere]].\n');
    write(`${v}/People/${person}.md`, `# ${person}\n`);
    write(`${v}/Archive/${archived}.md`, `# ${archived}\n`);
    write(`${v}/Notes/Draft.md`, 'Ask [[Missing note]]\n');
  }
  return base;
}

test('several workspace folders: each vault\'s own .obsidian settings for its notes', async () => {
  await withFolders(twoVaults(), ['A', 'B'], async (s) => {
    // Completion: A writes a markdown link with the vault path and never offers Archive/.
    const complete = (rel, typed) => completeNew(s, rel, typed);
    assert.deepEqual(await complete('A/Notes/New.md', '[[Ta'), ['[Tanvir Rahman](People/Tanvir%20Rahman.md)']);
    assert.deepEqual(await complete('B/Notes/New.md', '[[Bo'), ['Bo Lee]]', 'Bolt]]']);

    // Diagnostics: A's templates are placeholders, B has no template folder.
    const broken = async (rel) => {
      const uri = await s.open(rel);
      const codes = (await s.pullDiagnostics(uri)).map((d) => d.code);
      await s.close(uri);
      return codes;
    };
    assert.deepEqual(await broken('A/Templates/Daily.md'), []);
    assert.deepEqual(await broken('B/Templates/Daily.md'), ['broken-link']);

    // A new note from a broken link: its vault's template date format.
    const created = async (v) => {
      const uri = await s.open(`${v}/Notes/Draft.md`);
      const d = (await s.pullDiagnostics(uri)).find((x) => x.code === 'broken-link');
      const actions = await s.request('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
      await s.close(uri);
      const edit = actions.find((a) => a.title === "Create note 'Missing note'").edit;
      return edit.documentChanges.find((c) => c.edits).edits[0].newText;
    };
    assert.equal(await created('A'), 'Created 15.11.2025. See [[Nowhere]].\n');
    assert.equal(await created('B'), 'Created 2025-11-15. See [[Nowhere]].\n');

    // Rename: A writes the new vault path, B the shortest name.
    const renamed = async (v, person, newName) => {
      const uri = await s.open(`${v}/Notes/Ask.md`, { text: `Ask [[${person}]]\n` });
      const edit = await s.request('textDocument/rename', { textDocument: { uri }, position: { line: 0, character: 8 }, newName });
      await s.close(uri);
      const change = edit.documentChanges.find((c) => c.textDocument?.uri === uri);
      return change.edits.map((e) => e.newText);
    };
    assert.deepEqual(await renamed('A', 'Tanvir Rahman', 'Tanvir R'), ['People/Tanvir R']);
    assert.deepEqual(await renamed('B', 'Bo Lee', 'Bo L'), ['Bo L']);
  });
});

test('several workspace folders: a link never leaves its own folder\'s vault, as in Obsidian', async () => {
  // Both vaults have a note Shared; B's sits at its root, so a lookup across folders would prefer
  // it (the shortest path) from A too. Only B has Only B and Onlooker.
  const { base, write } = tempBase();
  write('A/Topics/Shared.md', '# Shared in A\n');
  write('B/Shared.md', '# Shared in B\n');
  write('B/Only B.md', '# Only B\n');
  write('B/Onlooker.md', '# Onlooker\n');
  write('B/pic.png', 'not really a png');
  write('B/People/Bo Lee.md', '# Bo Lee\n');
  write('B/Accounts/Bolt.md', '# Bolt\n');
  // B first: the order of the folders must not matter either.
  await withFolders(base, ['B', 'A'], async (s) => {
    const text = '---\naccount: Bolt\n---\nSee [[Shared]] and [[Only B]]. ![[pic.png]]\nAsk @Bo Lee\n';
    const target = async (v) => {
      const uri = await s.open(`${v}/Notes/Link.md`, { text });
      const got = locations(await s.request('textDocument/definition', { textDocument: { uri }, position: { line: 3, character: 8 } }));
      const codes = (await s.pullDiagnostics(uri)).map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}`);
      await s.close(uri);
      return { target: got.map((l) => path.relative(base, uriPath(l.uri))), codes };
    };
    assert.deepEqual(await target('A'), { target: [path.join('A', 'Topics', 'Shared.md')], codes: ['unknown-account 1:9', 'broken-link 3:19', 'broken-link 3:31', 'unknown-person 4:4'] });
    assert.deepEqual(await target('B'), { target: [path.join('B', 'Shared.md')], codes: [] });

    // Completion in A offers A's notes only, for wikilinks and markdown links alike.
    const complete = (rel, typed) => completeNew(s, rel, typed);
    assert.deepEqual(await complete('A/Notes/New.md', '[[On'), []);
    assert.deepEqual(await complete('A/Notes/New.md', '[[Sha'), ['Shared]]']);
    assert.deepEqual(await complete('A/Notes/New.md', '[x](On'), []);
    assert.deepEqual(await complete('B/Notes/New.md', '[[On'), ['Onlooker]]', 'Only B]]']);

    // Rename: a name only B has is free in A.
    const uri = await s.open('A/Notes/Ask.md', { text: 'Ask [[Shared]]\n' });
    const edit = await s.request('textDocument/rename', { textDocument: { uri }, position: { line: 0, character: 8 }, newName: 'Only B' });
    await s.close(uri);
    const moved = edit.documentChanges.filter((c) => c.kind === 'rename').map((c) => path.relative(base, uriPath(c.newUri)));
    assert.deepEqual(moved, [path.join('A', 'Topics', 'Only B.md')]);
  });
});

/** willRenameFiles for folder `from` -> `to` (paths under base): each edited file (relative to base) with its text once edited. */
async function folderMoveEdits(s, base, from, to) {
  const edit = await s.request('workspace/willRenameFiles', { files: [{ oldUri: fileUri(path.join(base, from)), newUri: fileUri(path.join(base, to)) }] });
  return Object.fromEntries((edit?.documentChanges ?? []).filter((c) => c.edits).map((c) => {
    const file = uriPath(c.textDocument.uri);
    return [path.relative(base, file), applyTextEdits(fs.readFileSync(file, 'utf8'), c.edits)];
  }));
}

test('several workspace folders: a folder move judges links by its own vault only', async () => {
  // B has Ana at its root: looked up across folders it would be what [[Ana]] names after the
  // move (the shortest path), so A's path link would have to stay a path.
  const { base, write } = tempBase();
  write('A/People/Ana.md', '# Ana\n');
  write('A/Notes/L.md', 'See [[People/Ana]], [[Ana]] and [her](../People/Ana.md).\n');
  write('B/Ana.md', '# Ana in B\n');
  write('B/Notes/L.md', 'See [[Ana]].\n');
  // Two notes Lee in A: [[Lee]] names the shorter path, which the move makes the longer.
  write('A/Team/Lee.md', '# Lee\n');
  write('A/Crew/X/Lee.md', '# Lee 2\n');
  write('A/Notes/M.md', 'Ask [[Lee]].\n');
  await withFolders(base, ['B', 'A'], async (s) => {
    assert.deepEqual(await folderMoveEdits(s, base, 'A/People', 'A/Staff'), {
      [path.join('A', 'Notes', 'L.md')]: 'See [[Ana]], [[Ana]] and [her](Ana.md).\n',
    });
    assert.deepEqual(await folderMoveEdits(s, base, 'A/Team', 'A/Old/Teams/Team'), {
      [path.join('A', 'Notes', 'M.md')]: 'Ask [[Old/Teams/Team/Lee]].\n',
    });
    // B's own Ana moving does not touch A.
    assert.deepEqual(await folderMoveEdits(s, base, 'B', 'B2'), {});
  });
});

test('several workspace folders: tags and mentions are each vault\'s own', async () => {
  const { base, write } = tempBase();
  write('A/Notes/One.md', '# One\n\n#shared and #only-a\n');
  write('B/Notes/Two.md', '# Two\n\n#shared #shared/deep\n');
  write('B/Notes/Three.md', '---\ntags: [shared]\n---\n# Three\n');
  write('B/People/Bo Lee.md', '---\ntype: person\n---\n# Bo Lee\n');
  await withFolders(base, ['A', 'B'], async (s) => {
    const rel = (uri) => path.relative(base, uriPath(uri));
    // References of #shared from A: A's use only.
    const one = await s.open('A/Notes/One.md');
    const refs = await s.request('textDocument/references', { textDocument: { uri: one }, position: { line: 2, character: 3 }, context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((l) => rel(l.uri)), [path.join('A', 'Notes', 'One.md')]);
    // Hover counts the uses in A's vault.
    const hover = await s.request('textDocument/hover', { textDocument: { uri: one }, position: { line: 2, character: 3 } });
    assert.match(hover.contents.value, /used 1 time in the vault/);
    // Renaming it in A edits A only; from B, B's three uses (the nested tag too) and not A's.
    const renamed = async (uri, position) => {
      const edit = await s.request('textDocument/rename', { textDocument: { uri }, position, newName: 'common' });
      return edit.documentChanges.map((c) => [rel(c.textDocument.uri), c.edits.length]).sort();
    };
    assert.deepEqual(await renamed(one, { line: 2, character: 3 }), [[path.join('A', 'Notes', 'One.md'), 1]]);
    const two = await s.open('B/Notes/Two.md');
    assert.deepEqual(await renamed(two, { line: 2, character: 3 }), [[path.join('B', 'Notes', 'Three.md'), 1], [path.join('B', 'Notes', 'Two.md'), 2]]);
    // Completion of tags: each vault's tags with its own counts.
    const tags = async (rel, typed) => {
      const uri = await s.open(rel, { text: typed });
      const res = await s.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: typed.length } });
      await s.close(uri);
      return (Array.isArray(res) ? res : res.items).map((i) => `${i.label} ${i.detail}`).sort();
    };
    assert.deepEqual(await tags('A/Notes/New.md', '#sh'), ['shared tag, used 1 time']);
    assert.deepEqual(await tags('B/Notes/New.md', '#sh'), ['shared tag, used 2 times', 'shared/deep tag, used 1 time']);
    // Selection ranges: @Bo Lee is a person's name in B only; in A the mention is its first word.
    const sel = async (rel) => {
      const uri = await s.open(rel, { text: 'Ask @Bo Lee now\n' });
      const [r] = await s.request('textDocument/selectionRange', { textDocument: { uri }, positions: [{ line: 0, character: 6 }] });
      await s.close(uri);
      return r.range.end.character;
    };
    assert.equal(await sel('A/Notes/Ask.md'), 7);
    assert.equal(await sel('B/Notes/Ask.md'), 11);
  });
});

test('several workspace folders: the task query resolves owners in each task\'s vault and can keep to one folder', async () => {
  // Both vaults have a person Bo Lee, each under another title: a name resolved across folders
  // would find one of them only. Only B knows Tam, so A's @Tam is a name as written.
  const { base, write } = tempBase();
  write('A/People/Bo Lee.md', '---\ntype: person\naliases: [Bobby]\n---\n# Bo Lee\n');
  write('B/People/Bo Lee.md', '---\ntype: person\naliases: [Robert]\n---\n# Bo Lee\n');
  write('B/People/Tam.md', '---\ntype: person\n---\n# Tam\n');
  write('A/Tasks.md', '# Tasks\n\n- [ ] a1 @Bobby\n- [ ] a2 @Tam\n');
  write('B/Tasks.md', '# Tasks\n\n- [ ] b1 @Robert\n- [ ] b2 @Tam\n- [ ] b3 @Bobby\n');
  await withFolders(base, ['A', 'B'], async (s) => {
    const tasks = async (filters) => {
      const got = await s.request('workspace/executeCommand', { command: 'notes-lsp.tasks', arguments: [{ sort: 'path', today: '2025-11-15', ...filters }] });
      return got.map((t) => `${path.relative(base, uriPath(t.uri))} ${t.description.split(' ')[0]} ${t.owners.join(',')}`);
    };
    // @Bobby is Bo Lee in A only; in B it names no one.
    assert.deepEqual(await tasks({ owner: 'Bo Lee' }), [`${path.join('A', 'Tasks.md')} a1 Bo Lee`, `${path.join('B', 'Tasks.md')} b1 Bo Lee`]);
    // Tam is a person in B, a name as written in A: both match it.
    assert.deepEqual(await tasks({ owner: 'Tam' }), [`${path.join('A', 'Tasks.md')} a2 Tam`, `${path.join('B', 'Tasks.md')} b2 Tam`]);
    // One folder, by path or by URI; a folder the server does not serve holds no task.
    assert.deepEqual(await tasks({ owner: 'Bo Lee', folder: path.join(base, 'B') }), [`${path.join('B', 'Tasks.md')} b1 Bo Lee`]);
    assert.deepEqual(await tasks({ folder: fileUri(path.join(base, 'A')) }), [`${path.join('A', 'Tasks.md')} a1 Bo Lee`, `${path.join('A', 'Tasks.md')} a2 Tam`]);
    assert.deepEqual(await tasks({ folder: path.join(base, 'C') }), []);
  });
});

test('nested workspace folders: the inner folder is its own vault, whichever comes first', async () => {
  // Obsidian opens a folder with its own .obsidian as its own vault; the index keeps one note
  // per file, in the innermost folder that holds it, so the outer vault does not reach it.
  for (const order of [['A', 'A/Sub'], ['A/Sub', 'A']]) {
    const { base, write } = tempBase();
    write('A/Outer.md', '# Outer\n\nSee [[Inner]] and [[Deep]].\n');
    write('A/Sub/.obsidian/app.json', '{}');
    write('A/Sub/Inner.md', '# Inner\n\nSee [[Outer]] and [[Deep]].\n');
    write('A/Sub/x/Deep.md', '# Deep\n');
    await withFolders(base, order, async (s) => {
      const broken = async (rel) => {
        const uri = await s.open(rel);
        const got = (await s.pullDiagnostics(uri)).filter((d) => d.code === 'broken-link').map((d) => d.message);
        await s.close(uri);
        return got;
      };
      assert.deepEqual(await broken('A/Outer.md'), ["broken link: no note named 'Inner'", "broken link: no note named 'Deep'"]);
      assert.deepEqual(await broken('A/Sub/Inner.md'), ["broken link: no note named 'Outer'"]);
    });
  }
});
