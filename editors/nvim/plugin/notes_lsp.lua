-- notes-lsp: commands that work before setup() is called; the server starts only once
-- require('notes_lsp').setup{...} has run (see editors/nvim/README.md).
if vim.g.loaded_notes_lsp then
  return
end
vim.g.loaded_notes_lsp = true

require('notes_lsp').create_commands()
