# `thorax model`: the zoo listed with torchvision's and timm's parameter counts, a summary's layer shapes,
# and weights moving both ways between torchvision or timm and thorax through the command line and tools/.
add_test(NAME cli_model_list COMMAND $<TARGET_FILE:thorax> model list)
# Parameter counts as torchvision and timm count them (sum of numel over parameters(), 1000 classes).
set_tests_properties(cli_model_list PROPERTIES PASS_REGULAR_EXPRESSION
  "resnet50 +25557032.*inception_v3 +27161264.*inception_resnet_v2 +55843464.*xception +22855952.*hybrid .*semssxl .*small_cnn .*20 models")
add_test(NAME cli_model_summary COMMAND $<TARGET_FILE:thorax> model summary resnet18 --res 64 --in-channels 1)
set_tests_properties(cli_model_summary PROPERTIES PASS_REGULAR_EXPRESSION
  "layer4\\.1\\.bn2 +BatchNorm2d +\\[1, 512, 2, 2\\].*stages +layer1, layer2, layer3, layer4")
# timm's models at their smallest inputs (7×7 and 75×75): the deepest maps are 1×1, and the stages are timm's.
add_test(NAME cli_model_summary_xception COMMAND $<TARGET_FILE:thorax> model summary xception --res 7)
set_tests_properties(cli_model_summary_xception PROPERTIES PASS_REGULAR_EXPRESSION
  "act4 +ReLU +\\[1, 2048, 1, 1\\].*stages +act2, block2\\.rep\\.0, block3\\.rep\\.0, block12\\.rep\\.0, act4")
add_test(NAME cli_model_summary_inception_resnet_v2 COMMAND $<TARGET_FILE:thorax> model summary inception_resnet_v2
  --res 75 --in-channels 1)
set_tests_properties(cli_model_summary_inception_resnet_v2 PROPERTIES PASS_REGULAR_EXPRESSION
  "conv2d_7b\\.bn +BatchNorm2d +\\[1, 1536, 1, 1\\].*stages +conv2d_2b, conv2d_4a, repeat, repeat_1, conv2d_7b")
add_test(NAME cli_model_roundtrip COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/models/cli_roundtrip.sh
  $<TARGET_FILE:thorax> ${THORAX_PYTHON} ${CMAKE_SOURCE_DIR}/tools ${CMAKE_CURRENT_BINARY_DIR}/cli_model_roundtrip)
set_tests_properties(cli_model_roundtrip PROPERTIES ENVIRONMENT "OMP_NUM_THREADS=1")
add_test(NAME cli_model_unknown COMMAND sh -c "'$<TARGET_FILE:thorax>' model summary resnet19 2>&1; test $? -ne 0")
set_tests_properties(cli_model_unknown PROPERTIES PASS_REGULAR_EXPRESSION "unknown model 'resnet19' \\(known: resnet18")
add_test(NAME cli_model_timm_roundtrip COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/models/cli_timm_roundtrip.sh
  $<TARGET_FILE:thorax> ${CMAKE_SOURCE_DIR}/tools ${CMAKE_CURRENT_BINARY_DIR}/cli_model_timm_roundtrip)
set_tests_properties(cli_model_timm_roundtrip PROPERTIES ENVIRONMENT "OMP_NUM_THREADS=1")

# The model references are 2 GB, nearly all of it the weights of the 13 models (VGG-16's two variants alone
# 1.1 GB: torchvision's first classifier layer is 25088×4096 whatever the input size). The torch_refs fixture
# writes them afresh for every run, so they are removed once every test that reads them has run (which
# also spares the next run's fixture a second copy while it writes the new set); THORAX_KEEP_REFS=1 keeps
# them, e.g. to rerun build/tests/test_models by hand.
add_test(NAME torch_refs_drop_models COMMAND sh -c
  "if [ -n \"$THORAX_KEEP_REFS\" ]; then echo 'kept ${THORAX_TORCH_REFS}/models'; else rm -rf '${THORAX_TORCH_REFS}/models'; fi")
set_tests_properties(torch_refs_drop_models PROPERTIES FIXTURES_CLEANUP torch)

# The seed documents' architectures (hybrid, resnet50_cbam_fpn, chest_attention_net, rare_disease, dual_stream,
# semssxl). Fitting 8 real radiographs needs the shared data, so it is a program of its own that skips (77) without it.
thorax_test(test_seed_overfit SOURCES models/seed_overfit.cpp)

# `thorax model summary` on each seed architecture at its default width: layer shapes, features, stages. The hybrid
# runs at 107×107, the smallest input at which inception_v3 leaves a 2×2 grid (4 tokens for the LSTM).
set(_seed_summaries
  "hybrid --res 107|lstm +LSTM +\\[1, 4, 256\\].*features \\[1, 256\\].*stages +mobilenet_v2\\.features\\.1, [^\n]*inception_v3\\.Mixed_7c, [^\n]*vgg16\\.features\\.29, fuse \\(Grad-CAM default: fuse\\)"
  "resnet50_cbam_fpn --res 64|fpn\\.layer_blocks\\.3 +Conv2d +\\[1, 256, 2, 2\\].*parameters +28578212 .*features \\[1, 1024\\].*stages +cbam1, cbam2, cbam3, cbam4"
  "chest_attention_net --res 64 --in-channels 1|layer4\\.attention\\.spatial\\.conv +Conv2d +\\[1, 1, 2, 2\\].*features \\[1, 256\\].*stages +layer1, layer2, layer3, layer4"
  "rare_disease --res 64 --num-classes 14|memory\\.key +Linear +\\[4, 128\\].*classifier +RareCommonHead +\\[1, 14\\].*features \\[1, 768\\].*stages +branch0, branch1, branch2, fuse"
  "dual_stream --res 64|vgg16\\.features\\.30 +MaxPool2d +\\[1, 512, 2, 2\\].*autoencoder\\.encoder\\.2\\.2 +ReLU +\\[1, 128, 8, 8\\].*features \\[1, 256\\].*stages +autoencoder\\.encoder, vgg16\\.features\\.3"
  "semssxl --res 64|xception\\.act4 +ReLU +\\[1, 2048, 2, 2\\].*proj\\.1 +ReLU +\\[1, 512\\].*stages +xception\\.act2, [^\n]*xception\\.act4"
  "chest_attention_net?width=16 --res 64|classifier +Linear +\\[1, 1000\\] +129000 .*features \\[1, 128\\]")
foreach(entry IN LISTS _seed_summaries)
  string(REPLACE "|" ";" _parts "${entry}")
  list(GET _parts 0 _args)
  list(GET _parts 1 _regex)
  string(REGEX MATCH "^[a-z0-9_]+" _name "${_args}")
  string(FIND "${_args}" "?" _has_spec)
  if(NOT _has_spec EQUAL -1)
    set(_name "${_name}_spec")
  endif()
  separate_arguments(_argv UNIX_COMMAND "${_args}")
  add_test(NAME cli_model_summary_${_name} COMMAND $<TARGET_FILE:thorax> model summary ${_argv})
  set_tests_properties(cli_model_summary_${_name} PROPERTIES PASS_REGULAR_EXPRESSION "${_regex}")
endforeach()

# Each seed architecture at its tiny size trains one epoch on a phantom set and is evaluated through the command line
# (semssxl semi-supervised, as it is meant to be); the three seed-003 models then form an ensemble, the hybrid is
# pretrained with SimCLR and fine-tuned from that encoder, and Grad-CAM explains two images through the rare-disease
# model's fused grid.
set(_seed_runs ${CMAKE_CURRENT_BINARY_DIR}/cli_seed_runs)
set(_seed_toy "embedded?n=48&res=64&seed=3&cache=${_seed_runs}/cache")
set(_seed_args "--res 32 --batch 8 --threads 2")
set(_seed_nih "nih:${THORAX_DATA_DIR}/nih")
set(_seed_trainings
  "hybrid|hybrid?width=16&backbones=mobilenet_v2|"
  "resnet50_cbam_fpn|resnet50_cbam_fpn?width=8|"
  "chest_attention_net|chest_attention_net?width=8|"
  "rare_disease|rare_disease?width=8|"
  "dual_stream|dual_stream?width=8&stream=mobilenet_v2|"
  "semssxl|semssxl?width=16&encoder=mobilenet_v2|--semi-supervised --label-fraction 0.5")
foreach(entry IN LISTS _seed_trainings)
  string(REPLACE "|" ";" _parts "${entry}")
  list(GET _parts 0 _name)
  list(GET _parts 1 _spec)
  list(GET _parts 2 _extra)
  set(_seed_pass "model: ${_name}[^\n]*parameters.*epoch 1/1 · train loss [0-9.]+ .*finished after 1 epochs.*wrote [^\n]*eval-test/\\{predictions.csv.*macro AUROC [0-9.]+")
  add_test(NAME cli_seed_train_${_name} COMMAND sh -c "rm -rf '${_seed_runs}/${_name}' && '$<TARGET_FILE:thorax>' train --data '${_seed_toy}' ${_seed_args} --epochs 1 --model '${_spec}' ${_extra} --out '${_seed_runs}/${_name}' && '$<TARGET_FILE:thorax>' eval --run '${_seed_runs}/${_name}' --resamples 20")
  set_tests_properties(cli_seed_train_${_name} PROPERTIES FIXTURES_SETUP cli_seed_${_name} PASS_REGULAR_EXPRESSION
    "${_seed_pass}")
  # The same on real radiographs: 64 NIH images (a patient-wise stratified subset of the shared copy), 14 findings.
  add_test(NAME cli_seed_nih_${_name} COMMAND sh -c "test -d '${THORAX_DATA_DIR}/nih' || { echo 'skipping: no shared data'; exit 77; }; rm -rf '${_seed_runs}/nih-${_name}' && '$<TARGET_FILE:thorax>' train --data '${_seed_nih}' --max-images 64 ${_seed_args} --epochs 1 --model '${_spec}' ${_extra} --out '${_seed_runs}/nih-${_name}' && '$<TARGET_FILE:thorax>' eval --run '${_seed_runs}/nih-${_name}' --resamples 20")
  set_tests_properties(cli_seed_nih_${_name} PROPERTIES SKIP_RETURN_CODE 77 FIXTURES_SETUP cli_seed_nih_${_name} PASS_REGULAR_EXPRESSION
    "${_seed_pass}")
endforeach()

add_test(NAME cli_seed_ensemble COMMAND $<TARGET_FILE:thorax> ensemble --runs ${_seed_runs}/resnet50_cbam_fpn
  ${_seed_runs}/chest_attention_net ${_seed_runs}/rare_disease --resamples 20 --out ${_seed_runs}/ensemble)
set_tests_properties(cli_seed_ensemble PROPERTIES
  FIXTURES_REQUIRED "cli_seed_resnet50_cbam_fpn;cli_seed_chest_attention_net;cli_seed_rare_disease"
  PASS_REGULAR_EXPRESSION "ensemble of 3 runs \\(mean; weights 0.333 0.333 0.333\\).*macro AUROC [0-9.]+")
add_test(NAME cli_seed_pretrain_hybrid COMMAND sh -c "rm -rf '${_seed_runs}/pre' '${_seed_runs}/ft' && '$<TARGET_FILE:thorax>' pretrain --data '${_seed_toy}' ${_seed_args} --epochs 1 --warmup-epochs 0 --model 'hybrid?width=16&backbones=mobilenet_v2' --out '${_seed_runs}/pre' && '$<TARGET_FILE:thorax>' train --data '${_seed_toy}' ${_seed_args} --epochs 1 --model 'hybrid?width=16&backbones=mobilenet_v2' --init '${_seed_runs}/pre/encoder.safetensors' --split-file '${_seed_runs}/pre/split.json' --out '${_seed_runs}/ft'")
set_tests_properties(cli_seed_pretrain_hybrid PROPERTIES PASS_REGULAR_EXPRESSION
  "NT-Xent [0-9.]+ · pair top-1.*wrote [^\n]*encoder.safetensors.*init: [0-9]+ tensors from [^\n]*encoder.safetensors \\(classifier 'classifier' newly initialized.*finished after 1 epochs")
add_test(NAME cli_seed_explain_rare_disease COMMAND sh -c "C=\$(ls -d '${_seed_runs}'/cache/*/ | head -1) && rm -rf '${_seed_runs}/explain' && '$<TARGET_FILE:thorax>' explain --run '${_seed_runs}/rare_disease' --images \$(ls \"\$C\"images/*.png | head -2) --out '${_seed_runs}/explain'")
set_tests_properties(cli_seed_explain_rare_disease PROPERTIES FIXTURES_REQUIRED cli_seed_rare_disease
  PASS_REGULAR_EXPRESSION "layer fuse; 2 images explained, 0 skipped.*wrote [^\n]*explain/explain.json")
# On the same real images: the seed-003 ensemble of those runs (one split: the same seed and image cap made it), and
# `thorax predict` on two NIH radiographs.
add_test(NAME cli_seed_nih_ensemble COMMAND sh -c "test -d '${THORAX_DATA_DIR}/nih' || { echo 'skipping: no shared data'; exit 77; }; cd '${_seed_runs}' && '$<TARGET_FILE:thorax>' ensemble --runs nih-resnet50_cbam_fpn nih-chest_attention_net nih-rare_disease --resamples 20 --out nih-ensemble")
set_tests_properties(cli_seed_nih_ensemble PROPERTIES SKIP_RETURN_CODE 77
  FIXTURES_REQUIRED "cli_seed_nih_resnet50_cbam_fpn;cli_seed_nih_chest_attention_net;cli_seed_nih_rare_disease"
  PASS_REGULAR_EXPRESSION "ensemble of 3 runs \\(mean; weights 0.333 0.333 0.333\\).*macro AUROC [0-9.]+")
add_test(NAME cli_seed_nih_predict COMMAND sh -c "test -d '${THORAX_DATA_DIR}/nih' || { echo 'skipping: no shared data'; exit 77; }; '$<TARGET_FILE:thorax>' predict --run '${_seed_runs}/nih-chest_attention_net' --out '${_seed_runs}/nih-predict.csv' \$(ls '${THORAX_DATA_DIR}'/nih/images256/*.png | head -2) && cat '${_seed_runs}/nih-predict.csv'")
set_tests_properties(cli_seed_nih_predict PROPERTIES SKIP_RETURN_CODE 77 FIXTURES_REQUIRED cli_seed_nih_chest_attention_net
  PASS_REGULAR_EXPRESSION "2 images: 2 predicted, 0 skipped.*image,p_Atelectasis,[^\n]*\n[^\n]*\\.png,0\\.[0-9]+,")
