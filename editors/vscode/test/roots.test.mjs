// The vault root the extension starts a server for (src/roots.ts), on real folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { loadTs } = require('./helpers.cjs');
const { findRoot } = loadTs('src/roots.ts');

test('vault marker, then .git, then the workspace folder holding the note, then its folder', () => {
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'notes-lsp-roots-')));
  try {
    for (const d of ['repo/.git', 'repo/notes/vault/.obsidian', 'repo/notes/vault/People', 'repo/notes/sub',
      'yaml/.notes-lsp.yaml', 'bare/Meetings', 'elsewhere/x']) {
      fs.mkdirSync(path.join(tmp, d), { recursive: true });
    }
    const p = (rel) => path.join(tmp, rel);
    assert.equal(findRoot(p('repo/notes/vault/People/a.md'), []), p('repo/notes/vault'), 'vault inside a repository');
    assert.equal(findRoot(p('repo/notes/sub/a.md'), []), p('repo'), 'git repository');
    assert.equal(findRoot(p('yaml/a.md'), []), p('yaml'), '.notes-lsp.yaml');
    assert.equal(findRoot(p('bare/Meetings/a.md'), [p('bare')]), p('bare'), 'no marker: the workspace folder');
    assert.equal(findRoot(p('bare/Meetings/a.md'), [p('bare'), p('bare/Meetings')]), p('bare/Meetings'),
      'the innermost workspace folder');
    assert.equal(findRoot(p('bare/Meetings/a.md'), [p('elsewhere')]), p('bare/Meetings'),
      'no marker, outside every workspace folder: the note\'s folder');
    assert.equal(findRoot(p('bare/Meetings/a.md'), [p('bare/Meet')]), p('bare/Meetings'), 'a name prefix is not a parent');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
