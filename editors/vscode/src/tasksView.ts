// The "Tasks" tree in the explorer: the vault's open tasks from the server's task query,
// grouped by owner or by account (title-bar buttons switch), overdue first, proposed tasks
// marked; clicking a task opens its line. The server answers a page (TASK_PAGE tasks): while it
// has more, a last "Load more tasks…" row fetches the next page and adds it.
import * as vscode from 'vscode';
import {
  GroupBy,
  LOAD_MORE_LABEL,
  Task,
  TaskGroup,
  TaskPager,
  groupDescription,
  groupTasks,
  loadMoreDescription,
  loadMoreTasks,
  taskDescription,
  taskIcon,
  taskLocation,
  taskText,
} from './tasks';

export const VIEW_ID = 'notesLsp.tasks';
const GROUP_BY_CONTEXT = 'notesLsp.tasksGroupBy';
/** The command of the "Load more tasks…" row. */
export const LOAD_MORE_COMMAND = 'notesLsp.loadMoreTasks';

type Node = { group: TaskGroup } | { task: Task; group: TaskGroup } | { more: true };

/** The editor selection for a task: its line as the server gave it. */
export function taskSelection(task: Task): vscode.Range {
  const { start, end } = task.range;
  return new vscode.Range(start.line, start.character, end.line, end.character);
}

export class TasksView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private groupBy: GroupBy = 'owner';
  private groups: TaskGroup[] = [];
  private tasks: Task[] = [];
  private pagers: TaskPager[] = [];
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private view: vscode.TreeView<Node> | undefined;

  /** `pages` makes a pager of the task query for every running server. */
  constructor(private readonly pages: () => TaskPager[]) {}

  register(context: vscode.ExtensionContext): void {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    context.subscriptions.push(this.view, this);
    void vscode.commands.executeCommand('setContext', GROUP_BY_CONTEXT, this.groupBy);
  }

  /** Asks every server again, from the first page. */
  async refresh(): Promise<void> {
    this.pagers = this.pages();
    await this.loadMore();
  }

  /** Fetches the next page of every server that has more and adds it. */
  async loadMore(): Promise<void> {
    try {
      this.tasks = await loadMoreTasks(this.pagers);
      if (this.view) this.view.message = this.tasks.length === 0 ? 'No open tasks.' : undefined;
    } catch (err) {
      this.tasks = [];
      this.pagers = [];
      if (this.view) this.view.message = `notes-lsp: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.groups = groupTasks(this.tasks, this.groupBy);
    this.changed.fire(undefined);
  }

  setGroupBy(by: GroupBy): void {
    this.groupBy = by;
    void vscode.commands.executeCommand('setContext', GROUP_BY_CONTEXT, by);
    this.groups = groupTasks(this.tasks, by);
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const top: Node[] = this.groups.map((group) => ({ group }));
      if (this.pagers.some((p) => p.hasMore)) top.push({ more: true });
      return top;
    }
    if (!('group' in node) || 'task' in node) return [];
    return node.group.tasks.map((task) => ({ task, group: node.group }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('more' in node) {
      const item = new vscode.TreeItem(LOAD_MORE_LABEL, vscode.TreeItemCollapsibleState.None);
      item.description = loadMoreDescription(this.tasks.length);
      item.iconPath = new vscode.ThemeIcon('more');
      item.command = { command: LOAD_MORE_COMMAND, title: LOAD_MORE_LABEL };
      return item;
    }
    if (!('task' in node)) {
      const g = node.group;
      const item = new vscode.TreeItem(
        g.label,
        g.overdue > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.description = groupDescription(g);
      item.iconPath = new vscode.ThemeIcon(this.groupBy === 'owner' ? 'person' : 'organization');
      item.contextValue = 'group';
      return item;
    }
    const task = node.task;
    const item = new vscode.TreeItem(taskText(task), vscode.TreeItemCollapsibleState.None);
    item.description = taskDescription(task, this.groupBy);
    const icon = taskIcon(task);
    item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
    item.tooltip = `${taskText(task)}\n${taskDescription(task)}\n${taskLocation(task)}`;
    item.contextValue = task.status === 'proposed' ? 'proposedTask' : 'task';
    item.command = {
      command: 'vscode.open',
      title: 'Open Task',
      arguments: [vscode.Uri.parse(task.uri), { selection: taskSelection(task) }],
    };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
