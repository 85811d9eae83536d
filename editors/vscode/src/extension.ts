// VS Code client for notes-lsp: starts one server per vault root over stdio with
// vscode-languageclient, passes the `notesLsp.*` settings as the server configuration, adds the
// commands that act on the current note's proposed tasks, the "Tasks" view and the
// "Show Tasks" quick pick on the server's task query.
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { buildServerConfig, ServerConfig } from './config';
import * as fs from 'fs';
import { findRoot, ROOT_MARKERS } from './roots';
import { resolveServerPath } from './serverPath';
import {
  LOAD_MORE_LABEL,
  loadMoreDescription,
  loadMoreTasks,
  quickPickItems,
  SHOW_TASKS_COMMAND,
  Task,
  TaskFilters,
  TaskPager,
  TASKS_COMMAND,
} from './tasks';
import { taskSelection, TasksView } from './tasksView';
import { setServerCommandsHandler, VaultClient } from './vaultClient';

const SECTION = 'notesLsp';

/** The server's executeCommand ids (see the server contract). */
const SERVER_ACCEPT_ALL = 'notes-lsp.acceptAllProposedTasks';
const SERVER_REJECT_ALL = 'notes-lsp.rejectAllProposedTasks';

/** One client per vault root (absolute path), started when a note of that vault opens. */
const clients = new Map<string, LanguageClient>();
let serverCommand: string | undefined;
let outputChannel: vscode.OutputChannel | undefined;
let traceChannel: vscode.OutputChannel | undefined;
let tasksView: TasksView | undefined;

function serverConfig(): ServerConfig {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return buildServerConfig((key) => cfg.inspect(key));
}

function workspaceFolderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

function workspaceRoot(): string | undefined {
  return workspaceFolderPaths()[0];
}

function isNote(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && doc.languageId === 'markdown';
}

/** The vault root of a note (see roots.ts): markers, else the workspace folder, else its folder. */
function rootOf(uri: vscode.Uri): string {
  return findRoot(uri.fsPath, workspaceFolderPaths());
}

async function reportMissingServer(p: string, reason: string): Promise<void> {
  const open = 'Open Settings';
  const choice = await vscode.window.showErrorMessage(
    `notes-lsp: the server "${p}" ${reason}. Install notes-lsp (cmake --build build puts it ` +
      `in build/notes-lsp) and put it on PATH, or set "notesLsp.serverPath" to its full path.`,
    open,
  );
  if (choice === open) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'notesLsp.serverPath');
  }
}

/** Resolves notesLsp.serverPath once; a missing server is reported once, not per vault. */
function resolveServer(): boolean {
  const setting = vscode.workspace.getConfiguration(SECTION).get<string>('serverPath');
  const resolved = resolveServerPath(setting, workspaceRoot());
  if (!resolved.ok) {
    serverCommand = undefined;
    outputChannel?.appendLine(`notes-lsp: server "${resolved.path}" ${resolved.reason}`);
    void reportMissingServer(resolved.path, resolved.reason);
    return false;
  }
  serverCommand = resolved.path;
  return true;
}

// Requests and notifications that name a document: a client answers only for the notes whose
// root is its own, so a vault nested in another root (a vault inside a git repository) is
// served by its own server alone.
const DOCUMENT_MIDDLEWARE = [
  'didOpen', 'didSave', 'didClose', 'willSave', 'willSaveWaitUntil',
  'provideCompletionItem', 'provideHover', 'provideDefinition', 'provideReferences',
  'provideDocumentHighlights', 'provideDocumentSymbols', 'provideCodeActions', 'provideCodeLenses',
  'provideDocumentLinks', 'provideInlayHints', 'provideRenameEdits', 'prepareRename',
  'provideFoldingRanges', 'provideSelectionRange', 'provideDocumentFormattingEdits',
] as const;

/** `dir` as a literal glob prefix: forward slashes, glob characters in brackets. */
function globEscape(dir: string): string {
  return dir.split(path.sep).join('/').replace(/[[\]{}*?!]/g, (c) => `[${c}]`);
}

function ownsUri(root: string, uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && rootOf(uri) === root;
}

function rootMiddleware(root: string): Middleware {
  const mw: Record<string, unknown> = {};
  for (const name of DOCUMENT_MIDDLEWARE) {
    mw[name] = (doc: vscode.TextDocument | { document: vscode.TextDocument }, ...rest: unknown[]) => {
      const document = 'uri' in doc ? doc : doc.document;
      const next = rest[rest.length - 1] as (...a: unknown[]) => unknown;
      return ownsUri(root, document.uri) ? next(doc, ...rest.slice(0, -1)) : undefined;
    };
  }
  mw.didChange = (event: vscode.TextDocumentChangeEvent, next: (e: vscode.TextDocumentChangeEvent) => unknown) =>
    ownsUri(root, event.document.uri) ? next(event) : Promise.resolve();
  mw.handleDiagnostics = (uri: vscode.Uri, diagnostics: vscode.Diagnostic[], next: (u: vscode.Uri, d: vscode.Diagnostic[]) => void) => {
    if (uri.scheme !== 'file' || rootOf(uri) === root) next(uri, diagnostics);
  };
  const workspace: Middleware['workspace'] = {
    // Answer workspace/configuration for our section with the server's shape rather than the
    // raw settings tree (which also holds serverPath and trace.server).
    configuration: async (params, token, next) => {
      const raw = await next(params, token);
      if (!Array.isArray(raw)) return raw;
      return params.items.map((item, i) => (item.section === SECTION ? serverConfig() : raw[i]));
    },
  };
  mw.workspace = workspace;
  return mw as Middleware;
}

async function startClient(root: string): Promise<LanguageClient | undefined> {
  if (!serverCommand) return undefined;
  const existing = clients.get(root);
  if (existing) return existing;
  const serverOptions: ServerOptions = {
    run: { command: serverCommand, args: ['--stdio'] },
    debug: { command: serverCommand, args: ['--stdio'] },
  };
  const folder: vscode.WorkspaceFolder = { uri: vscode.Uri.file(root), name: path.basename(root) || root, index: 0 };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'markdown', pattern: `${globEscape(root)}/**/*` }],
    workspaceFolder: folder,
    // A function, so a restart picks up the settings as they are then.
    initializationOptions: () => serverConfig(),
    outputChannel,
    traceOutputChannel: traceChannel,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(root, '**/{*.md,.notes-lsp.yaml}'),
      ),
    },
    middleware: rootMiddleware(root),
  };
  const c = new VaultClient(SECTION, `notes-lsp (${folder.name})`, serverOptions, clientOptions);
  clients.set(root, c);
  outputChannel?.appendLine(`notes-lsp: starting for the vault ${root}`);
  try {
    await c.start();
    void tasksView?.refresh();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(
      `notes-lsp: could not start "${serverCommand}" for ${root}: ${msg}. See "notes-lsp: Show Server Log".`,
    );
  }
  return c;
}

async function stopClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(
    all.map(async (c) => {
      try {
        await c.dispose();
      } catch {
        // A server that already died cannot be stopped twice; there is nothing left to clean.
      }
    }),
  );
}

/** Servers for the open notes' vaults, and for workspace folders that are vaults themselves
 * (so the Tasks view fills before a note is opened). */
async function startForOpenNotes(): Promise<void> {
  const roots = new Set((vscode.workspace.textDocuments ?? []).filter(isNote).map((d) => rootOf(d.uri)));
  for (const folder of workspaceFolderPaths()) {
    if (ROOT_MARKERS[0].some((m) => fs.existsSync(path.join(folder, m)))) roots.add(folder);
  }
  await Promise.all([...roots].map((r) => startClient(r)));
}

function running(): LanguageClient[] {
  return [...clients.values()].filter((c) => c.state === State.Running);
}

/** The client of the active note, when its server runs. */
function activeNoteClient(): { client: LanguageClient; doc: vscode.TextDocument } | string {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown') return 'open a markdown note first.';
  const client = clients.get(rootOf(editor.document.uri));
  if (!client || client.state !== State.Running) return 'the server is not running.';
  return { client, doc: editor.document };
}

async function runOnActiveNote(serverCommandId: string): Promise<void> {
  const found = activeNoteClient();
  if (typeof found === 'string') {
    void vscode.window.showWarningMessage(`notes-lsp: ${found}`);
    return;
  }
  const uri = found.client.code2ProtocolConverter.asUri(found.doc.uri);
  // The server answers by sending workspace/applyEdit, which the client applies.
  await found.client.sendRequest(ExecuteCommandRequest.type, { command: serverCommandId, arguments: [uri] });
}

/** The task query `command` with `filters` on `client`, page by page. */
function taskPager(client: LanguageClient, filters: TaskFilters, command = TASKS_COMMAND): TaskPager {
  return new TaskPager((page) => client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [page] }), filters);
}

/** The task query on every running server (one per vault), a pager each. */
function taskPagers(filters: TaskFilters = {}): TaskPager[] {
  return running().map((c) => taskPager(c, filters));
}

/**
 * The client a server command is for: the vault of its first argument when that is a note's
 * URI (accept / reject all), else the active note's vault, else any running one.
 */
function clientForCommand(args: unknown[]): LanguageClient | undefined {
  const first = args[0];
  if (typeof first === 'string' && first.startsWith('file:')) {
    const c = clients.get(rootOf(vscode.Uri.parse(first)));
    if (c) return c;
  }
  const editor = vscode.window.activeTextEditor;
  if (editor && isNote(editor.document)) {
    const c = clients.get(rootOf(editor.document.uri));
    if (c && c.state === State.Running) return c;
  }
  return running()[0];
}

const registeredServerCommands = new Set<string>();

/** Registers each server command once, as vscode-languageclient would for a single client; a
 * code lens runs them. notes-lsp.showTasks (the person and account lenses) shows its answer. */
function registerServerCommands(context: vscode.ExtensionContext, commands: readonly string[]): void {
  for (const command of commands) {
    if (registeredServerCommands.has(command)) continue;
    registeredServerCommands.add(command);
    const run = async (...args: unknown[]) => {
      const client = clientForCommand(args);
      if (!client) {
        void vscode.window.showWarningMessage('notes-lsp: the server is not running.');
        return undefined;
      }
      if (command === SHOW_TASKS_COMMAND) {
        // The lens's filters, asked page by page as the picker needs them.
        const filters = (typeof args[0] === 'object' && args[0] !== null ? args[0] : {}) as TaskFilters;
        await pickTask([taskPager(client, filters, command)]);
        return undefined;
      }
      return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
    };
    context.subscriptions.push(vscode.commands.registerCommand(command, run));
  }
}

async function openTask(task: Task): Promise<void> {
  await vscode.window.showTextDocument(vscode.Uri.parse(task.uri), { selection: taskSelection(task) });
}

async function showTasks(): Promise<void> {
  if (running().length === 0) {
    void vscode.window.showWarningMessage('notes-lsp: the server is not running; open a note of the vault first.');
    return;
  }
  await pickTask(taskPagers());
}

/**
 * The tasks of `pagers` in a quick pick; the chosen one opens at its line. While a server has
 * more, a last "Load more tasks…" item fetches the next page and shows the picker again.
 */
async function pickTask(pagers: TaskPager[]): Promise<void> {
  for (;;) {
    let tasks: Task[];
    try {
      tasks = await loadMoreTasks(pagers);
    } catch (err) {
      void vscode.window.showErrorMessage(`notes-lsp: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (tasks.length === 0) {
      void vscode.window.showInformationMessage('notes-lsp: no open tasks match.');
      return;
    }
    const more = pagers.some((p) => p.hasMore);
    const items: (vscode.QuickPickItem & { task?: Task })[] = quickPickItems(tasks);
    if (more) items.push({ label: `$(more) ${LOAD_MORE_LABEL}`, description: loadMoreDescription(tasks.length), alwaysShow: true });
    const pick = await vscode.window.showQuickPick(items, {
      title: `notes-lsp: ${more ? 'the first ' : ''}${tasks.length} open tasks`,
      placeHolder: 'Type to filter by description, owner, account, due date or note',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!pick) return;
    if (pick.task) return openTask(pick.task);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel('notes-lsp');
  traceChannel = vscode.window.createOutputChannel('notes-lsp trace');
  context.subscriptions.push(outputChannel, traceChannel);
  setServerCommandsHandler((commands) => registerServerCommands(context, commands));
  tasksView = new TasksView(() => taskPagers());
  tasksView.register(context);
  // Shows the Tasks view and the task commands once the extension runs (package.json `when`).
  void vscode.commands.executeCommand('setContext', 'notesLsp.active', true);

  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  context.subscriptions.push(
    vscode.commands.registerCommand('notesLsp.restartServer', async () => {
      await stopClients();
      if (resolveServer()) await startForOpenNotes();
    }),
    vscode.commands.registerCommand('notesLsp.acceptAllProposedTasks', () => runOnActiveNote(SERVER_ACCEPT_ALL)),
    vscode.commands.registerCommand('notesLsp.rejectAllProposedTasks', () => runOnActiveNote(SERVER_REJECT_ALL)),
    vscode.commands.registerCommand('notesLsp.showServerLog', () => outputChannel?.show(true)),
    vscode.commands.registerCommand('notesLsp.showTasks', () => showTasks()),
    vscode.commands.registerCommand('notesLsp.refreshTasks', () => tasksView?.refresh()),
    vscode.commands.registerCommand('notesLsp.loadMoreTasks', () => tasksView?.loadMore()),
    vscode.commands.registerCommand('notesLsp.groupTasksByOwner', () => tasksView?.setGroupBy('owner')),
    vscode.commands.registerCommand('notesLsp.groupTasksByAccount', () => tasksView?.setGroupBy('account')),
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (isNote(doc)) void startClient(rootOf(doc.uri));
    }),
    // Saved notes change the tasks: refresh the view once the burst of saves is over.
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (!isNote(doc)) return;
      if (refreshTimer) clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => void tasksView?.refresh(), 500);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (e.affectsConfiguration(`${SECTION}.serverPath`)) {
        await stopClients();
        if (resolveServer()) await startForOpenNotes();
        return;
      }
      for (const c of running()) {
        await c.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: serverConfig() },
        });
      }
    }),
    { dispose: () => refreshTimer && clearTimeout(refreshTimer) },
  );

  if (resolveServer()) await startForOpenNotes();
}

export async function deactivate(): Promise<void> {
  await stopClients();
  registeredServerCommands.clear();
}
