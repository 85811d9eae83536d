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

local function client_config(root_dir)
  local c = M.config
  local cfg = vim.tbl_deep_extend('force', {
    name = M.name,
    cmd = c.cmd,
    root_dir = root_dir,
    init_options = c.settings,
    settings = { notesLsp = c.settings },
  }, c.client or {})
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

local function client_request(client, method, params, handler, bufnr)
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
  client_request(client, 'workspace/executeCommand', params, function(err)
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

local function create_commands()
  vim.api.nvim_create_user_command('NotesLspAcceptAll', function()
    M.accept_all(0)
  end, { desc = 'notes-lsp: accept all proposed tasks in this note' })
  vim.api.nvim_create_user_command('NotesLspRejectAll', function()
    M.reject_all(0)
  end, { desc = 'notes-lsp: reject all proposed tasks in this note' })
end

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
