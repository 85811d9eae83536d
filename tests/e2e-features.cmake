# End-to-end feature tests (completion, definition, diagnostics, code actions) on the example
# vault, through vscode-jsonrpc; and the features the VS Code extension's commands rely on.
add_test(NAME e2e-features
         COMMAND node --test ${CMAKE_CURRENT_SOURCE_DIR}/e2e/features.test.mjs
         WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(e2e-features PROPERTIES
  ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>" TIMEOUT 600 LABELS "e2e")

add_test(NAME vscode-client-features
         COMMAND node --test ${CMAKE_SOURCE_DIR}/editors/vscode/test/client-features.test.mjs
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/editors/vscode)
set_tests_properties(vscode-client-features PROPERTIES
  ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>" TIMEOUT 300 LABELS "editors;vscode")

# Rename of notes, people, accounts, headings, block ids and tags: every edit applied, the vault
# compared byte for byte.
add_test(NAME e2e-rename
         COMMAND node --test ${CMAKE_CURRENT_SOURCE_DIR}/e2e/rename.test.mjs
         WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(e2e-rename PROPERTIES
  ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>" TIMEOUT 300 LABELS "e2e")

# Document links, folding and selection ranges, the alias-link fix.
add_test(NAME e2e-links
         COMMAND node --test ${CMAKE_CURRENT_SOURCE_DIR}/e2e/links.test.mjs
         WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(e2e-links PROPERTIES
  ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>" TIMEOUT 300 LABELS "e2e")
