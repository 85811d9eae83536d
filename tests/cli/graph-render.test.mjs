// `notes-lsp graph` output through the real renderers' parsers: every Mermaid golden output
// (tests/data/graph/*/expected) and a vault of hostile names must parse with Mermaid's own
// parser (the mermaid package Obsidian bundles a version of; jsdom gives it the DOM it wants),
// and every DOT output must render with Graphviz (`dot -Tsvg`, Debian's graphviz).
// Needs `npm ci` here (tests/install-test-deps.sh) and NOTES_LSP=path/to/notes-lsp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cases = join(here, '..', 'data', 'graph');
const vault = join(here, '..', 'vault-example');
const bin = process.env.NOTES_LSP;

let mermaid = null;
let missing = null;
try {
  const { JSDOM } = await import('jsdom');
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  mermaid = (await import('mermaid')).default;
} catch (e) {
  missing = `mermaid/jsdom not installed: run tests/install-test-deps.sh (npm ci in tests/cli) (${e.message})`;
}
const hasDot = spawnSync('dot', ['-V']).status === 0;

function graph(args) {
  assert.ok(bin, 'NOTES_LSP is not set');
  const r = spawnSync(bin, ['graph', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// The diagram inside the ```mermaid fence the command prints.
function unfence(text) {
  const m = /^```mermaid\n([\s\S]*)```\n$/.exec(text);
  assert.ok(m, `not one fenced mermaid block:\n${text}`);
  return m[1];
}

async function parses(text) {
  try {
    assert.equal(await mermaid.parse(text), true);
  } catch (e) {
    assert.fail(`mermaid cannot parse:\n${text}\n${e.message}`);
  }
}

function renders(dot) {
  const r = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  assert.equal(r.status, 0, `dot -Tsvg failed: ${r.stderr}\n${dot}`);
  assert.equal(r.stderr, '', `dot warnings: ${r.stderr}`);
  assert.match(r.stdout, /<svg/);
  return r.stdout;
}

const goldens = readdirSync(cases).sort().map((name) => ({
  name,
  text: readFileSync(join(cases, name, 'expected'), 'utf8'),
}));

test('the parser rejects a broken diagram (the check can fail)', { skip: missing || false }, async () => {
  await assert.rejects(mermaid.parse('flowchart LR\n  a[["x"]] ===|broken b\n'));
});

test('every golden mermaid output parses', { skip: missing || false }, async () => {
  const ms = goldens.filter((g) => g.text.startsWith('```mermaid'));
  assert.ok(ms.length >= 2);
  for (const g of ms) await parses(unfence(g.text));
});

test('every golden dot output renders', { skip: hasDot ? false : 'graphviz is not installed (apt-get install graphviz)' }, () => {
  const ds = goldens.filter((g) => g.text.startsWith('digraph'));
  assert.ok(ds.length >= 2);
  for (const g of ds) renders(g.text);
});

test('the example vault, hostile names and every --around start parse and render', { skip: missing || false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nl-graph-render-'));
  try {
    const put = (rel, text) => {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    };
    put('People/Dr "Bob" <CEO> & #1.md', '---\naccount: "[[A&B \\\\ Co]]"\n---\n');
    put('People/end.md', 'See [[Graph]] and [[x-->y]].\n');
    put('People/x-->y.md', '---\naccount: "subgraph"\n---\n');
    put('People/Ünïcode 名前 ½.md', '---\naccount: "A&B \\\\ Co"\n---\n');
    put('Accounts/A&B \\ Co.md', '# A&B\n');
    put('Accounts/subgraph.md', '# subgraph\n');
    put('Projects/Graph.md', '---\naccount: subgraph\n---\n@end works on it\n');
    put('Meetings/Sync `x` {y} [z] (w) |v| ;u.md',
        '---\nparticipants: ["[[Dr \\"Bob\\" <CEO> & #1]]", end, "x-->y", "Ünïcode 名前 ½"]\n---\n[[Graph]]\n');
    for (const root of [dir, vault]) {
      await parses(unfence(graph([root])));
      if (hasDot) {
        const svg = renders(graph(['--format', 'dot', root]));
        if (root === dir) assert.match(svg, /Dr &quot;Bob&quot; &lt;CEO&gt; &amp; #1/);
      }
      const nodes = JSON.parse(graph(['--format', 'json', root])).nodes;
      assert.ok(nodes.length >= 4);
      for (const n of nodes) {
        await parses(unfence(graph(['--around', n.path.replace(/\.md$/, ''), '--depth', '1', root])));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
