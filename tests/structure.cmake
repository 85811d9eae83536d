# The architecture facts of README's Architecture section, recomputed from the tree on every
# run (tools/structure_check.py): no include cycles, folder arrows, file sizes, one decoder,
# reader, line table and converter, and a table that names every file.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME structure COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/structure_check.py
                                  ${CMAKE_SOURCE_DIR})
  set_tests_properties(structure PROPERTIES LABELS unit)
endif()
