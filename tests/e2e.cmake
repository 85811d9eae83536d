# End-to-end tests through Microsoft's vscode-jsonrpc, and the editor integrations' own tests
# that need only the protocol foundation. Node modules come from `npm ci` in tests/e2e and
# editors/vscode (tests/install-test-deps.sh); the tests say so clearly when they are missing.
set(NL_E2E_DIR ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set(NL_VSCODE_DIR ${CMAKE_SOURCE_DIR}/editors/vscode)

add_test(NAME e2e-foundation
         COMMAND node --test ${NL_E2E_DIR}/foundation.test.mjs
         WORKING_DIRECTORY ${NL_E2E_DIR})
set_tests_properties(e2e-foundation PROPERTIES
  ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>" TIMEOUT 300 LABELS "e2e")

# Builds the bundle, packages the .vsix offline, checks manifest against code.
add_test(NAME vscode-package
         COMMAND node --test ${NL_VSCODE_DIR}/test/manifest.test.mjs ${NL_VSCODE_DIR}/test/package.test.mjs
         WORKING_DIRECTORY ${NL_VSCODE_DIR})
set_tests_properties(vscode-package PROPERTIES TIMEOUT 600 LABELS "editors;vscode" RUN_SERIAL TRUE)

# The server as VS Code's client sees it (protocol level).
add_test(NAME vscode-client
         COMMAND node --test ${NL_VSCODE_DIR}/test/client.test.mjs
         WORKING_DIRECTORY ${NL_VSCODE_DIR})
set_tests_properties(vscode-client PROPERTIES
  ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>" TIMEOUT 300 LABELS "editors;vscode")

add_test(NAME helix
         COMMAND python3 ${CMAKE_SOURCE_DIR}/editors/helix/test_languages.py
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/editors/helix)
set_tests_properties(helix PROPERTIES
  ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>" TIMEOUT 120 LABELS "editors;helix")
