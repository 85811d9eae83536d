# Fuzz targets (tests/fuzz): built with clang's libFuzzer when it is there, and each run by
# ctest for a bounded time from its committed seed corpus (tests/fuzz/corpus/<target>/) with a
# fixed seed; a crash or a broken invariant fails the test and leaves the input in
# build/fuzz-artifacts/. New inputs go to build/fuzz-corpus/, never into the source tree.
# The fuzz binaries carry ASan and UBSan themselves, so the sanitizer build does not run them
# again (NOTES_LSP_FUZZ defaults to OFF there).
find_program(NL_CLANG NAMES clang clang-14)
set(NL_FUZZ_DEFAULT OFF)
if(NL_CLANG AND NOT NOTES_LSP_SANITIZE)
  file(WRITE ${CMAKE_BINARY_DIR}/fuzz-probe.c
       "#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }\n")
  execute_process(COMMAND ${NL_CLANG} -fsanitize=fuzzer,address,undefined
                          ${CMAKE_BINARY_DIR}/fuzz-probe.c -o ${CMAKE_BINARY_DIR}/fuzz-probe
                  RESULT_VARIABLE nl_fuzz_probe OUTPUT_QUIET ERROR_QUIET)
  if(nl_fuzz_probe EQUAL 0)
    set(NL_FUZZ_DEFAULT ON)
  endif()
endif()
option(NOTES_LSP_FUZZ "Build the libFuzzer targets with clang and run each for a bounded time"
       ${NL_FUZZ_DEFAULT})
set(NOTES_LSP_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz target runs under ctest")

if(NOTES_LSP_FUZZ)
  include(ExternalProject)
  ExternalProject_Add(fuzz-targets
    SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz
    BINARY_DIR ${CMAKE_BINARY_DIR}/fuzz
    CMAKE_ARGS -DCMAKE_C_COMPILER=${NL_CLANG} -DNL_ROOT=${CMAKE_SOURCE_DIR}
               -DCMAKE_BUILD_TYPE=RelWithDebInfo
    BUILD_ALWAYS ON
    INSTALL_COMMAND "")
  file(GLOB NL_FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz-*.c)
  foreach(src ${NL_FUZZ_SOURCES})
    get_filename_component(name ${src} NAME_WE)
    string(REPLACE "fuzz-" "" target ${name})
    set(work ${CMAKE_BINARY_DIR}/fuzz-corpus/${target})
    set(artifacts ${CMAKE_BINARY_DIR}/fuzz-artifacts/)
    add_test(NAME ${name}
             COMMAND sh -c "mkdir -p '${work}' '${artifacts}' && exec \"$0\" \"$@\""
                     ${CMAKE_BINARY_DIR}/fuzz/${name} -seed=1
                     -max_total_time=${NOTES_LSP_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048
                     -artifact_prefix=${artifacts} -print_final_stats=1
                     ${work} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${target})
    set_tests_properties(${name} PROPERTIES LABELS fuzz
                         TIMEOUT 120)
  endforeach()
endif()
