-- notes-lsp: commands that work before setup() is called; the server starts only once
-- require('notes_lsp').setup{...} has run (see editors/nvim/README.md).
if vim.g.loaded_notes_lsp then
  return
end
vim.g.loaded_notes_lsp = true

vim.api.nvim_create_user_command('NotesLspAcceptAll', function()
  require('notes_lsp').accept_all(0)
end, { desc = 'notes-lsp: accept all proposed tasks in this note' })

vim.api.nvim_create_user_command('NotesLspRejectAll', function()
  require('notes_lsp').reject_all(0)
end, { desc = 'notes-lsp: reject all proposed tasks in this note' })
