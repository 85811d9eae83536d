// Maps the extension's `notesLsp.*` settings to the configuration object notes-lsp reads from
// initializationOptions, workspace/configuration and workspace/didChangeConfiguration.
// No `vscode` import here, so the node tests can check the mapping without VS Code.

/** What `WorkspaceConfiguration.inspect(key)` returns, reduced to what we read. */
export interface SettingValues<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export type Inspect = (key: string) => SettingValues<unknown> | undefined;

export const NOTE_KINDS = ['person', 'account', 'project', 'meeting'] as const;

/** Setting keys (under `notesLsp.`) that are passed to the server, in the server's shape. */
export const SERVER_SETTING_KEYS: readonly string[] = [
  ...NOTE_KINDS.map((k) => `folders.${k}`),
  ...NOTE_KINDS.map((k) => `types.${k}`),
  'owner',
  'ignore',
  'maxFileSize',
  'logLevel',
];

/** Setting keys that belong to the extension itself and never reach the server. */
export const CLIENT_SETTING_KEYS: readonly string[] = ['serverPath', 'trace.server'];

export interface ServerConfig {
  folders?: Record<string, string[]>;
  types?: Record<string, string[]>;
  owner?: string[];
  ignore?: string[];
  maxFileSize?: number;
  logLevel?: string;
}

function explicitValue<T>(v: SettingValues<T> | undefined): T | undefined {
  // Only what the user set is sent: an unset setting leaves the server's own default and the
  // vault's .notes-lsp.yaml in charge.
  if (!v) return undefined;
  if (v.workspaceFolderValue !== undefined) return v.workspaceFolderValue;
  if (v.workspaceValue !== undefined) return v.workspaceValue;
  return v.globalValue;
}

function stringList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((s): s is string => typeof s === 'string');
}

/** Builds the server configuration from the user's explicit `notesLsp.*` settings. */
export function buildServerConfig(inspect: Inspect): ServerConfig {
  const config: ServerConfig = {};
  for (const group of ['folders', 'types'] as const) {
    const out: Record<string, string[]> = {};
    for (const kind of NOTE_KINDS) {
      const list = stringList(explicitValue(inspect(`${group}.${kind}`)));
      if (list) out[kind] = list;
    }
    if (Object.keys(out).length > 0) config[group] = out;
  }
  const owner = stringList(explicitValue(inspect('owner')));
  if (owner) config.owner = owner;
  const ignore = stringList(explicitValue(inspect('ignore')));
  if (ignore) config.ignore = ignore;
  const maxFileSize = explicitValue(inspect('maxFileSize'));
  if (typeof maxFileSize === 'number' && Number.isFinite(maxFileSize) && maxFileSize > 0) {
    config.maxFileSize = Math.floor(maxFileSize);
  }
  const logLevel = explicitValue(inspect('logLevel'));
  if (typeof logLevel === 'string') config.logLevel = logLevel;
  return config;
}
