// The task query (workspace/executeCommand "notes-lsp.tasks") as the Tasks view and the
// "Show Tasks" quick pick present it: checking the server's answer, grouping by owner or
// account with overdue tasks first, and the text of each row.
// No `vscode` import here, so the node tests can check it on a JSON fixture.

export const TASKS_COMMAND = 'notes-lsp.tasks';
/** The command of the server's person/account code lens: answers as notes-lsp.tasks, and the
 * editor shows the answer as a list. */
export const SHOW_TASKS_COMMAND = 'notes-lsp.showTasks';

export type TaskStatus = 'proposed' | 'todo' | 'in_progress' | 'done' | 'cancelled';

export interface LspPosition {
  line: number;
  character: number;
}

/** One task of the server's answer (the contract of notes-lsp.tasks). */
export interface Task {
  uri: string;
  /** Vault-relative; null for a note outside the vault's folders. */
  path: string | null;
  range: { start: LspPosition; end: LspPosition };
  line: number;
  status: TaskStatus;
  description: string | null;
  owners: string[];
  account: string | null;
  due: string | null;
  scheduled: string | null;
  start: string | null;
  priority: 'highest' | 'high' | 'medium' | 'low' | 'lowest' | null;
  overdue: boolean;
  tags: string[];
}

/** Filters of the query (all optional; the server's defaults: not done, not cancelled). */
export interface TaskFilters {
  owner?: string[];
  account?: string[];
  status?: TaskStatus[];
  overdue?: boolean;
  dueBefore?: string;
  dueAfter?: string;
  priority?: string[];
  path?: string;
  text?: string;
  sort?: 'due' | 'priority' | 'path' | 'owner';
  today?: string;
  /** The page: at most `limit` tasks (0: every one) after the first `offset`. */
  limit?: number;
  offset?: number;
}

/** Tasks a page: what the editor asks for, the server's own default (README "Task views"). */
export const TASK_PAGE = 500;

/**
 * One server's answer, page by page: `fetch` runs the query with the filters and the page's
 * `limit` and `offset`. A page shorter than its limit is the last; until then `hasMore`.
 */
export class TaskPager {
  readonly tasks: Task[] = [];
  private next: number | null = 0;

  constructor(
    private readonly fetch: (filters: TaskFilters) => Promise<unknown>,
    private readonly filters: TaskFilters = {},
    readonly limit: number = filters.limit ?? TASK_PAGE,
  ) {}

  get hasMore(): boolean {
    return this.next !== null;
  }

  /** Fetches the next page (none after the last), appends it to `tasks` and returns it. */
  async more(): Promise<Task[]> {
    if (this.next === null) return [];
    const offset = this.next;
    const page = checkTasks(await this.fetch({ ...this.filters, limit: this.limit, offset }));
    this.tasks.push(...page);
    this.next = this.limit > 0 && page.length >= this.limit ? offset + this.limit : null;
    return page;
  }
}

/** The next page of every pager that has one; the tasks of all of them so far. */
export async function loadMoreTasks(pagers: readonly TaskPager[]): Promise<Task[]> {
  await Promise.all(pagers.filter((p) => p.hasMore).map((p) => p.more()));
  return pagers.flatMap((p) => p.tasks);
}

/** The row that fetches the next pages: "Load more tasks…" and how many are shown. */
export const LOAD_MORE_LABEL = 'Load more tasks…';
export function loadMoreDescription(shown: number): string {
  return `${shown} shown; the server has more`;
}

export type GroupBy = 'owner' | 'account';

export const NO_OWNER = '(no owner)';
export const NO_ACCOUNT = '(no account)';

export interface TaskGroup {
  label: string;
  tasks: Task[];
  overdue: number;
  proposed: number;
}

/** Checks the server's answer; throws an Error naming the first field that is wrong. */
export function checkTasks(value: unknown): Task[] {
  if (!Array.isArray(value)) throw new Error(`notes-lsp.tasks answered ${JSON.stringify(value)}, not a list`);
  value.forEach((t, i) => {
    const where = `notes-lsp.tasks answer [${i}]`;
    if (typeof t !== 'object' || t === null) throw new Error(`${where} is not an object`);
    const o = t as Record<string, unknown>;
    for (const key of ['uri', 'status']) {
      if (typeof o[key] !== 'string') throw new Error(`${where}.${key} is not a string`);
    }
    for (const key of ['path', 'description', 'account', 'due']) {
      if (o[key] != null && typeof o[key] !== 'string') throw new Error(`${where}.${key} is not a string or null`);
    }
    if (typeof o.line !== 'number') throw new Error(`${where}.line is not a number`);
    if (!Array.isArray(o.owners)) throw new Error(`${where}.owners is not a list`);
    if (typeof o.overdue !== 'boolean') throw new Error(`${where}.overdue is not a boolean`);
  });
  return value as Task[];
}

/** Overdue tasks first, the server's order (its sort) otherwise. */
function overdueFirst(tasks: Task[]): Task[] {
  return tasks
    .map((t, i) => ({ t, i }))
    .sort((a, b) => Number(b.t.overdue) - Number(a.t.overdue) || a.i - b.i)
    .map((x) => x.t);
}

/**
 * The tasks grouped by owner (a task with two owners is in both groups) or by account.
 * Groups with overdue tasks come first (most overdue first), then by name; the "(no owner)" /
 * "(no account)" group last. Inside a group, overdue tasks first.
 */
export function groupTasks(tasks: readonly Task[], by: GroupBy): TaskGroup[] {
  const none = by === 'owner' ? NO_OWNER : NO_ACCOUNT;
  const groups = new Map<string, Task[]>();
  for (const task of tasks) {
    const keys = by === 'owner' ? (task.owners.length > 0 ? task.owners : [none]) : [task.account ?? none];
    for (const key of new Set(keys)) {
      const list = groups.get(key) ?? [];
      list.push(task);
      groups.set(key, list);
    }
  }
  const out = [...groups].map(([label, list]) => ({
    label,
    tasks: overdueFirst(list),
    overdue: list.filter((t) => t.overdue).length,
    proposed: list.filter((t) => t.status === 'proposed').length,
  }));
  return out.sort(
    (a, b) =>
      Number(a.label === none) - Number(b.label === none) ||
      b.overdue - a.overdue ||
      a.label.localeCompare(b.label),
  );
}

/** "3 tasks · 1 overdue · 2 proposed" */
export function groupDescription(g: TaskGroup): string {
  const parts = [`${g.tasks.length} ${g.tasks.length === 1 ? 'task' : 'tasks'}`];
  if (g.overdue > 0) parts.push(`${g.overdue} overdue`);
  if (g.proposed > 0) parts.push(`${g.proposed} proposed`);
  return parts.join(' · ');
}

const STATUS_WORD: Record<string, string> = {
  proposed: 'proposed',
  todo: '',
  in_progress: 'in progress',
  done: 'done',
  cancelled: 'cancelled',
};

/**
 * The details after a task's description: status when not plain todo, owners and account
 * (leaving out the one the row is grouped under), due date, priority.
 */
export function taskDescription(task: Task, groupedBy?: GroupBy): string {
  const parts: string[] = [];
  const status = STATUS_WORD[task.status] ?? task.status;
  if (status) parts.push(status);
  if (groupedBy !== 'owner' && task.owners.length > 0) parts.push(task.owners.join(', '));
  if (groupedBy !== 'account' && task.account) parts.push(task.account);
  if (task.due) parts.push(task.overdue ? `due ${task.due}, overdue` : `due ${task.due}`);
  if (task.priority) parts.push(`${task.priority} priority`);
  return parts.join(' · ');
}

/** The codicon for a task: proposed and overdue stand out. */
export function taskIcon(task: Task): { id: string; color?: string } {
  if (task.status === 'proposed') return { id: 'question', color: task.overdue ? 'list.warningForeground' : undefined };
  if (task.overdue) return { id: 'warning', color: 'list.warningForeground' };
  if (task.status === 'in_progress') return { id: 'circle-large-filled' };
  if (task.status === 'done') return { id: 'pass' };
  if (task.status === 'cancelled') return { id: 'circle-slash' };
  return { id: 'circle-large-outline' };
}

/** The task's text: its description, or "(no description)" for an empty task line. */
export function taskText(task: Task): string {
  return task.description || '(no description)';
}

/** "Meetings/Kickoff.md:28" (1-based line, as editors show it); the URI's file name when the
 * note has no vault-relative path. */
export function taskLocation(task: Task): string {
  const where = task.path ?? decodeURIComponent(task.uri.replace(/^.*\//, ''));
  return `${where}:${task.line + 1}`;
}

export interface TaskPick {
  label: string;
  description: string;
  detail: string;
  task: Task;
}

/** The quick pick rows in the server's order, overdue first: icon and description, details, place. */
export function quickPickItems(tasks: readonly Task[]): TaskPick[] {
  return overdueFirst([...tasks]).map((task) => ({
    label: `$(${taskIcon(task).id}) ${taskText(task)}`,
    description: taskDescription(task),
    detail: taskLocation(task),
    task,
  }));
}
