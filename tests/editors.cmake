# Headless Neovim (Debian's neovim, 0.7.2 on Debian 12) driving editors/nvim against notes-lsp.
add_test(NAME nvim
         COMMAND sh ${CMAKE_SOURCE_DIR}/editors/nvim/test/run.sh $<TARGET_FILE:notes-lsp>)
set_tests_properties(nvim PROPERTIES TIMEOUT 120 LABELS "editors;nvim")
