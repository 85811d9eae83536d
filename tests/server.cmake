# Server behaviour over real stdio (python3 stdlib client).
add_test(NAME server-stdio
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/server/test_server.py -v)
set_tests_properties(server-stdio PROPERTIES LABELS "e2e;server" TIMEOUT 300
                     ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>")
# Soak: 20,000 random edits and requests (fixed seed); memory must stay flat (tests/server/soak.py).
add_test(NAME server-soak COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/server/soak.py)
set_tests_properties(server-soak PROPERTIES LABELS "server;soak" TIMEOUT 300
                     ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>")
# Re-diagnosis after edits: other notes only when the edit changed what they read (issue 13).
add_test(NAME server-rediagnose
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/server/test_rediagnose.py -v)
set_tests_properties(server-rediagnose PROPERTIES LABELS "server" TIMEOUT 120
                     ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>")
# The midnight refresh of inlay hints and code lenses, through the NOTES_LSP_CLOCK hook.
add_test(NAME server-midnight
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/server/test_midnight.py -v)
set_tests_properties(server-midnight PROPERTIES LABELS "server" TIMEOUT 120
                     ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>")
# Templates dated in the local time zone, through TZ and the NOTES_LSP_CLOCK hook.
add_test(NAME server-template-clock
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/server/test_template_clock.py -v)
set_tests_properties(server-template-clock PROPERTIES LABELS "server" TIMEOUT 120
                     ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>")
