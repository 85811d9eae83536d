-- Headless end-to-end test of editors/nvim with the real notes-lsp, on Neovim 0.7 and later.
-- Run through editors/nvim/test/run.sh, which copies the example vault and sets:
--   NOTES_LSP   the server binary
--   NOTES_VAULT the vault copy (the current directory)
--   NOTES_REPO  the repository root (for 'runtimepath')
-- Prints "ok"/"not ok" lines and "N passed, N failed"; exits with :cquit! 0 or 1.
local results = { passed = 0, failed = 0 }

local function out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

local function step(name, fn)
  local ok, err = pcall(fn)
  if ok then
    results.passed = results.passed + 1
    out('ok - ' .. name)
  else
    results.failed = results.failed + 1
    out('not ok - ' .. name .. ': ' .. tostring(err))
  end
  return ok
end

local function finish()
  out(('%d passed, %d failed'):format(results.passed, results.failed))
  vim.cmd(results.failed == 0 and 'cquit! 0' or 'cquit! 1')
end

local function eq(got, want, what)
  if got ~= want then
    error(('%s: expected %s, got %s'):format(what, vim.inspect(want), vim.inspect(got)), 2)
  end
end

local function wait_for(what, ms, cond)
  if not vim.wait(ms, cond, 50) then
    error('timed out waiting for ' .. what, 2)
  end
end

local server = os.getenv('NOTES_LSP')
local vault = os.getenv('NOTES_VAULT')
local repo = os.getenv('NOTES_REPO')
local KICKOFF = vault .. '/Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md'
local ACCEPTED = '- [ ] Confirm pilot rack delivery date with the data center team @Jonas Becker 📅 2025-11-10 ⏫ #task'
local nl, buf, client

local function main()
  out('# ' .. vim.split(vim.fn.execute('version'), '\n', { trimempty = true })[1])
  vim.o.hidden = true
  vim.cmd('set rtp+=' .. vim.fn.fnameescape(repo .. '/editors/nvim'))
  vim.cmd('runtime! plugin/notes_lsp.lua')
  -- With -u NONE nothing sets the filetype, and didOpen's languageId comes from it.
  vim.cmd('filetype on')

  if not step('setup() and the user commands', function()
    nl = require('notes_lsp')
    nl.setup({
      cmd = { server, '--stdio' },
      settings = {
        today = '2025-11-15',
        owner = { 'Myself', 'me' },
        folders = { person = { 'People' }, account = { 'Accounts' }, project = { 'Projects' }, meeting = { 'Meetings' } },
      },
    })
    eq(vim.fn.exists(':NotesLspAcceptAll'), 2, ':NotesLspAcceptAll')
    eq(vim.fn.exists(':NotesLspRejectAll'), 2, ':NotesLspRejectAll')
  end) then
    return
  end

  step(':NotesTasks filters parse as the notes-lsp.tasks arguments', function()
    local tasks = require('notes_lsp.tasks')
    local f = assert(tasks.parse({ 'owner=me,Ana Ruiz', 'status=proposed,todo', 'overdue', 'dueBefore=2025-11-20', 'sort=due' }))
    eq(vim.inspect(f.owner), vim.inspect({ 'me', 'Ana Ruiz' }), 'owner')
    eq(vim.inspect(f.status), vim.inspect({ 'proposed', 'todo' }), 'status')
    eq(f.overdue, true, 'overdue')
    eq(f.dueBefore, '2025-11-20', 'dueBefore')
    eq(f.sort, 'due', 'sort')
    eq(assert(tasks.parse({ 'limit=2' })).limit, 2, 'limit is a number')
    eq(vim.fn.json_encode(assert(tasks.parse({}))), '{}', 'no filter is an empty object')
    local function fails(args, want)
      local ok, err = tasks.parse(args)
      eq(ok, nil, vim.inspect(args) .. ' is refused')
      eq(err:find(want, 1, true) ~= nil, true, 'message "' .. err .. '" says ' .. want)
    end
    fails({ 'colour=red' }, 'unknown filter "colour"')
    fails({ 'status=open' }, '"open" is not one of proposed, todo')
    fails({ 'dueBefore=next week' }, 'expected a date YYYY-MM-DD')
    fails({ 'overdue=maybe' }, 'expected true or false')
    fails({ 'owner=' }, 'owner needs a value')
    fails({ 'limit=two' }, 'limit: expected a whole number')
    eq(vim.inspect(tasks.complete('sta')), vim.inspect({ 'status=' }), 'completes keys')
    eq(vim.inspect(tasks.complete('priority=high,l')), vim.inspect({
      'priority=high,highest', 'priority=high,high', 'priority=high,medium', 'priority=high,low', 'priority=high,lowest',
    }), 'completes choices after the comma')
  end)

  step('the query answer becomes quickfix items in the server order (JSON fixture)', function()
    local tasks = require('notes_lsp.tasks')
    local fixture = vim.fn.json_decode(table.concat(vim.fn.readfile(repo .. '/editors/fixtures/tasks.json'), '\n'))
    local items = tasks.to_items(fixture, 'utf-16')
    eq(#items, #fixture, 'one item a task')
    eq(items[1].filename, '/vault/Daily/2025-11-06.md', 'file name from the uri')
    eq(items[1].lnum, 5, '1-based line')
    eq(items[1].type, 'W', 'overdue is a warning')
    eq(items[1].text, '[/] Review the pilot budget — Myself · due 2025-11-07 (overdue)', 'in progress')
    eq(items[2].filename, '/vault/Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md', 'decoded uri')
    eq(items[3].text, '[?] Confirm pilot rack delivery date with the data center team — Jonas Becker · Contoso · due 2025-11-10 (overdue) · high', 'proposed is marked')
    eq(items[6].text, '[ ] Loop in legal on the order form — 王芳 · Fabrikam · due 2025-11-21', 'not overdue')
    eq(items[6].type, '', 'not overdue is no warning')
    eq(items[8].text, '[ ] Read the pilot notes from [[Storage pilot kickoff with Contoso]]', 'no owner, no due date')
  end)

  step('root detection: .obsidian, .git, else the working directory, else the file directory', function()
    eq(nl.find_root(vault .. '/People/Ana Ruiz.md'), vault, 'vault note')
    local tmp = vim.fn.tempname()
    vim.fn.mkdir(tmp .. '/repo/.git/x', 'p')
    vim.fn.mkdir(tmp .. '/repo/notes/sub', 'p')
    vim.fn.mkdir(tmp .. '/repo/notes/vault/.obsidian', 'p')
    eq(nl.find_root(tmp .. '/repo/notes/sub/a.md'), tmp .. '/repo', 'git repository')
    eq(nl.find_root(tmp .. '/repo/notes/vault/a.md'), tmp .. '/repo/notes/vault', 'vault inside a repository')
    -- No marker at all (the temp dir is outside any repository): the working directory when
    -- the note lies inside it, else the note's own directory.
    vim.fn.mkdir(tmp .. '/bare/sub', 'p')
    local here = vim.fn.getcwd()
    vim.cmd('cd ' .. vim.fn.fnameescape(tmp .. '/bare'))
    eq(nl.find_root(tmp .. '/bare/sub/a.md'), tmp .. '/bare', 'no marker: the working directory')
    vim.cmd('cd ' .. vim.fn.fnameescape(tmp .. '/repo'))
    eq(nl.find_root(tmp .. '/bare/sub/a.md'), tmp .. '/bare/sub', 'no marker, outside the working directory')
    vim.cmd('cd ' .. vim.fn.fnameescape(here))
    vim.fn.delete(tmp, 'rf')
  end)

  if not step('opening the kickoff note attaches notes-lsp at the vault root', function()
    vim.cmd('edit ' .. vim.fn.fnameescape(KICKOFF))
    buf = vim.api.nvim_get_current_buf()
    eq(vim.bo[buf].filetype, 'markdown', 'filetype')
    wait_for('the client to initialize', 20000, function()
      client = nl.get_client(buf)
      return client ~= nil and client.initialized == true
    end)
    eq(client.config.root_dir, vault, 'root_dir')
    eq(vim.lsp.buf_is_attached(buf, client.id), true, 'attached')
  end) then
    return
  end

  step('diagnostics: proposed-task at line 27, invalid-date at 31, broken-link at 42', function()
    local function has(code, lnum)
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        if d.code == code and d.lnum == lnum then
          return true
        end
      end
      return false
    end
    wait_for('proposed-task at line 27', 15000, function()
      return has('proposed-task', 27)
    end)
    eq(has('invalid-date', 31), true, 'invalid-date at line 31')
    eq(has('broken-link', 42), true, 'broken-link at line 42')
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      eq(d.source, 'notes-lsp', 'source')
    end
  end)

  local function completion_labels(line_text, trigger)
    -- A new line after the Attendees line (0-based 19), then completion at its end.
    vim.api.nvim_buf_set_lines(buf, 20, 20, false, { line_text })
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = 20, character = #line_text },
      context = { triggerKind = 2, triggerCharacter = trigger },
    }
    local responses = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, 10000)
    vim.api.nvim_buf_set_lines(buf, 20, 21, false, {})
    local texts = {}
    for _, r in pairs(responses or {}) do
      if r.err then
        error('completion error: ' .. vim.inspect(r.err))
      end
      local items = r.result and (r.result.items or r.result) or {}
      for _, item in ipairs(items) do
        table.insert(texts, item.label)
        if item.insertText then
          table.insert(texts, item.insertText)
        end
        if item.textEdit and item.textEdit.newText then
          table.insert(texts, item.textEdit.newText)
        end
      end
    end
    return texts
  end

  local function offers(texts, want)
    for _, t in ipairs(texts) do
      if t:find(want, 1, true) then
        return true
      end
    end
    return false
  end

  step('completion after [[ offers notes', function()
    local texts = completion_labels('See [[', '[')
    eq(offers(texts, 'Ana Ruiz'), true, '[[ offers Ana Ruiz (got ' .. vim.inspect(texts) .. ')')
    eq(offers(texts, 'Project Atlas'), true, '[[ offers Project Atlas')
  end)

  step('completion after @ offers people', function()
    local texts = completion_labels('Ping @', '@')
    eq(offers(texts, 'Jonas Becker'), true, '@ offers Jonas Becker (got ' .. vim.inspect(texts) .. ')')
    eq(offers(texts, 'Léa Dubois'), true, '@ offers Léa Dubois')
  end)

  step('definition of @Jonas Becker opens People/Jonas Becker.md', function()
    local line = vim.api.nvim_buf_get_lines(buf, 27, 28, true)[1]
    local col = assert(line:find('@Jonas Becker', 1, true), 'mention on line 27')
    vim.api.nvim_win_set_cursor(0, { 28, col + 1 }) -- on the "o" of Jonas (byte column)
    vim.lsp.buf.definition()
    wait_for('the definition to open', 10000, function()
      return vim.api.nvim_buf_get_name(0):sub(-#'People/Jonas Becker.md') == 'People/Jonas Becker.md'
    end)
    vim.api.nvim_set_current_buf(buf)
  end)

  local function quickfix_after(what, fn)
    vim.fn.setqflist({}, ' ', { title = 'before' })
    fn()
    wait_for(what, 10000, function()
      return vim.fn.getqflist({ title = 1 }).title ~= 'before'
    end)
    local items = {}
    for _, item in ipairs(vim.fn.getqflist()) do
      table.insert(items, { file = vim.api.nvim_buf_get_name(item.bufnr):sub(#vault + 2), lnum = item.lnum, text = item.text, type = item.type })
    end
    return items, vim.fn.getqflist({ title = 1 }).title
  end

  -- What `cmd` says through vim.notify (the last message).
  local function notice_of(cmd)
    local said
    local notify = vim.notify
    vim.notify = function(msg)
      said = msg
    end
    vim.cmd(cmd)
    vim.notify = notify
    return said
  end

  step(':NotesTasks owner=Jonas\\ Becker lists his open tasks from the server, overdue first', function()
    local items, title = quickfix_after('the task list', function()
      vim.cmd('NotesTasks owner=Jonas\\ Becker')
    end)
    eq(title, 'notes-lsp tasks: owner=Jonas\\ Becker', 'quickfix title')
    eq(#items, 2, 'two open tasks (' .. vim.inspect(items) .. ')')
    eq(items[1].file, 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md', 'first: the overdue proposal')
    eq(items[1].lnum, 28, 'its line')
    eq(items[1].type, 'W', 'overdue (today is 2025-11-15 from the settings)')
    -- The description as Obsidian Tasks reads it (mentions and tags included), then the fields.
    eq(items[1].text, '[?] Confirm pilot rack delivery date with the data center team @Jonas Becker #task #proposed'
      .. ' — Jonas Becker · Contoso · due 2025-11-10 (overdue) · high', 'text')
    eq(items[2].file, 'Projects/Project Atlas.md', 'then the December task')
    eq(items[2].type, '', 'not overdue')
    vim.cmd('cclose')
    vim.api.nvim_set_current_buf(buf)
  end)

  step(':NotesTasks limit=2 says "first 2 tasks"; :NotesTasksMore appends pages up to the whole list', function()
    local all = quickfix_after('every task', function()
      vim.cmd('NotesTasks limit=0')
    end)
    eq(#all >= 5, true, 'the vault has open tasks to page through (' .. #all .. ')')
    local items, title = quickfix_after('the first page', function()
      vim.cmd('NotesTasks limit=2')
    end)
    eq(title, 'notes-lsp tasks: limit=2 (first 2 tasks; :NotesTasksMore for more)', 'a full page says there is more')
    eq(#items, 2, 'two tasks')
    local pages = 1
    while title:find('NotesTasksMore', 1, true) do
      local before = title
      vim.cmd('NotesTasksMore')
      wait_for('page ' .. (pages + 1), 10000, function()
        return vim.fn.getqflist({ title = 1 }).title ~= before
      end)
      title = vim.fn.getqflist({ title = 1 }).title
      pages = pages + 1
      eq(pages <= #all, true, 'paging ends')
    end
    eq(title, 'notes-lsp tasks: limit=2', 'the last page: no "first"')
    eq(pages, math.floor(#all / 2) + 1, 'pages of 2 (the last one shorter)')
    local paged = vim.fn.getqflist()
    eq(#paged, #all, 'every task once')
    for i, item in ipairs(paged) do
      eq(item.lnum .. ' ' .. item.text, all[i].lnum .. ' ' .. all[i].text, 'item ' .. i .. ' in the server order')
    end
    eq(notice_of('NotesTasksMore'), 'notes-lsp: no more tasks to load (run :NotesTasks)', 'nothing more after the last page')
    vim.cmd('cclose')
    vim.api.nvim_set_current_buf(buf)
  end)

  step('code lenses: "3 proposed — accept all" on the kickoff; the person lens lists his tasks', function()
    local function lenses(b)
      vim.lsp.codelens.refresh()
      local got
      wait_for('code lenses', 10000, function()
        got = {}
        for _, lens in ipairs(vim.lsp.codelens.get(b)) do
          if lens.command and lens.command.title then
            table.insert(got, lens)
          end
        end
        return #got > 0
      end)
      return got
    end
    local kick = lenses(buf)
    eq(kick[1].command.title, '3 proposed — accept all', 'the kickoff lens')
    eq(kick[1].range.start.line, 27, 'above the first proposal')
    vim.cmd('edit ' .. vim.fn.fnameescape(vault .. '/People/Jonas Becker.md'))
    local pbuf = vim.api.nvim_get_current_buf()
    wait_for('attach', 10000, function()
      return nl.get_client(pbuf) ~= nil
    end)
    local person = lenses(pbuf)
    eq(person[1].command.title:match('^2 open tasks') ~= nil, true, 'counts: ' .. person[1].command.title)
    vim.api.nvim_win_set_cursor(0, { person[1].range.start.line + 1, 0 })
    local items = quickfix_after('the lens list', function()
      vim.lsp.codelens.run()
    end)
    eq(#items, 2, 'the lens lists his two tasks')
    vim.cmd('cclose')
    vim.api.nvim_set_current_buf(buf)
  end)

  step('"Accept proposed task" rewrites line 27 exactly', function()
    vim.api.nvim_win_set_cursor(0, { 28, 2 })
    local offered = {}
    vim.ui.select = function(items, _, on_choice)
      for _, item in ipairs(items) do
        local action = item.action or item[2]
        table.insert(offered, action.title)
        if action.title == 'Accept proposed task' then
          return on_choice(item)
        end
      end
      on_choice(nil)
    end
    vim.lsp.buf.code_action()
    wait_for('line 27 to be accepted (offered: ' .. vim.inspect(offered) .. ')', 10000, function()
      return vim.api.nvim_buf_get_lines(buf, 27, 28, true)[1] == ACCEPTED
    end)
  end)

  step(':NotesLspRejectAll leaves no proposed task', function()
    local function proposed()
      local n = 0
      for _, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, true)) do
        if l:match('^%- %[ ?%?%]') then
          n = n + 1
        end
      end
      return n
    end
    eq(proposed(), 2, 'proposed tasks before')
    vim.cmd('NotesLspRejectAll')
    wait_for('no proposed task left', 10000, function()
      return proposed() == 0
    end)
    local still = false
    for _, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, true)) do
      still = still or l == ACCEPTED
    end
    eq(still, true, 'the accepted task is kept')
  end)

  step(':NotesLspAcceptAll! accepts the proposed tasks of every note in the quickfix list', function()
    local fabrikam = vault .. '/Meetings/2025-11-14 - Fabrikam procurement sync.md'
    vim.fn.setqflist({
      { filename = fabrikam, lnum = 21, text = 'proposed' },
      { filename = fabrikam, lnum = 22, text = 'todo' },
      { filename = KICKOFF, lnum = 30, text = 'todo' },
    }, ' ')
    vim.cmd('NotesLspAcceptAll!')
    local fbuf = vim.fn.bufnr(fabrikam)
    wait_for('the Fabrikam proposal accepted', 10000, function()
      return vim.api.nvim_buf_is_loaded(fbuf)
        and vim.api.nvim_buf_get_lines(fbuf, 20, 21, true)[1]
          == '- [ ] Send the licensing options summary @Myself 📅 2025-11-18 🔺 #task'
    end)
    eq(vim.api.nvim_buf_get_lines(fbuf, 21, 22, true)[1], '- [ ] Loop in legal on the order form @Wang Fang 📅 2025-11-21 #task', 'other lines kept')
  end)

  step(':NotesTasks with a bad filter says what was wrong', function()
    eq(notice_of('NotesTasks status=open'), 'notes-lsp: :NotesTasks: status: "open" is not one of proposed, todo, in_progress, done, cancelled', 'message')
  end)

  step('a vault with no marker is rooted at the working directory: people are known', function()
    local plain = vim.fn.tempname() .. '-plain'
    vim.fn.system({ 'cp', '-R', vault, plain })
    vim.fn.delete(plain .. '/.obsidian', 'rf')
    vim.cmd('cd ' .. vim.fn.fnameescape(plain))
    vim.cmd('edit ' .. vim.fn.fnameescape(plain .. '/Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md'))
    local pbuf = vim.api.nvim_get_current_buf()
    local pclient
    wait_for('a client for the plain vault', 20000, function()
      pclient = nl.get_client(pbuf)
      return pclient ~= nil and pclient.initialized == true
    end)
    eq(pclient.config.root_dir, plain, 'root_dir')
    wait_for('proposed-task at line 27', 15000, function()
      for _, d in ipairs(vim.diagnostic.get(pbuf)) do
        if d.code == 'proposed-task' and d.lnum == 27 then
          return true
        end
      end
      return false
    end)
    for _, d in ipairs(vim.diagnostic.get(pbuf)) do
      if d.code == 'unknown-person' or d.code == 'unknown-account' then
        error('the whole vault should be indexed, got ' .. d.code .. ': ' .. d.message)
      end
    end
    vim.cmd('cd ' .. vim.fn.fnameescape(vault))
    vim.fn.delete(plain, 'rf')
  end)
end

local ok, err = pcall(main)
if not ok then
  results.failed = results.failed + 1
  out('not ok - uncaught: ' .. tostring(err))
end
finish()
