# The command line: real output, and one clear sentence (non-zero exit) on bad use.
add_test(NAME cli_kernels COMMAND $<TARGET_FILE:thorax> kernels --op gemm)
set_tests_properties(cli_kernels PROPERTIES PASS_REGULAR_EXPRESSION "gemm +[a-z0-9_]+ +cpu +\\\\*")
add_test(NAME cli_bad_use COMMAND sh -c "'$<TARGET_FILE:thorax>' frobnicate 2>&1; test $? -ne 0")
set_tests_properties(cli_bad_use PROPERTIES PASS_REGULAR_EXPRESSION "frobnicate")
