# The fuzz targets, one fuzz/<name>.cpp each, named after the source they fuzz. Shared by fuzz/CMakeLists.txt (the
# libFuzzer build of `make fuzz`) and tests/fuzz/tests.cmake (their regression files replayed in `make test`).
set(THORAX_FUZZ_TARGETS image csv nih chexpert covid zip_reader npz npy safetensors weights_file run_config pipeline spec)
set(THORAX_FUZZ_DIR ${PROJECT_SOURCE_DIR}/fuzz)

if(NOT TARGET thorax_fuzz_config)
  # config.json is read by two files of train/; compiling just those keeps every model out of the fuzz build.
  add_library(thorax_fuzz_config STATIC ${PROJECT_SOURCE_DIR}/train/train_config.cpp ${PROJECT_SOURCE_DIR}/train/run_dir.cpp)
  target_link_libraries(thorax_fuzz_config PUBLIC thorax_data)

  # Writes every target's seed corpus from thorax's own phantoms and writers (fuzz/make_seeds.cpp).
  find_package(ZLIB REQUIRED)
  add_executable(fuzz_make_seeds ${THORAX_FUZZ_DIR}/make_seeds.cpp)
  target_link_libraries(fuzz_make_seeds PRIVATE thorax_data thorax_nn thorax_fuzz_config ZLIB::ZLIB)
endif()

# thorax_fuzz_program(NAME TARGET SOURCES...): TARGET's LLVMFuzzerTestOneInput plus a main (libFuzzer's or the
# replay's). Only the weights readers need thorax_nn (and with it autograd and the kernels).
function(thorax_fuzz_program name target)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE thorax_data thorax_fuzz_config)
  if(target STREQUAL "safetensors" OR target STREQUAL "weights_file")
    target_link_libraries(${name} PRIVATE thorax_nn)
  endif()
endfunction()
