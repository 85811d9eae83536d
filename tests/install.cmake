# Installing notes-lsp: `cmake --install` into a throwaway prefix (binary, man page, editor
# files), and the Debian package built by cpack, installed with apt-get, run and purged (as
# root only; in the sanitizer build the package holds the sanitized binary, which also must
# install and run).
add_test(NAME install-tree
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/install/test_install.sh ${CMAKE_BINARY_DIR}
                 ${CMAKE_SOURCE_DIR})
set_tests_properties(install-tree PROPERTIES LABELS "install" TIMEOUT 120)

add_test(NAME install-deb
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/install/test_deb.sh ${CMAKE_BINARY_DIR}
                 ${CMAKE_SOURCE_DIR})
set_tests_properties(install-deb PROPERTIES LABELS "install;deb" TIMEOUT 900
                     SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)
