// A minimal LSP client for end-to-end tests: spawns notes-lsp, talks to it through Microsoft's
// vscode-languageserver-protocol / vscode-jsonrpc (the layer vscode-languageclient uses), keeps
// its own copy of each open document, answers the server's requests the way an editor does,
// and applies workspace edits so results can be checked byte for byte.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Loaded dynamically so a missing `npm ci` is reported as such, not as a module-linking error.
async function dependency(name) {
  try {
    return await import(name);
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') {
      throw new Error(`${name} is not installed: run "npm ci" in ${E2E_DIR} (or tests/install-test-deps.sh)`);
    }
    throw err;
  }
}
/** vscode-languageserver-protocol/node: Microsoft's LSP layer over vscode-jsonrpc. */
export const protocol = await dependency('vscode-languageserver-protocol/node.js');
const defaultProtocol = protocol;
const { URI } = await dependency('vscode-uri');
export const REPO_ROOT = path.resolve(E2E_DIR, '../..');
export const VAULT_EXAMPLE = path.join(REPO_ROOT, 'tests', 'vault-example');

/** The server under test: $NOTES_LSP, else build/notes-lsp at the repository root. */
export function serverPath() {
  return process.env.NOTES_LSP || path.join(REPO_ROOT, 'build', 'notes-lsp');
}

/** Fails with a clear message when the server binary is not there. */
export function assertServerExists() {
  const p = serverPath();
  try {
    fs.accessSync(p, fs.constants.X_OK);
  } catch {
    throw new Error(`notes-lsp binary not found or not executable: ${p} (build it, or set NOTES_LSP)`);
  }
  return p;
}

/** The configuration every test sends: the example vault's layout and a fixed "today". */
export const TEST_SETTINGS = Object.freeze({
  folders: { person: ['People'], account: ['Accounts'], project: ['Projects'], meeting: ['Meetings'] },
  types: { person: ['person'], account: ['account'], project: ['project'], meeting: ['meeting'] },
  owner: ['Myself', 'me'],
  today: '2025-11-15',
  logLevel: 'warn',
});

/** Copies tests/vault-example to a fresh temporary directory; returns its real path. */
export function copyVault() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'notes-lsp-e2e-'));
  const dir = path.join(base, 'vault');
  fs.cpSync(VAULT_EXAMPLE, dir, { recursive: true });
  return fs.realpathSync(dir);
}

export function removeVault(dir) {
  if (!dir) return;
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
}

/** The URI VS Code would send for a file path (vscode-uri is VS Code's own Uri code). */
export function fileUri(p) {
  return URI.file(p).toString();
}

/** The file path of a file URI exactly as it names the file (an NFD name stays NFD). */
export function uriFsPath(uri) {
  return URI.parse(uri).fsPath;
}

/** The file path of a file URI, NFC-normalised so NFD names on disk compare equal. */
export function uriPath(uri) {
  return URI.parse(uri).fsPath.normalize('NFC');
}

// ---------------------------------------------------------------------------------------------
// Text model: positions are UTF-16 code units, as in JavaScript strings and LSP's default.

/** Offsets where each line starts; \r\n, \r and \n all end a line, as LSP says. */
export function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The text of line `n` without its line ending. */
export function lineAt(text, n) {
  const starts = lineStarts(text);
  if (n < 0 || n >= starts.length) throw new RangeError(`line ${n} out of range (${starts.length} lines)`);
  let end = n + 1 < starts.length ? starts[n + 1] : text.length;
  while (end > starts[n] && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return text.slice(starts[n], end);
}

export function offsetAt(text, pos) {
  const starts = lineStarts(text);
  if (pos.line >= starts.length) return text.length;
  if (pos.line < 0) return 0;
  const start = starts[pos.line];
  const lineLen = lineAt(text, pos.line).length;
  return start + Math.max(0, Math.min(pos.character, lineLen));
}

export function positionAt(text, offset) {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  return { line, character: offset - starts[line] };
}

/** Position of the `nth` occurrence (0-based) of `needle` in `text`, plus `delta` code units. */
export function positionOf(text, needle, { nth = 0, delta = 0 } = {}) {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" (occurrence ${nth}) not found`);
  }
  return positionAt(text, at + delta);
}

/**
 * Applies LSP TextEdits, all relative to the same original text. Edits at the same position
 * apply in array order; overlapping edits are an error, as the spec says.
 */
export function applyTextEdits(text, edits) {
  const indexed = edits.map((e, i) => ({
    start: offsetAt(text, e.range.start),
    end: offsetAt(text, e.range.end),
    newText: e.newText,
    i,
  }));
  indexed.sort((a, b) => a.start - b.start || a.i - b.i);
  for (let k = 1; k < indexed.length; k++) {
    if (indexed[k].start < indexed[k - 1].end) throw new Error('overlapping text edits');
  }
  let out = '';
  let last = 0;
  for (const e of indexed) {
    out += text.slice(last, e.start) + e.newText;
    last = e.end;
  }
  return out + text.slice(last);
}

/** The edits in an order in which applying them one after another gives the same result. */
export function sequentialOrder(edits) {
  return edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const l = b.e.range.start.line - a.e.range.start.line;
      if (l) return l;
      const c = b.e.range.start.character - a.e.range.start.character;
      return c || b.i - a.i;
    })
    .map((x) => x.e);
}

// ---------------------------------------------------------------------------------------------

export function withTimeout(promise, ms, what, session) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms waiting for ${what}${session ? session.stderrTail() : ''}`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class LspSession extends EventEmitter {
  /**
   * @param {object} opts
   * @param {string} opts.cwd       working directory of the server (the vault copy)
   * @param {string[]} [opts.args]  server arguments
   * @param {object} [opts.settings] answer to workspace/configuration for section notesLsp
   * @param {object} [opts.protocol] the vscode-languageserver-protocol/node module to use
   * @param {number} [opts.timeout] default request timeout in ms
   */
  constructor(opts) {
    super();
    this.cwd = opts.cwd;
    this.args = opts.args ?? [];
    this.settings = opts.settings ?? TEST_SETTINGS;
    this.protocol = opts.protocol ?? defaultProtocol;
    this.timeout = opts.timeout ?? 15000;
    this.docs = new Map(); // uri -> { text, version }
    this.diagnostics = new Map(); // uri -> Diagnostic[]
    this.notifications = [];
    this.serverRequests = [];
    this.appliedEdits = [];
    this.createdFiles = [];
    this.registrations = [];
    this.logErrors = [];
    this.stderr = '';
    this.closed = false;
    this.progressOpen = new Set(); // $/progress tokens begun and not yet ended
    this.rawMessages = []; // every message the server wrote, parsed independently of vscode-jsonrpc
    this.rawBuffer = Buffer.alloc(0);
  }

  // A second, independent reader of the server's stdout: it sees responses that vscode-jsonrpc
  // drops (id null, or an id it never sent) and checks the framing itself.
  tapRaw(chunk) {
    this.rawBuffer = Buffer.concat([this.rawBuffer, chunk]);
    for (;;) {
      const headerEnd = this.rawBuffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.rawBuffer.subarray(0, headerEnd).toString('ascii');
      const m = /^content-length:\s*(\d+)\s*$/im.exec(header);
      if (!m) {
        this.rawMessages.push({ framingError: header });
        this.rawBuffer = this.rawBuffer.subarray(headerEnd + 4);
        continue;
      }
      const len = Number(m[1]);
      if (this.rawBuffer.length < headerEnd + 4 + len) return;
      const body = this.rawBuffer.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.rawBuffer = this.rawBuffer.subarray(headerEnd + 4 + len);
      let msg;
      try {
        msg = JSON.parse(body);
      } catch {
        msg = { invalidJson: body };
      }
      this.rawMessages.push(msg);
      this.emit('raw', msg);
    }
  }

  /** Waits for a message from the server, as parsed by the raw reader, that matches. */
  waitForRaw(predicate, { timeout, what } = {}) {
    const found = this.rawMessages.find(predicate);
    if (found) return Promise.resolve(found);
    let listener;
    const p = new Promise((resolve) => {
      listener = (msg) => {
        if (predicate(msg)) resolve(msg);
      };
      this.on('raw', listener);
    });
    return withTimeout(p, timeout ?? this.timeout, what ?? 'a raw message', this).finally(() =>
      this.off('raw', listener),
    );
  }

  start() {
    const cmd = assertServerExists();
    this.proc = spawn(cmd, this.args, { cwd: this.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => resolve({ code, signal }));
      this.proc.on('error', (err) => resolve({ code: null, signal: null, error: err }));
    });
    this.proc.stdout.on('data', (d) => this.tapRaw(d));
    this.proc.stderr.on('data', (d) => {
      this.stderr += d.toString('utf8');
      if (this.stderr.length > 200000) this.stderr = this.stderr.slice(-100000);
    });
    // A server that died leaves stdin closed; writes must not crash the test process.
    this.proc.stdin.on('error', () => {});
    const P = this.protocol;
    const logger = {
      error: (m) => this.logErrors.push(String(m)),
      warn: (m) => this.logErrors.push(String(m)),
      info: () => {},
      log: () => {},
    };
    this.conn = P.createProtocolConnection(
      new P.StreamMessageReader(this.proc.stdout),
      new P.StreamMessageWriter(this.proc.stdin),
      logger,
    );
    this.conn.onNotification('textDocument/publishDiagnostics', (p) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.emit('diagnostics', p);
    });
    this.conn.onNotification((method, params) => {
      this.notifications.push({ method, params });
      this.emit('notification', method, params);
    });
    this.conn.onRequest('workspace/configuration', (p) => {
      this.serverRequests.push({ method: 'workspace/configuration', params: p });
      return p.items.map((item) =>
        item.section === 'notesLsp' ? this.settings : item.section ? null : { notesLsp: this.settings },
      );
    });
    this.conn.onRequest('workspace/applyEdit', (p) => {
      this.serverRequests.push({ method: 'workspace/applyEdit', params: p });
      try {
        this.applyWorkspaceEdit(p.edit, { notify: true });
        this.appliedEdits.push(p);
        this.emit('applyEdit', p);
        return { applied: true };
      } catch (err) {
        return { applied: false, failureReason: String(err.message ?? err) };
      }
    });
    this.conn.onRequest('client/registerCapability', (p) => {
      this.serverRequests.push({ method: 'client/registerCapability', params: p });
      this.registrations.push(...(p.registrations ?? []));
      return null;
    });
    this.conn.onRequest((method, params) => {
      // window/workDoneProgress/create, client/unregisterCapability, */refresh, showMessageRequest...
      this.serverRequests.push({ method, params });
      return null;
    });
    // vscode-jsonrpc routes $/progress to progress handlers, never to onNotification.
    this.conn.onUnhandledProgress((params) => {
      this.notifications.push({ method: '$/progress', params });
      if (params?.value?.kind === 'begin') this.progressOpen.add(params.token);
      if (params?.value?.kind === 'end') {
        this.progressOpen.delete(params.token);
        this.emit('progressEnd', params.token);
      }
    });
    this.conn.onClose(() => {
      this.closed = true;
    });
    this.conn.listen();
    return this;
  }

  stderrTail() {
    const tail = this.stderr.trim().split('\n').slice(-15).join('\n');
    return tail ? `\n--- server stderr (tail) ---\n${tail}` : '';
  }

  request(method, params, { timeout, token } = {}) {
    const p = token ? this.conn.sendRequest(method, params, token) : this.conn.sendRequest(method, params);
    return withTimeout(p, timeout ?? this.timeout, method, this);
  }

  notify(method, params) {
    return this.conn.sendNotification(method, params);
  }

  /** Sends initialize with `capabilities` and the vault as root; returns the result. */
  async initialize({ capabilities, initializationOptions, extra } = {}) {
    const rootUri = fileUri(this.cwd);
    const params = {
      processId: process.pid,
      clientInfo: { name: 'notes-lsp-e2e', version: '0.1.0' },
      locale: 'en',
      rootPath: this.cwd,
      rootUri,
      capabilities: capabilities ?? {},
      initializationOptions: initializationOptions === undefined ? this.settings : initializationOptions,
      trace: 'off',
      workspaceFolders: [{ uri: rootUri, name: path.basename(this.cwd) }],
      ...extra,
    };
    this.initializeResult = await this.request('initialize', params);
    return this.initializeResult;
  }

  async initialized() {
    await this.notify('initialized', {});
  }

  /**
   * Waits until work the server reported with $/progress (the initial index) has ended. A
   * round trip first: whatever the server began while handling earlier messages has then
   * arrived. Servers that report no progress pass straight through.
   */
  async waitForIndex({ timeout } = {}) {
    await this.request('notes-lsp-e2e/flush', null).catch(() => {});
    if (this.progressOpen.size === 0) return;
    let listener;
    const p = new Promise((resolve) => {
      listener = () => {
        if (this.progressOpen.size === 0) resolve();
      };
      this.on('progressEnd', listener);
    });
    await withTimeout(p, timeout ?? this.timeout, `$/progress end for ${[...this.progressOpen].join(', ')}`, this).finally(() =>
      this.off('progressEnd', listener),
    );
  }

  /** didOpen of a vault file, with its text as an editor shows it (no BOM). */
  async open(relPath, { text, languageId = 'markdown' } = {}) {
    const abs = path.join(this.cwd, relPath);
    const uri = fileUri(abs);
    let content = text ?? fs.readFileSync(abs, 'utf8');
    if (content.charCodeAt(0) === 0xfeff) content = content.slice(1);
    this.docs.set(uri, { text: content, version: 1 });
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text: content } });
    return uri;
  }

  async close(uri) {
    this.docs.delete(uri);
    await this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  text(uri) {
    const d = this.docs.get(uri);
    if (!d) throw new Error(`document not open: ${uri}`);
    return d.text;
  }

  /**
   * Sends one didChange with `changes` (applied one after another, as LSP says) and applies
   * them to the local copy.
   */
  async change(uri, changes) {
    const d = this.docs.get(uri);
    if (!d) throw new Error(`document not open: ${uri}`);
    for (const c of changes) {
      d.text = c.range ? applyTextEdits(d.text, [{ range: c.range, newText: c.text }]) : c.text;
    }
    d.version += 1;
    await this.notify('textDocument/didChange', {
      textDocument: { uri, version: d.version },
      contentChanges: changes,
    });
    return d.version;
  }

  /** Applies TextEdits to an open document and tells the server, as an editor does. */
  async applyEditsToOpen(uri, edits) {
    const ordered = sequentialOrder(edits);
    await this.change(uri, ordered.map((e) => ({ range: e.range, text: e.newText })));
  }

  /**
   * Applies a WorkspaceEdit: open documents change locally (and, with notify, the server is
   * told), closed files are edited on disk, resource operations are done on disk.
   */
  applyWorkspaceEdit(edit, { notify = false } = {}) {
    const textEdits = [];
    // documentChanges apply in order (a note's edits come before its rename), so text edits
    // are flushed before each resource operation.
    const flush = () => {
      for (const [uri, edits] of textEdits.splice(0)) this.applyTextDocumentEdits(uri, edits, notify);
    };
    if (edit.documentChanges) {
      for (const dc of edit.documentChanges) {
        if (dc.kind) flush();
        if (dc.kind === 'create') {
          const p = uriFsPath(dc.uri);
          this.createdFiles.push(dc.uri);
          if (!fs.existsSync(p) || dc.options?.overwrite) {
            fs.mkdirSync(path.dirname(p), { recursive: true });
            fs.writeFileSync(p, '');
          }
        } else if (dc.kind === 'rename') {
          fs.renameSync(uriFsPath(dc.oldUri), uriFsPath(dc.newUri));
        } else if (dc.kind === 'delete') {
          fs.rmSync(uriFsPath(dc.uri), { recursive: !!dc.options?.recursive, force: !!dc.options?.ignoreIfNotExists });
        } else {
          textEdits.push([dc.textDocument.uri, dc.edits]);
        }
      }
    } else if (edit.changes) {
      for (const [uri, edits] of Object.entries(edit.changes)) textEdits.push([uri, edits]);
    }
    flush();
  }

  applyTextDocumentEdits(uri, edits, notify) {
    const d = this.docs.get(uri);
    if (d) {
      if (notify) {
        // Fire and forget: the server is waiting for our applyEdit answer.
        this.applyEditsToOpen(uri, edits).catch(() => {});
      } else {
        d.text = applyTextEdits(d.text, edits);
      }
    } else {
      const p = uriFsPath(uri);
      const before = fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
      fs.writeFileSync(p, applyTextEdits(before, edits));
    }
  }

  /** True when the server chose the pull model (it does when the client supports it). */
  get pullsDiagnostics() {
    return !!this.initializeResult?.capabilities?.diagnosticProvider;
  }

  /** Pulls a document's diagnostics (textDocument/diagnostic), as VS Code does; stores them. */
  async pullDiagnostics(uri) {
    const prev = this.pulled?.get(uri);
    const report = await this.request('textDocument/diagnostic', {
      textDocument: { uri },
      ...(prev?.resultId ? { previousResultId: prev.resultId } : {}),
    });
    let items;
    if (report.kind === 'unchanged') {
      items = prev?.items ?? [];
    } else {
      items = report.items ?? [];
    }
    this.pulled = this.pulled ?? new Map();
    this.pulled.set(uri, { resultId: report.resultId, items });
    this.diagnostics.set(uri, items);
    return items;
  }

  /**
   * Waits until `predicate(diagnostics)` holds for `uri`; returns those diagnostics. Pulls
   * them (polling) when the server uses the pull model, else waits for publishDiagnostics.
   */
  async waitForDiagnostics(uri, predicate, { timeout, what } = {}) {
    const ms = timeout ?? this.timeout;
    const seen = () => JSON.stringify(this.diagnostics.get(uri) ?? null).slice(0, 1500);
    const label = () => `${what ?? 'diagnostics'} on ${uri} (last: ${seen()})`;
    if (this.pullsDiagnostics) {
      const deadline = Date.now() + ms;
      for (;;) {
        const items = await this.pullDiagnostics(uri);
        if (predicate(items)) return items;
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${label()}${this.stderrTail()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const current = this.diagnostics.get(uri);
    if (current && predicate(current)) return current;
    let listener;
    const p = new Promise((resolve) => {
      listener = (params) => {
        if (params.uri === uri && predicate(params.diagnostics)) resolve(params.diagnostics);
      };
      this.on('diagnostics', listener);
    });
    return withTimeout(p, ms, label(), this).finally(() => this.off('diagnostics', listener));
  }

  /** Waits for the next workspace/applyEdit the server sends. */
  nextApplyEdit({ timeout } = {}) {
    let listener;
    const p = new Promise((resolve) => {
      listener = (params) => resolve(params);
      this.once('applyEdit', listener);
    });
    return withTimeout(p, timeout ?? this.timeout, 'workspace/applyEdit', this).finally(() =>
      this.off('applyEdit', listener),
    );
  }

  /** Writes raw bytes to the server's stdin, outside the JSON-RPC layer. */
  writeRaw(bytes) {
    return new Promise((resolve, reject) => this.proc.stdin.write(bytes, (err) => (err ? reject(err) : resolve())));
  }

  async shutdownAndExit() {
    await this.request('shutdown', null);
    await this.notify('exit', null);
    return withTimeout(this.exited, this.timeout, 'server exit', this);
  }

  /** Ends the server whatever its state; safe to call twice. */
  async dispose() {
    try {
      this.conn?.dispose();
    } catch {
      // already disposed
    }
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Result helpers.

/** Normalises a definition/declaration result to [{ uri, range }]. */
export function locations(result) {
  if (!result) return [];
  const list = Array.isArray(result) ? result : [result];
  return list.map((l) =>
    l.targetUri ? { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange } : { uri: l.uri, range: l.range },
  );
}

/** Normalises a completion result to CompletionItem[]. */
export function completionItems(result) {
  if (!result) return [];
  return Array.isArray(result) ? result : result.items ?? [];
}

/** Every text an item could put or show: label, insertText, textEdit.newText, filterText. */
export function itemTexts(item) {
  const t = [typeof item.label === 'string' ? item.label : item.label?.label];
  if (item.insertText) t.push(item.insertText);
  if (item.textEdit?.newText) t.push(item.textEdit.newText);
  if (item.filterText) t.push(item.filterText);
  return t.filter(Boolean).map((s) => s.normalize('NFC'));
}

/** VS Code's client capabilities as VS Code sends them (editors/vscode/test/fixtures). */
export const VSCODE_CAPS = Object.freeze(JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, 'editors/vscode/test/fixtures/vscode-client-capabilities.json'), 'utf8'),
));

/**
 * Runs `fn(session, vault)` against a fresh server in a fresh copy of the example vault, then
 * stops the server and removes the copy. `prepare(vault)` runs before the server starts;
 * `settings` and `capabilities` (VS Code's by default) go to the session; unless `initialize`
 * is false the session is initialized like an editor would and the first scan has finished
 * (answers before its end may be partial).
 */
export async function withVaultServer(fn, { capabilities = VSCODE_CAPS, settings = TEST_SETTINGS,
  prepare = () => {}, initialize = true, session = {} } = {}) {
  const vault = copyVault();
  prepare(vault);
  const s = new LspSession({ cwd: vault, settings, ...session });
  try {
    s.start();
    if (initialize) {
      await s.initialize({ capabilities });
      await s.initialized();
      await s.waitForIndex();
    }
    return await fn(s, vault);
  } finally {
    await s.dispose();
    removeVault(vault);
  }
}
