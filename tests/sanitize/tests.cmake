# The sanitizer builds' test programs (tools/sanitizer_tests.sh configures build-asan and build-tsan with
# THORAX_SANITIZE set; nothing here exists in a normal build). Each program holds only the tests of the libraries
# under check — the parsers and loader (thorax_data), .npy (thorax_tensor), safetensors (thorax_nn) and the CUDA
# emulator (thorax_cuda_emu) — so a sanitizer build compiles no model. Labelled `sanitize`; ctest -L sanitize runs them.
if(NOT THORAX_SANITIZE OR THORAX_SANITIZE STREQUAL "fuzzer")
  return()
endif()

# Only the libraries under check and the programs below are instrumented, at -O1 (appended last, so it wins over
# their own -O2/-O3: fast enough to run the suites, little enough optimization that the sanitizers see every access
# as written). What they merely link — kernels, autograd — is compiled exactly as in the main build, so ccache
# serves it from there.
set(_sanitize_flags -fsanitize=${THORAX_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)
foreach(lib thorax_tensor thorax_data thorax_nn thorax_cuda_emu thorax_fuzz_config)
  target_compile_options(${lib} PRIVATE ${_sanitize_flags})
endforeach()

set(_src ${PROJECT_SOURCE_DIR}/tests)
# thorax_sanitize_test(NAME LIBS SOURCES ARGS): a doctest program of the given test files, run with ARGS.
function(thorax_sanitize_test name)
  cmake_parse_arguments(S "" "" "LIBS;SOURCES;ARGS" ${ARGN})
  add_executable(${name} ${S_SOURCES} ${_src}/support/main.cpp)
  target_link_libraries(${name} PRIVATE ${S_LIBS})
  target_include_directories(${name} PRIVATE ${DOCTEST_INCLUDE_DIR})
  target_compile_definitions(${name} PRIVATE THORAX_DATA_DIR="${THORAX_DATA_DIR}")
  target_compile_options(${name} PRIVATE ${_sanitize_flags})
  add_test(NAME ${name} COMMAND ${name} ${S_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS sanitize SKIP_RETURN_CODE 77 TIMEOUT 1200
                       ENVIRONMENT "OMP_NUM_THREADS=2;OMP_WAIT_POLICY=passive")
endfunction()

if(THORAX_SANITIZE STREQUAL "thread")
  # The threaded prefetching loader (data/loader.cpp). Only thorax_tensor and thorax_data are built here, and
  # neither is compiled with OpenMP, so every thread TSan sees is one the loader started.
  thorax_sanitize_test(tsan_loader LIBS thorax_data SOURCES ${_src}/data/split_loader_test.cpp ARGS "--test-case=loader*")
  set(_sanitize_programs tsan_loader)
else()
  file(GLOB _data_tests CONFIGURE_DEPENDS ${_src}/data/*_test.cpp)
  thorax_sanitize_test(asan_data LIBS thorax_data SOURCES ${_data_tests})
  # Real-data cases compare decoded images with Pillow's (the data_refs fixture of tests/data/tests.cmake).
  set_property(TEST asan_data APPEND PROPERTY ENVIRONMENT "THORAX_DATA_REFS=${THORAX_DATA_REFS}")
  set_property(TEST asan_data APPEND PROPERTY FIXTURES_REQUIRED data_refs)
  thorax_sanitize_test(asan_npy LIBS thorax_tensor SOURCES ${_src}/tensor/tensor_test.cpp ARGS "--test-case=npy*")
  # Without the case reading files PyTorch wrote: its references come from the torch_refs fixture, whose exporter
  # links every model.
  thorax_sanitize_test(asan_safetensors LIBS thorax_nn SOURCES ${_src}/nn/safetensors_test.cpp ${_src}/support/check.cpp
                       ARGS "--test-case-exclude=*written by the Python tools*")
  # The CUDA kernels in the emulator: test_cuda's own sources (tests/cuda/tests.cmake, read once it has run, so the
  # two never drift apart) without the rest of the test support library.
  function(thorax_sanitize_cuda)
    get_target_property(_sources test_cuda SOURCES)
    list(FILTER _sources EXCLUDE REGEX "support/main.cpp$")
    thorax_sanitize_test(asan_cuda_emu LIBS thorax_cuda_emu thorax_tensor SOURCES ${_sources})
    target_compile_definitions(asan_cuda_emu PRIVATE $<TARGET_PROPERTY:test_cuda,COMPILE_DEFINITIONS>)
  endfunction()
  cmake_language(DEFER CALL thorax_sanitize_cuda)
  set(_sanitize_programs asan_data asan_npy asan_safetensors asan_cuda_emu)
  # The fuzz targets' replays (tests/fuzz/tests.cmake) run here under the same sanitizers.
  foreach(t ${THORAX_FUZZ_TARGETS})
    list(APPEND _sanitize_programs fuzz_replay_${t})
    target_compile_options(fuzz_replay_${t} PRIVATE ${_sanitize_flags})
  endforeach()
  list(APPEND _sanitize_programs fuzz_make_seeds)
  target_compile_options(fuzz_make_seeds PRIVATE ${_sanitize_flags})
endif()
# What tools/sanitizer_tests.sh builds: these programs and nothing else.
add_custom_target(sanitize_tests)
add_dependencies(sanitize_tests ${_sanitize_programs})
