// The "Tasks" tree in the explorer: the vault's open tasks from the server's task query,
// grouped by owner or by account (title-bar buttons switch), overdue first, proposed tasks
// marked; clicking a task opens its line.
import * as vscode from 'vscode';
import { GroupBy, Task, TaskGroup, groupDescription, groupTasks, taskDescription, taskIcon, taskLocation, taskText } from './tasks';

export const VIEW_ID = 'notesLsp.tasks';
const GROUP_BY_CONTEXT = 'notesLsp.tasksGroupBy';

type Node = { group: TaskGroup } | { task: Task; group: TaskGroup };

/** The editor selection for a task: its line as the server gave it. */
export function taskSelection(task: Task): vscode.Range {
  const { start, end } = task.range;
  return new vscode.Range(start.line, start.character, end.line, end.character);
}

export class TasksView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private groupBy: GroupBy = 'owner';
  private groups: TaskGroup[] = [];
  private tasks: Task[] = [];
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private view: vscode.TreeView<Node> | undefined;

  /** `query` runs the task query on every running server and returns the tasks (or throws). */
  constructor(private readonly query: () => Promise<Task[]>) {}

  register(context: vscode.ExtensionContext): void {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    context.subscriptions.push(this.view, this);
    void vscode.commands.executeCommand('setContext', GROUP_BY_CONTEXT, this.groupBy);
  }

  async refresh(): Promise<void> {
    try {
      this.tasks = await this.query();
      if (this.view) this.view.message = this.tasks.length === 0 ? 'No open tasks.' : undefined;
    } catch (err) {
      this.tasks = [];
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
    if (!node) return this.groups.map((group) => ({ group }));
    if ('task' in node) return [];
    return node.group.tasks.map((task) => ({ task, group: node.group }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
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
