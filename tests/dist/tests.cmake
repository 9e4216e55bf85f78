# Distributed training (issue 10) under Debian's OpenMPI: `make setup` installs it. 2 ranks on one machine.
find_program(THORAX_MPIRUN mpirun)
if(THORAX_MPIRUN)
  add_test(NAME dist_data_parallel COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/dist/data_parallel.sh
           $<TARGET_FILE:thorax> ${THORAX_PYTHON} ${CMAKE_CURRENT_BINARY_DIR}/dist_data_parallel)
  set_tests_properties(dist_data_parallel PROPERTIES PASS_REGULAR_EXPRESSION "data-parallel: all checks passed"
                       FAIL_REGULAR_EXPRESSION "FAIL:" TIMEOUT 300)
else()
  add_test(NAME dist_data_parallel COMMAND sh -c "echo 'mpirun not found: run make setup (installs openmpi-bin)'; exit 77")
  set_tests_properties(dist_data_parallel PROPERTIES SKIP_RETURN_CODE 77)
endif()
