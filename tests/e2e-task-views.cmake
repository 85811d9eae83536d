# End-to-end tests of the vault-wide task views (the notes-lsp.tasks command, code lenses,
# inlay hints, person and account hovers, workspace diagnostics) through vscode-jsonrpc.
add_test(NAME e2e-task-views
         COMMAND node --test ${CMAKE_CURRENT_SOURCE_DIR}/e2e/task-views.test.mjs
         WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(e2e-task-views PROPERTIES
  ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>" TIMEOUT 600 LABELS "e2e")
