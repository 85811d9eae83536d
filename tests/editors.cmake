# Headless Neovim (Debian's neovim, 0.7.2 on Debian 12) driving editors/nvim against notes-lsp.
add_test(NAME nvim
         COMMAND sh ${CMAKE_SOURCE_DIR}/editors/nvim/test/run.sh $<TARGET_FILE:notes-lsp>)
set_tests_properties(nvim PROPERTIES TIMEOUT 120 LABELS "editors;nvim")

# Headless Emacs (Debian's emacs-nox 28 with elpa-eglot 1.9 and elpa-markdown-mode) driving
# editors/emacs/notes-lsp.el against notes-lsp.
add_test(NAME emacs
         COMMAND sh ${CMAKE_SOURCE_DIR}/editors/emacs/test/run.sh $<TARGET_FILE:notes-lsp>)
set_tests_properties(emacs PROPERTIES TIMEOUT 120 LABELS "editors;emacs")

# The VS Code extension's pure modules: the Tasks view and quick pick on editors/fixtures/tasks.json,
# and the vault root on real folders (node_modules from npm ci in editors/vscode, for esbuild).
add_test(NAME vscode-tasks-roots
         COMMAND node --test ${CMAKE_SOURCE_DIR}/editors/vscode/test/tasks.test.mjs
                             ${CMAKE_SOURCE_DIR}/editors/vscode/test/roots.test.mjs
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/editors/vscode)
set_tests_properties(vscode-tasks-roots PROPERTIES TIMEOUT 120 LABELS "editors;vscode")
