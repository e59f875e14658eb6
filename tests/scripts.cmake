# Script-based tests, included from CMakeLists.txt inside the tests block.

# Differential test: podgate validate against ajv 8 + ajv-formats (tools/reference) on a
# generated corpus of valid and broken artifacts; see tests/differential/README.md. Skipped
# (exit code 77) only when tools/reference/node_modules is absent.
add_test(NAME differential_ajv
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/differential/run.sh $<TARGET_FILE:podgate>
                 ${CMAKE_CURRENT_BINARY_DIR}/differential)
set_tests_properties(differential_ajv PROPERTIES LABELS differential SKIP_RETURN_CODE 77
                                                 TIMEOUT 300)

# `podgate schema --bundle`: each kind's bundled document compiles alone in the reference
# validator and judges the examples as named (tests/differential/bundle.sh).
add_test(NAME schema_bundle_ajv
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/differential/bundle.sh $<TARGET_FILE:podgate>)
set_tests_properties(schema_bundle_ajv PROPERTIES LABELS differential SKIP_RETURN_CODE 77
                                                  TIMEOUT 120)

# libpq is loaded only for a PostgreSQL ledger (src/store/libpq.h), never at start-up.
add_test(NAME libpq_loaded_on_demand
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/libpq_loaded_on_demand.sh $<TARGET_FILE:podgate>)
set_tests_properties(libpq_loaded_on_demand PROPERTIES LABELS cli TIMEOUT 60)

# The installed library through find_package(podgate) in a project of its own (tests/find_package).
add_test(NAME find_package_consumer
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/find_package.sh ${CMAKE_BINARY_DIR}
                 "${CMAKE_CXX_FLAGS}" "${CMAKE_EXE_LINKER_FLAGS}")
set_tests_properties(find_package_consumer PROPERTIES LABELS install TIMEOUT 300)
