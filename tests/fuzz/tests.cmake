# Every fuzz target's LLVMFuzzerTestOneInput built with an ordinary main (fuzz/replay_main.cpp) and run on the inputs
# that once crashed it (fuzz/regressions/<target>/) and on its seed corpus, written afresh by fuzz_make_seeds.
# In the sanitizer build (build-asan) the same replays run under AddressSanitizer + UndefinedBehaviorSanitizer.
include(${PROJECT_SOURCE_DIR}/fuzz/targets.cmake)
set(_fuzz_seeds ${CMAKE_CURRENT_BINARY_DIR}/fuzz_seeds)
add_test(NAME fuzz_seeds COMMAND sh -c "rm -rf '${_fuzz_seeds}' && '$<TARGET_FILE:fuzz_make_seeds>' '${_fuzz_seeds}'")
set_tests_properties(fuzz_seeds PROPERTIES FIXTURES_SETUP fuzz_seeds LABELS fuzz)
foreach(t ${THORAX_FUZZ_TARGETS})
  thorax_fuzz_program(fuzz_replay_${t} ${t} ${THORAX_FUZZ_DIR}/${t}.cpp ${THORAX_FUZZ_DIR}/replay_main.cpp)
  set(_inputs ${_fuzz_seeds}/${t})
  # Globbed (CONFIGURE_DEPENDS) so that a regression folder added later is picked up by the next build.
  file(GLOB _regressions CONFIGURE_DEPENDS ${THORAX_FUZZ_DIR}/regressions/${t}/*)
  if(_regressions)
    list(APPEND _inputs ${THORAX_FUZZ_DIR}/regressions/${t})
  endif()
  add_test(NAME fuzz_replay_${t} COMMAND fuzz_replay_${t} ${_inputs})
  set_tests_properties(fuzz_replay_${t} PROPERTIES FIXTURES_REQUIRED fuzz_seeds LABELS fuzz TIMEOUT 300)
endforeach()
