-- notes-lsp for Neovim: starts the server for markdown buffers inside a vault and adds
-- :NotesLspAcceptAll / :NotesLspRejectAll for the current note.
--
--   require('notes_lsp').setup {
--     cmd = { 'notes-lsp', '--stdio' },
--     settings = { owner = { 'Myself', 'me' }, folders = { person = { 'People' } } },
--     root_markers = { { '.obsidian', '.notes-lsp.yaml' }, '.git' },
--   }
--
-- Neovim >= 0.11 uses vim.lsp.config + vim.lsp.enable; 0.8 to 0.10 vim.lsp.start from a
-- FileType autocmd; 0.7 vim.lsp.start_client + vim.lsp.buf_attach_client, one client per root.
local M = {}

M.name = 'notes_lsp'

M.defaults = {
  cmd = { 'notes-lsp', '--stdio' },
  filetypes = { 'markdown' },
  -- Each entry is a priority group: a vault marker wins over an enclosing git repository.
  root_markers = { { '.obsidian', '.notes-lsp.yaml' }, '.git' },
  -- The server configuration (same keys as .notes-lsp.yaml): sent as initializationOptions
  -- and as the `notesLsp` settings section.
  settings = {},
  -- Extra fields merged into the client configuration (on_attach, capabilities, handlers...).
  client = {},
  -- Code lenses (refreshed on BufEnter, CursorHold, InsertLeave) when the server offers them.
  codelens = true,
  -- Inlay hints (Neovim 0.10+) when the server offers them.
  inlay_hints = true,
}

M.config = vim.deepcopy(M.defaults)

local uv = vim.loop

local function has(version)
  return vim.fn.has('nvim-' .. version) == 1
end

local function exists(p)
  return uv.fs_stat(p) ~= nil
end

local function dirname(p)
  return vim.fn.fnamemodify(p, ':h')
end

--- Whether `path` lies inside directory `dir` (both absolute, no trailing slash on dir).
local function inside(path, dir)
  if dir == '/' then
    return true
  end
  return path:sub(1, #dir + 1) == dir .. '/'
end

--- The vault root for `path` (a file or directory): the nearest ancestor holding one of
--- `markers`, the first group with a match anywhere winning; without any, Neovim's working
--- directory when the note lies inside it, else the note's own directory.
function M.find_root(path, markers)
  markers = markers or M.config.root_markers
  if path == nil or path == '' then
    return nil
  end
  path = vim.fn.fnamemodify(path, ':p')
  local start = vim.fn.isdirectory(path) == 1 and path or dirname(path)
  start = start:gsub('/+$', '')
  if start == '' then
    start = '/'
  end
  for _, group in ipairs(markers) do
    local names = type(group) == 'table' and group or { group }
    local dir = start
    while true do
      for _, name in ipairs(names) do
        if exists(dir .. '/' .. name) then
          return dir
        end
      end
      local parent = dirname(dir)
      if parent == dir then
        break
      end
      dir = parent
    end
  end
  local cwd = vim.fn.getcwd():gsub('/+$', '')
  if cwd == '' then
    cwd = '/'
  end
  if inside(path:gsub('/+$', ''), cwd) then
    return cwd
  end
  return start
end

local function capable(client, cap)
  local caps = client.server_capabilities or client.resolved_capabilities or {}
  return caps[cap] ~= nil and caps[cap] ~= false
end

-- Code lenses and inlay hints for the buffer, where this Neovim and the server have them.
local function enable_views(client, bufnr)
  if M.config.codelens and vim.lsp.codelens and capable(client, 'codeLensProvider') then
    local group = vim.api.nvim_create_augroup('notes_lsp_codelens_' .. bufnr, { clear = true })
    vim.api.nvim_create_autocmd({ 'BufEnter', 'CursorHold', 'InsertLeave' }, {
      group = group,
      buffer = bufnr,
      callback = function()
        vim.lsp.codelens.refresh()
      end,
    })
    if bufnr == vim.api.nvim_get_current_buf() then
      vim.lsp.codelens.refresh()
    end
  end
  if M.config.inlay_hints and has('0.10') and vim.lsp.inlay_hint and capable(client, 'inlayHintProvider') then
    pcall(vim.lsp.inlay_hint.enable, true, { bufnr = bufnr })
  end
end

-- Client-side command for lenses that show locations (VS Code's editor.action.showReferences:
-- arguments uri, position, locations): the locations go to the quickfix list.
local function show_locations(command, ctx)
  local locations = (command.arguments or {})[3] or {}
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local items = vim.lsp.util.locations_to_items(locations, client and client.offset_encoding or 'utf-16')
  vim.fn.setqflist({}, ' ', { title = command.title or 'notes-lsp', items = items })
  vim.cmd('botright copen')
end

local function client_config(root_dir)
  local c = M.config
  local user = c.client or {}
  local cfg = vim.tbl_deep_extend('force', {
    name = M.name,
    cmd = c.cmd,
    root_dir = root_dir,
    init_options = c.settings,
    settings = { notesLsp = c.settings },
    commands = {
      ['editor.action.showReferences'] = show_locations,
      -- A person or account lens: its filters, run as :NotesTasks would.
      ['notes-lsp.showTasks'] = function(command)
        M.tasks((command.arguments or {})[1], { title = command.title })
      end,
    },
  }, user)
  cfg.on_attach = function(client, bufnr)
    enable_views(client, bufnr)
    if user.on_attach then
      user.on_attach(client, bufnr)
    end
  end
  if root_dir then
    cfg.workspace_folders = { { uri = vim.uri_from_fname(root_dir), name = root_dir } }
  end
  return cfg
end

local function is_file_buffer(bufnr)
  return vim.api.nvim_buf_get_option(bufnr, 'buftype') == '' and vim.api.nvim_buf_get_name(bufnr) ~= ''
end

-- Neovim 0.7: one client per root, reused for every buffer under it.
local clients_by_root = {}

local function attach_07(bufnr)
  local root = M.find_root(vim.api.nvim_buf_get_name(bufnr))
  local id = clients_by_root[root]
  if id == nil or vim.lsp.client_is_stopped(id) then
    id = vim.lsp.start_client(client_config(root))
    if id == nil then
      vim.notify('notes-lsp: could not start ' .. table.concat(M.config.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

local function attach_08(bufnr)
  local root = M.find_root(vim.api.nvim_buf_get_name(bufnr))
  return vim.lsp.start(client_config(root), { bufnr = bufnr })
end

--- Attaches notes-lsp to `bufnr` (Neovim < 0.11; on 0.11 vim.lsp.enable does this).
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not is_file_buffer(bufnr) then
    return nil
  end
  if vim.fn.executable(M.config.cmd[1]) ~= 1 then
    vim.notify_once(
      ('notes-lsp: "%s" is not an executable; build notes-lsp and set cmd in require("notes_lsp").setup{}'):format(
        M.config.cmd[1]
      ),
      vim.log.levels.ERROR
    )
    return nil
  end
  if vim.lsp.start then
    return attach_08(bufnr)
  end
  return attach_07(bufnr)
end

--- The notes-lsp client attached to `bufnr`, if any.
function M.get_client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = M.name })[1]
  end
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == M.name then
      return client
    end
  end
  return nil
end

--- Sends `method` through `client`, calling `handler(err, result)` with the answer: the one
--- place that knows Neovim 0.11 made client.request a method (`client:request`).
function M.client_request(client, method, params, handler, bufnr)
  if has('0.11') then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local SERVER_COMMANDS = {
  accept = 'notes-lsp.acceptAllProposedTasks',
  reject = 'notes-lsp.rejectAllProposedTasks',
}

--- Runs the server's accept-all / reject-all on the note in `bufnr`; the server answers with
--- workspace/applyEdit, which Neovim applies to the buffer.
function M.run_all(which, bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.get_client(bufnr)
  if not client then
    vim.notify('notes-lsp: not attached to this buffer', vim.log.levels.WARN)
    return false
  end
  local params = { command = SERVER_COMMANDS[which], arguments = { vim.uri_from_bufnr(bufnr) } }
  M.client_request(client, 'workspace/executeCommand', params, function(err)
    if err then
      vim.notify('notes-lsp: ' .. tostring(err.message or err), vim.log.levels.ERROR)
    end
  end, bufnr)
  return true
end

function M.accept_all(bufnr)
  return M.run_all('accept', bufnr)
end

function M.reject_all(bufnr)
  return M.run_all('reject', bufnr)
end

--- A running notes-lsp client: the current buffer's, else one whose root holds the working
--- directory, else any.
function M.find_client()
  local client = M.get_client(0)
  if client then
    return client
  end
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ name = M.name }) or vim.lsp.get_active_clients()
  local cwd = vim.fn.getcwd()
  local any
  for _, c in ipairs(all) do
    if c.name == M.name then
      any = any or c
      local root = c.config.root_dir
      if root and (cwd == root or vim.startswith(cwd, root .. '/')) then
        return c
      end
    end
  end
  return any
end

--- Runs the task query (filters as in the server's notes-lsp.tasks) and fills the quickfix
--- list; see lua/notes_lsp/tasks.lua. Returns false when no client runs.
function M.tasks(filters, opts, on_done)
  local client = M.find_client()
  if not client then
    vim.notify('notes-lsp: not running; open a note of the vault first', vim.log.levels.WARN)
    return false
  end
  require('notes_lsp.tasks').run(client, filters or vim.empty_dict(), opts, on_done)
  return true
end

--- The notes of the quickfix list (as :NotesTasks left it), once each, in order.
local function quickfix_notes()
  local seen, out = {}, {}
  for _, item in ipairs(vim.fn.getqflist()) do
    if item.bufnr ~= 0 and not seen[item.bufnr] then
      seen[item.bufnr] = true
      table.insert(out, item.bufnr)
    end
  end
  return out
end

--- Accepts (or rejects) the proposed tasks of every note in the quickfix list; the server's
--- edits load the notes into buffers (unsaved, like a rename). Returns how many notes.
function M.run_all_quickfix(which)
  local client = M.find_client()
  if not client then
    vim.notify('notes-lsp: not running; open a note of the vault first', vim.log.levels.WARN)
    return 0
  end
  local notes = quickfix_notes()
  for _, bufnr in ipairs(notes) do
    local params = { command = SERVER_COMMANDS[which], arguments = { vim.uri_from_bufnr(bufnr) } }
    M.client_request(client, 'workspace/executeCommand', params, function(err)
      if err then
        vim.notify('notes-lsp: ' .. tostring(err.message or err), vim.log.levels.ERROR)
      end
    end)
  end
  return #notes
end

local function all_command(which)
  return function(args)
    if args.bang then
      M.run_all_quickfix(which)
    else
      M.run_all(which, 0)
    end
  end
end

--- Defines :NotesLspAcceptAll[!], :NotesLspRejectAll[!], :NotesTasks and :NotesTasksMore
--- (plugin/ and setup()).
function M.create_commands()
  vim.api.nvim_create_user_command('NotesLspAcceptAll', all_command('accept'), {
    bang = true,
    desc = 'notes-lsp: accept all proposed tasks in this note (!: in every note of the quickfix list)',
  })
  vim.api.nvim_create_user_command('NotesLspRejectAll', all_command('reject'), {
    bang = true,
    desc = 'notes-lsp: reject all proposed tasks in this note (!: in every note of the quickfix list)',
  })
  vim.api.nvim_create_user_command('NotesTasks', function(args)
    local tasks = require('notes_lsp.tasks')
    local filters, err = tasks.parse(args.fargs)
    if not filters then
      vim.notify('notes-lsp: :NotesTasks: ' .. err, vim.log.levels.ERROR)
      return
    end
    M.tasks(filters, { title = args.args })
  end, {
    nargs = '*',
    complete = function(arglead)
      return require('notes_lsp.tasks').complete(arglead)
    end,
    desc = 'notes-lsp: the vault\'s tasks in the quickfix list (filters: owner=me overdue ...)',
  })
  vim.api.nvim_create_user_command('NotesTasksMore', function()
    require('notes_lsp.tasks').more()
  end, {
    desc = 'notes-lsp: the next page of the :NotesTasks list, appended to its quickfix list',
  })
end

local create_commands = M.create_commands

--- Configures notes-lsp and starts it for markdown buffers, now and from then on.
function M.setup(opts)
  opts = opts or {}
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts)
  -- Lists replace the defaults rather than merge by index.
  for _, key in ipairs({ 'cmd', 'filetypes', 'root_markers' }) do
    if opts[key] then
      M.config[key] = opts[key]
    end
  end
  create_commands()

  if vim.lsp.config and vim.lsp.enable then
    local cfg = client_config(nil)
    cfg.name = nil
    cfg.root_dir = function(bufnr, on_dir)
      if is_file_buffer(bufnr) then
        on_dir(M.find_root(vim.api.nvim_buf_get_name(bufnr)))
      end
    end
    cfg.filetypes = M.config.filetypes
    vim.lsp.config(M.name, cfg)
    vim.lsp.enable(M.name)
    return
  end

  local group = vim.api.nvim_create_augroup('notes_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- Buffers that were already open when setup ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

return M
