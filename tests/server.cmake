# Server behaviour over real stdio (python3 stdlib client).
add_test(NAME server-stdio
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/server/test_server.py -v)
set_tests_properties(server-stdio PROPERTIES LABELS "e2e;server" TIMEOUT 300
                     ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>")
