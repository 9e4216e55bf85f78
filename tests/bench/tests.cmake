# test_bench (the *_test.cpp here) needs the harness library; CLI runs of `thorax bench` and of the comparison
# script at tiny sizes (the real tables are `make bench` and bench/compare_models.py, never timed in tests).
if(TARGET test_bench)
  target_link_libraries(test_bench PRIVATE thorax_bench)
endif()

set(_thorax $<TARGET_FILE:thorax>)
# Two models × two phases: four measuring processes, each row its own peak RSS.
add_test(NAME cli_bench_model COMMAND ${_thorax} bench model resnet18 mobilenet_v2@40 --res 32 --batch 2 --steps 1 --warmup 0)
set_tests_properties(cli_bench_model PROPERTIES PASS_REGULAR_EXPRESSION
  "batch 2, [0-9]+ threads, median of 1 timed steps after 0 warm-up.*\nresnet18 +32 +1000 +train +[0-9.]+ +[0-9.]+ +[0-9]+\nresnet18 +32 +1000 +infer .*\nmobilenet_v2 +40 +1000 +train .*\nmobilenet_v2 +40 +1000 +infer .*each row measured in a process of its own")
add_test(NAME cli_bench_model_profile COMMAND ${_thorax} bench model resnet18 --res 32 --batch 2 --steps 1 --train-only --profile --threads 1)
set_tests_properties(cli_bench_model_profile PROPERTIES PASS_REGULAR_EXPRESSION
  "1 threads.*of this process.*resnet18@32 train step, mean of 1 timed steps: forward.*\nconv2d +20 +[0-9.]+ +20 .*\\(Adam step, no autograd op\\)")
add_test(NAME cli_bench_model_json COMMAND ${_thorax} bench model resnet18@32 --batch 2 --steps 2 --infer-only --json)
set_tests_properties(cli_bench_model_json PROPERTIES PASS_REGULAR_EXPRESSION
  "\n\\{\"batch\":2,\"infer\":\\{\"images_per_second\":[0-9.e+-]+,\"median_seconds\":[0-9.e+-]+,\"num_classes\":1000,\"peak_rss_bytes\":[0-9]+,\"seconds\":\\[[0-9.e+-]+,[0-9.e+-]+\\]\\},\"model\":\"resnet18\",\"num_classes\":1000,\"res\":32,\"steps\":2,\"threads\":2,\"warmup\":1\\}\n")
add_test(NAME cli_bench_unknown COMMAND sh -c "'${_thorax}' bench model resnet18 resnet19 2>&1; test $? -ne 0")
set_tests_properties(cli_bench_unknown PROPERTIES PASS_REGULAR_EXPRESSION "unknown model 'resnet19' \\(known: resnet18")

# The loader on real images beside the training step it feeds; and `thorax data throughput`, which shares its code.
set(_kermany ${THORAX_DATA_DIR}/kermany/train)
set(_need_kermany "test -d '${_kermany}' || { echo 'skipping: no shared data at ${_kermany}'; exit 77; }")
add_test(NAME cli_bench_loader COMMAND sh -c "${_need_kermany}; '${_thorax}' bench loader --data 'folder:${_kermany}' --images 48 --size 64 --batch 2 --steps 1")
set_tests_properties(cli_bench_loader PROPERTIES SKIP_RETURN_CODE 77 PASS_REGULAR_EXPRESSION
  "loader: 48 images of folder:[^\n]* in [0-9.]+ s on 2 threads: [0-9.]+ images/s\n  pipeline \\[\\{\"method\":\"area\",\"op\":\"resize\",\"size\":\\[96,96\\]\\}.*clahe.*then augmentation 'train' to 64 px\nresnet18 training step: batch 2, 64 px, 2 threads: [0-9.]+ images/s \\(median of 1 steps\\)\nloader / training step: [0-9.]+x \\(issue 5 asks at least 4x: (met|MISSED)\\)")
add_test(NAME cli_data_throughput COMMAND sh -c "${_need_kermany}; '${_thorax}' data throughput --data 'folder:${_kermany}' --images 40 --batch 8 --augment simclr --size 64")
set_tests_properties(cli_data_throughput PROPERTIES SKIP_RETURN_CODE 77 PASS_REGULAR_EXPRESSION
  "^40 images \\(folder:[^\n]*\\) in [0-9.]+ s on 2 threads: [0-9.]+ images/s \\(two views each\\)\npipeline \\[.*\\]; augmentation simclr\n$")

# The comparison script end to end at a tiny size (PyTorch in its own processes), one model, one repetition.
add_test(NAME cli_bench_compare_models COMMAND ${THORAX_PYTHON} ${CMAKE_SOURCE_DIR}/bench/compare_models.py
  --build ${PROJECT_BINARY_DIR} --models resnet18@32 --batch 2 --reps 1 --steps 1 --warmup 0)
set_tests_properties(cli_bench_compare_models PROPERTIES PASS_REGULAR_EXPRESSION
  "# torch 1\\.[0-9][^\n]*torch.get_num_threads\\(\\) = 2[^\n]*thorax 2 OpenMP threads\n.*\n\\| resnet18 \\| 32 \\| 1 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+× \\|[^\n]*\n")
