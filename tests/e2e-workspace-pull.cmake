# End-to-end: the workspace/diagnostic request the server holds while nothing is new (answered
# when a note changes, on $/cancelRequest, at shutdown) through vscode-jsonrpc.
add_test(NAME e2e-workspace-pull
         COMMAND node --test ${CMAKE_CURRENT_SOURCE_DIR}/e2e/workspace-pull.test.mjs
         WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(e2e-workspace-pull PROPERTIES
  ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>" TIMEOUT 300 LABELS "e2e")
