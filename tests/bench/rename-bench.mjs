// Rename and move latency on a generated vault, through vscode-jsonrpc, as a client sees it.
// Run by hand (never by ctest): build the server, generate a vault, then
//   python3 ../shared/bench/gen_vault.py --notes 10000 /tmp/v10k
//   node tests/bench/rename-bench.mjs /tmp/v10k [runs]
// It renames the account with the most `account:` values (and its links and tags) to a new
// name and back, and asks willRenameFiles for moving the Accounts folder; times are the
// median of `runs` requests in ms, with how many files each edit touches. When the vault has
// assets/diagram.png (see tests/bench/README.md), it also asks willRenameFiles for moving that
// one attachment to Images/, with the server's CPU per request (the run time of its threads in
// /proc/PID/task/*/schedstat), which a loaded machine inflates far less than latency.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspSession, REPO_ROOT, TEST_SETTINGS, fileUri } from '../e2e/lib/lsp-session.mjs';

const vault = path.resolve(process.argv[2] ?? '');
const runs = Number(process.argv[3] ?? 7);
if (!fs.existsSync(path.join(vault, 'Accounts'))) throw new Error(`not a generated vault: ${vault}`);
const caps = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'editors/vscode/test/fixtures/vscode-client-capabilities.json'), 'utf8'));

// The account most notes name in `account:`.
const counts = new Map();
for (const dir of ['Meetings', 'People']) {
  for (const f of fs.readdirSync(path.join(vault, dir), { recursive: true })) {
    if (!f.endsWith('.md')) continue;
    const m = /^account: (.*)$/m.exec(fs.readFileSync(path.join(vault, dir, f), 'utf8'));
    if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
}
const account = [...counts].sort((a, b) => b[1] - a[1])[0][0];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = new LspSession({ cwd: vault, settings: { ...TEST_SETTINGS, logLevel: 'error' }, timeout: 120000 });
s.start();
await s.initialize({ capabilities: caps });
await s.initialized();
await s.waitForIndex({ timeout: 120000 });
const rel = `Accounts/${account}.md`;
const uri = await s.open(rel);
const text = s.text(uri);
const h1 = text.split('\n').findIndex((l) => l.startsWith('# '));
const times = [];
let files = 0;
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  const edit = await s.request('textDocument/rename', {
    textDocument: { uri },
    position: { line: h1, character: 3 },
    newName: `${account} Renamed`,
  });
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  files = edit.documentChanges.filter((d) => d.textDocument).length;
}
/** The server's CPU so far in ms: the run time of its threads. */
const serverCpu = () => {
  let ns = 0;
  for (const t of fs.readdirSync(`/proc/${s.proc.pid}/task`)) {
    ns += Number(fs.readFileSync(`/proc/${s.proc.pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
  }
  return ns / 1e6;
};
const moveTimes = [];
const moveCpu = [];
let moveFiles = 0;
for (let i = 0; i < runs; i++) {
  const c0 = serverCpu();
  const t0 = process.hrtime.bigint();
  const edit = await s.request('workspace/willRenameFiles', {
    files: [{ oldUri: fileUri(path.join(vault, 'Accounts')), newUri: fileUri(path.join(vault, 'Customers/Accounts')) }],
  });
  moveTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  moveCpu.push(serverCpu() - c0);
  moveFiles = edit ? (edit.documentChanges ?? []).length : 0;
}
const attTimes = [];
const attCpu = [];
let attFiles = 0;
const att = path.join(vault, 'assets/diagram.png');
for (let i = 0; fs.existsSync(att) && i < runs; i++) {
  const c0 = serverCpu();
  const t0 = process.hrtime.bigint();
  const edit = await s.request('workspace/willRenameFiles', {
    files: [{ oldUri: fileUri(att), newUri: fileUri(path.join(vault, 'Images/diagram.png')) }],
  });
  attTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  attCpu.push(serverCpu() - c0);
  attFiles = edit ? (edit.documentChanges ?? []).length : 0;
}
console.log(`notes: ${fs.readdirSync(vault, { recursive: true }).filter((f) => f.endsWith('.md')).length}`);
console.log(`rename account '${account}' (${counts.get(account)} account: values): median ${median(times).toFixed(1)} ms over ${runs} runs, ${files} files edited`);
console.log(`willRenameFiles Accounts/ -> Customers/Accounts/: median ${median(moveTimes).toFixed(1)} ms, server CPU median ${median(moveCpu).toFixed(1)} ms over ${runs} runs, ${moveFiles} files edited`);
if (attTimes.length > 0) {
  console.log(`willRenameFiles assets/diagram.png -> Images/diagram.png: median ${median(attTimes).toFixed(1)} ms, server CPU median ${median(attCpu).toFixed(1)} ms over ${runs} runs, ${attFiles} files edited`);
}
await s.shutdownAndExit();
