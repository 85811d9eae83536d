-- notes-lsp's task query in Neovim: `:NotesTasks [filters]` parses filters, runs the server's
-- workspace/executeCommand "notes-lsp.tasks" and fills the quickfix list with the answer.
-- No client code here: the request goes through notes_lsp.client_request, and parse() and
-- to_items() are plain functions.
-- The server answers a page: M.PAGE tasks unless `limit=` says otherwise. A full page may have
-- more after it: the quickfix title says "first N tasks" and :NotesTasksMore (M.more) appends
-- the next page.
local M = {}

M.COMMAND = 'notes-lsp.tasks'

--- Tasks a page, asked explicitly (the server's own default too).
M.PAGE = 500

-- Filter keys of the query, with how a value is read: lists split at commas.
local KINDS = {
  owner = 'list',
  account = 'list',
  status = 'list',
  priority = 'list',
  overdue = 'bool',
  dueBefore = 'date',
  dueAfter = 'date',
  path = 'string',
  text = 'string',
  sort = 'string',
  today = 'date',
  limit = 'count',
}

local CHOICES = {
  status = { 'proposed', 'todo', 'in_progress', 'done', 'cancelled' },
  priority = { 'highest', 'high', 'medium', 'low', 'lowest' },
  sort = { 'due', 'priority', 'path', 'owner' },
}

--- The filter keys, sorted (for completion and messages).
function M.keys()
  local keys = vim.tbl_keys(KINDS)
  table.sort(keys)
  return keys
end

local function check_choices(key, values)
  local allowed = CHOICES[key]
  if not allowed then
    return nil
  end
  for _, v in ipairs(values) do
    if not vim.tbl_contains(allowed, v) then
      return ('%s: "%s" is not one of %s'):format(key, v, table.concat(allowed, ', '))
    end
  end
  return nil
end

--- Parses `:NotesTasks` arguments into the query's filters object.
--- Words are `key=value`, lists comma-separated (`owner=me status=proposed,todo`; a space in a
--- name is escaped as Ex commands do: `owner=Ana\ Ruiz`); a bare `overdue` is `overdue=true`.
--- Returns filters, or nil and a message saying what was wrong.
function M.parse(args)
  local filters = vim.empty_dict()
  for _, word in ipairs(args or {}) do
    local key, value = word:match('^([%a]+)=(.*)$')
    if not key then
      key, value = word, nil
    end
    local kind = KINDS[key]
    if not kind then
      return nil, ('unknown filter "%s" (filters: %s)'):format(key, table.concat(M.keys(), ', '))
    end
    if kind == 'bool' then
      if value == nil or value == 'true' then
        filters[key] = true
      elseif value == 'false' then
        filters[key] = false
      else
        return nil, ('%s: expected true or false, got "%s"'):format(key, value)
      end
    elseif value == nil or value == '' then
      return nil, ('%s needs a value: %s=...'):format(key, key)
    elseif kind == 'list' then
      local values = vim.split(value, ',', { trimempty = true })
      local err = check_choices(key, values)
      if err then
        return nil, err
      end
      filters[key] = vim.list_extend(filters[key] or {}, values)
    elseif kind == 'count' then
      if not value:match('^%d+$') then
        return nil, ('%s: expected a whole number, got "%s"'):format(key, value)
      end
      filters[key] = tonumber(value)
    elseif kind == 'date' then
      if not value:match('^%d%d%d%d%-%d%d%-%d%d$') then
        return nil, ('%s: expected a date YYYY-MM-DD, got "%s"'):format(key, value)
      end
      filters[key] = value
    else
      local err = check_choices(key, { value })
      if err then
        return nil, err
      end
      filters[key] = value
    end
  end
  return filters
end

local MARK = { proposed = '[?]', todo = '[ ]', in_progress = '[/]', done = '[x]', cancelled = '[-]' }

--- One line of text for a task: status mark, description, then owners, account, due date,
--- priority, separated by " · ".
function M.describe(task)
  local parts = {}
  if task.owners and #task.owners > 0 then
    table.insert(parts, table.concat(task.owners, ', '))
  end
  if type(task.account) == 'string' then
    table.insert(parts, task.account)
  end
  if type(task.due) == 'string' then
    table.insert(parts, 'due ' .. task.due .. (task.overdue and ' (overdue)' or ''))
  end
  if type(task.priority) == 'string' then
    table.insert(parts, task.priority)
  end
  local text = (MARK[task.status] or '[' .. tostring(task.status) .. ']') .. ' ' .. task.description
  if #parts > 0 then
    text = text .. ' — ' .. table.concat(parts, ' · ')
  end
  return text
end

--- The quickfix items for the query's answer, in the server's order (its sort), with the file
--- name from the task's uri, 1-based line and byte column. Overdue tasks are warnings (type W)
--- so they stand out in the quickfix window.
function M.to_items(tasks, offset_encoding)
  local items = {}
  for _, task in ipairs(tasks or {}) do
    local fname = vim.uri_to_fname(task.uri)
    local col = 1
    local character = task.range and task.range.start.character or 0
    if character > 0 then
      local bufnr = vim.fn.bufnr(fname)
      local line = bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr)
          and vim.api.nvim_buf_get_lines(bufnr, task.line, task.line + 1, false)[1]
        or (vim.fn.filereadable(fname) == 1 and vim.fn.readfile(fname, '', task.line + 1)[task.line + 1])
      if line then
        col = vim.str_byteindex(line, character, offset_encoding == 'utf-16') + 1
      end
    end
    table.insert(items, {
      filename = fname,
      lnum = task.line + 1,
      col = col,
      text = M.describe(task),
      type = task.overdue and 'W' or '',
    })
  end
  return items
end

-- The list :NotesTasksMore continues: client id, filters, title, page size, the quickfix list's
-- id, how many tasks it holds and where the next page starts; nil after the last page.
local pending = nil

--- The quickfix title: "notes-lsp tasks[: title]", and "(first N tasks; :NotesTasksMore)" while
--- the server may have more.
function M.title(title, count, more)
  local text = 'notes-lsp tasks' .. (title and title ~= '' and (': ' .. title) or '')
  if more then
    text = text .. (' (first %d tasks; :NotesTasksMore for more)'):format(count)
  end
  return text
end

-- Asks for the page of `list` (see `pending`) and fills the quickfix list, or appends to it.
local function fetch(client, list, opts, on_done)
  local filters = vim.deepcopy(list.filters)
  filters.limit = list.limit
  filters.offset = list.offset
  local function handler(err, result)
    if err then
      vim.notify('notes-lsp: tasks: ' .. tostring(err.message or err), vim.log.levels.ERROR)
      if on_done then
        on_done(err, nil)
      end
      return
    end
    local items = M.to_items(result, client.offset_encoding)
    local count = list.count + #items
    local more = list.limit > 0 and #items >= list.limit
    local title = M.title(list.title, count, more)
    if list.offset == 0 then
      vim.fn.setqflist({}, ' ', { title = title, items = items })
      list.qf = vim.fn.getqflist({ id = 0 }).id
    else
      vim.fn.setqflist({}, 'a', { id = list.qf, title = title, items = items })
    end
    list.count, list.offset = count, list.offset + #items
    pending = more and list or nil
    if count == 0 then
      vim.notify('notes-lsp: no task matches', vim.log.levels.INFO)
    elseif opts.open ~= false then
      vim.cmd('botright copen')
    end
    if on_done then
      on_done(nil, result)
    end
  end
  return require('notes_lsp').client_request(client, 'workspace/executeCommand',
    { command = M.COMMAND, arguments = { filters } }, handler)
end

--- Runs the query with `filters` through `client` and fills the quickfix list with its first
--- page (`filters.limit` tasks, else M.PAGE); opens it unless opts.open is false.
--- `on_done(err, tasks)` is called after (optional).
function M.run(client, filters, opts, on_done)
  opts = opts or {}
  local list = {
    client_id = client.id,
    filters = filters,
    title = opts.title,
    limit = filters.limit or M.PAGE,
    offset = 0,
    count = 0,
  }
  return fetch(client, list, opts, on_done)
end

--- Appends the next page of the last :NotesTasks list to its quickfix list. Returns false
--- (and says so) when that list is complete or its server is gone.
function M.more(opts, on_done)
  local list = pending
  local client = list and vim.lsp.get_client_by_id(list.client_id)
  if not client or vim.fn.getqflist({ id = list.qf }).id ~= list.qf then
    vim.notify('notes-lsp: no more tasks to load (run :NotesTasks)', vim.log.levels.INFO)
    return false
  end
  fetch(client, list, opts or {}, on_done)
  return true
end

--- Completion for `:NotesTasks`: filter keys, then the choices of the key being typed.
function M.complete(arglead)
  local key = arglead:match('^(%a+)=')
  if key and CHOICES[key] then
    local prefix = arglead:match('^(.*[=,])')
    return vim.tbl_map(function(c)
      return prefix .. c
    end, CHOICES[key])
  end
  local out = {}
  for _, k in ipairs(M.keys()) do
    table.insert(out, KINDS[k] == 'bool' and k or (k .. '='))
  end
  return vim.tbl_filter(function(s)
    return vim.startswith(s, arglead)
  end, out)
end

return M
