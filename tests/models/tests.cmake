# `thorax model`: the zoo listed with torchvision's parameter counts, a summary's layer shapes, and
# weights moving both ways between torchvision and thorax through the command line and tools/.
add_test(NAME cli_model_list COMMAND $<TARGET_FILE:thorax> model list)
set_tests_properties(cli_model_list PROPERTIES PASS_REGULAR_EXPRESSION "resnet50 +25557032.*inception_v3 +27161264.*11 models")
add_test(NAME cli_model_summary COMMAND $<TARGET_FILE:thorax> model summary resnet18 --res 64 --in-channels 1)
set_tests_properties(cli_model_summary PROPERTIES PASS_REGULAR_EXPRESSION
  "layer4\\.1\\.bn2 +BatchNorm2d +\\[1, 512, 2, 2\\].*stages +layer1, layer2, layer3, layer4")
add_test(NAME cli_model_roundtrip COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/models/cli_roundtrip.sh
  $<TARGET_FILE:thorax> ${THORAX_PYTHON} ${CMAKE_SOURCE_DIR}/tools ${CMAKE_CURRENT_BINARY_DIR}/cli_model_roundtrip)
set_tests_properties(cli_model_roundtrip PROPERTIES ENVIRONMENT "OMP_NUM_THREADS=1")
add_test(NAME cli_model_unknown COMMAND sh -c "'$<TARGET_FILE:thorax>' model summary resnet19 2>&1; test $? -ne 0")
set_tests_properties(cli_model_unknown PROPERTIES PASS_REGULAR_EXPRESSION "unknown model 'resnet19' \\(known: resnet18")
