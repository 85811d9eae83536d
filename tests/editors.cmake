# Headless Neovim (Debian's neovim, 0.7.2 on Debian 12) driving editors/nvim against notes-lsp.
add_test(NAME nvim
         COMMAND sh ${CMAKE_SOURCE_DIR}/editors/nvim/test/run.sh $<TARGET_FILE:notes-lsp>)
set_tests_properties(nvim PROPERTIES TIMEOUT 120 LABELS "editors;nvim")

# Headless Emacs (Debian's emacs-nox 28 with elpa-eglot 1.9 and elpa-markdown-mode) driving
# editors/emacs/notes-lsp.el against notes-lsp.
add_test(NAME emacs
         COMMAND sh ${CMAKE_SOURCE_DIR}/editors/emacs/test/run.sh $<TARGET_FILE:notes-lsp>)
set_tests_properties(emacs PROPERTIES TIMEOUT 120 LABELS "editors;emacs")

# The VS Code extension's modules: the Tasks view and quick pick on editors/fixtures/tasks.json,
# the vault root on real folders, one client per vault (node_modules from npm ci there).
add_test(NAME vscode-modules
         COMMAND node --test ${CMAKE_SOURCE_DIR}/editors/vscode/test/tasks.test.mjs
                             ${CMAKE_SOURCE_DIR}/editors/vscode/test/roots.test.mjs
                             ${CMAKE_SOURCE_DIR}/editors/vscode/test/vault-client.test.mjs
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/editors/vscode)
set_tests_properties(vscode-modules PROPERTIES TIMEOUT 120 LABELS "editors;vscode")
