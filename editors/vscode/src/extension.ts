// VS Code client for notes-lsp: starts the server over stdio with vscode-languageclient,
// passes the `notesLsp.*` settings as the server configuration, and adds the commands that
// act on the current note's proposed tasks.
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { buildServerConfig, ServerConfig } from './config';
import { resolveServerPath } from './serverPath';

const SECTION = 'notesLsp';

/** The server's executeCommand ids (see the server contract). */
const SERVER_ACCEPT_ALL = 'notes-lsp.acceptAllProposedTasks';
const SERVER_REJECT_ALL = 'notes-lsp.rejectAllProposedTasks';

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel | undefined;
let traceChannel: vscode.OutputChannel | undefined;

function serverConfig(): ServerConfig {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return buildServerConfig((key) => cfg.inspect(key));
}

function workspaceRoot(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

async function reportMissingServer(path: string, reason: string): Promise<void> {
  const open = 'Open Settings';
  const choice = await vscode.window.showErrorMessage(
    `notes-lsp: the server "${path}" ${reason}. Install notes-lsp (cmake --build build puts it ` +
      `in build/notes-lsp) and put it on PATH, or set "notesLsp.serverPath" to its full path.`,
    open,
  );
  if (choice === open) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'notesLsp.serverPath');
  }
}

async function startClient(): Promise<void> {
  const setting = vscode.workspace.getConfiguration(SECTION).get<string>('serverPath');
  const resolved = resolveServerPath(setting, workspaceRoot());
  if (!resolved.ok) {
    outputChannel?.appendLine(`notes-lsp: server "${resolved.path}" ${resolved.reason}`);
    void reportMissingServer(resolved.path, resolved.reason);
    return;
  }

  const serverOptions: ServerOptions = {
    run: { command: resolved.path, args: ['--stdio'] },
    debug: { command: resolved.path, args: ['--stdio'] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'markdown' }],
    // A function, so a restart picks up the settings as they are then.
    initializationOptions: () => serverConfig(),
    outputChannel,
    traceOutputChannel: traceChannel,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.md,.notes-lsp.yaml}'),
    },
    middleware: {
      workspace: {
        // Answer workspace/configuration for our section with the server's shape rather than
        // the raw settings tree (which also holds serverPath and trace.server).
        configuration: async (params, token, next) => {
          const raw = await next(params, token);
          if (!Array.isArray(raw)) return raw;
          return params.items.map((item, i) =>
            item.section === SECTION ? serverConfig() : raw[i],
          );
        },
      },
    },
  };

  const c = new LanguageClient(SECTION, 'notes-lsp', serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(
      `notes-lsp: could not start "${resolved.path}": ${msg}. See "notes-lsp: Show Server Log".`,
    );
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (!c) return;
  try {
    await c.dispose();
  } catch {
    // A server that already died cannot be stopped twice; there is nothing left to clean.
  }
}

async function runOnActiveNote(serverCommand: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown') {
    void vscode.window.showWarningMessage('notes-lsp: open a markdown note first.');
    return;
  }
  if (!client || client.state !== State.Running) {
    void vscode.window.showWarningMessage('notes-lsp: the server is not running.');
    return;
  }
  const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
  // The server answers by sending workspace/applyEdit, which the client applies.
  await client.sendRequest(ExecuteCommandRequest.type, {
    command: serverCommand,
    arguments: [uri],
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel('notes-lsp');
  traceChannel = vscode.window.createOutputChannel('notes-lsp trace');
  context.subscriptions.push(outputChannel, traceChannel);

  context.subscriptions.push(
    vscode.commands.registerCommand('notesLsp.restartServer', async () => {
      await stopClient();
      await startClient();
    }),
    vscode.commands.registerCommand('notesLsp.acceptAllProposedTasks', () =>
      runOnActiveNote(SERVER_ACCEPT_ALL),
    ),
    vscode.commands.registerCommand('notesLsp.rejectAllProposedTasks', () =>
      runOnActiveNote(SERVER_REJECT_ALL),
    ),
    vscode.commands.registerCommand('notesLsp.showServerLog', () => outputChannel?.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (e.affectsConfiguration(`${SECTION}.serverPath`)) {
        await stopClient();
        await startClient();
        return;
      }
      if (client && client.state === State.Running) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: serverConfig() },
        });
      }
    }),
  );

  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
