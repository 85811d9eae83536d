# The command-line jobs through the real binary: `check` on a terminal and in pipes, the
# repository's pre-commit hook through Debian's pre-commit, and `graph` output rendered.
add_test(NAME check-terminal
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_check_terminal.py
                 ${CMAKE_CURRENT_SOURCE_DIR}/vault-example
                 ${CMAKE_CURRENT_SOURCE_DIR}/data/check-example.txt -v)
set_tests_properties(check-terminal PROPERTIES LABELS "cli" TIMEOUT 120
                     ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>")

add_test(NAME check-pre-commit
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_precommit.sh ${CMAKE_SOURCE_DIR}
                 $<TARGET_FILE_DIR:notes-lsp>)
set_tests_properties(check-pre-commit PROPERTIES LABELS "cli" TIMEOUT 300
                     SKIP_RETURN_CODE 77)

# `graph` output through Mermaid's own parser (npm, tests/cli) and Graphviz's dot.
add_test(NAME graph-render
         COMMAND node --test ${CMAKE_CURRENT_SOURCE_DIR}/cli/graph-render.test.mjs
         WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/cli)
set_tests_properties(graph-render PROPERTIES LABELS "cli;graph" TIMEOUT 300
                     ENVIRONMENT "NOTES_LSP=$<TARGET_FILE:notes-lsp>")
