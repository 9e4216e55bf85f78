# The command line: real output, and one clear sentence (non-zero exit) on bad use.
add_test(NAME cli_kernels COMMAND $<TARGET_FILE:thorax> kernels --op gemm)
set_tests_properties(cli_kernels PROPERTIES PASS_REGULAR_EXPRESSION "gemm +[a-z0-9_]+ +cpu +\\\\*")
add_test(NAME cli_bad_use COMMAND sh -c "'$<TARGET_FILE:thorax>' frobnicate 2>&1; test $? -ne 0")
set_tests_properties(cli_bad_use PROPERTIES PASS_REGULAR_EXPRESSION "frobnicate")

# `thorax pretrain | train | eval | predict` end to end on a toy phantom set: SimCLR pretraining, fine-tuning from
# its encoder on its split, evaluation with bootstrap intervals, prediction on image files, and resuming.
set(_runs ${CMAKE_CURRENT_BINARY_DIR}/cli_runs)
set(_toy "embedded?n=64&res=64&seed=4&cache=${_runs}/cache")
set(_toy_args "--res 32 --batch 8 --threads 2 --val-fraction 0.25")
add_test(NAME cli_pretrain COMMAND sh -c "rm -rf '${_runs}/pre' && '$<TARGET_FILE:thorax>' pretrain --data '${_toy}' ${_toy_args} --epochs 2 --out '${_runs}/pre'")
set_tests_properties(cli_pretrain PROPERTIES FIXTURES_SETUP cli_pre PASS_REGULAR_EXPRESSION
  "epoch 2/2 · train loss [0-9.]+ · NT-Xent [0-9.]+ · pair top-1 [0-9.]+.*wrote [^\n]*encoder.safetensors.*finished after 2 epochs")
add_test(NAME cli_train_init COMMAND sh -c "rm -rf '${_runs}/ft' && '$<TARGET_FILE:thorax>' train --data '${_toy}' ${_toy_args} --epochs 2 --init '${_runs}/pre/encoder.safetensors' --split-file '${_runs}/pre/split.json' --label-fraction 0.5 --out '${_runs}/ft' && cmp '${_runs}/pre/split.json' '${_runs}/ft/split.json' && echo same-split")
set_tests_properties(cli_train_init PROPERTIES FIXTURES_REQUIRED cli_pre FIXTURES_SETUP cli_ft PASS_REGULAR_EXPRESSION
  "init: 1[0-9][0-9] tensors from [^\n]*encoder.safetensors \\(classifier 'fc' newly initialized; [0-9]+ tensors of the file not used.*epoch 2/2 · train loss [0-9.]+ · val loss [0-9.]+ · val AUROC.*finished after 2 epochs.*same-split")
add_test(NAME cli_eval COMMAND $<TARGET_FILE:thorax> eval --run ${_runs}/ft --resamples 100)
set_tests_properties(cli_eval PROPERTIES FIXTURES_REQUIRED cli_ft PASS_REGULAR_EXPRESSION
  "test images of [0-9]+ patients; multi-label, 8 classes.*\\| Atelectasis \\|.*\\| macro \\([0-9] classes\\).*wrote [^\n]*eval-test/\\{predictions.csv, eval.json")
add_test(NAME cli_predict COMMAND sh -c "'$<TARGET_FILE:thorax>' predict --run '${_runs}/ft' --out '${_runs}/p.csv' \"\$(ls -d '${_runs}'/cache/*/images/*.png | head -1)\" /etc/hostname 2>&1; echo exit=$?; cat '${_runs}/p.csv'")
set_tests_properties(cli_predict PROPERTIES FIXTURES_REQUIRED cli_ft PASS_REGULAR_EXPRESSION
  "skipped: image /etc/hostname: not a PNG, JPEG or BMP.*2 images: 1 predicted, 1 skipped.*exit=1\nimage,p_Atelectasis,p_Cardiomegaly[^\n]*\n[^\n]*_000.png,0\\.[0-9]+,")
add_test(NAME cli_train_resume COMMAND sh -c "rm -rf '${_runs}/res' && '$<TARGET_FILE:thorax>' train --data '${_toy}' ${_toy_args} --epochs 2 --stop-after 1 --out '${_runs}/res' && '$<TARGET_FILE:thorax>' train --resume --out '${_runs}/res' && '$<TARGET_FILE:thorax>' train --data '${_toy}' --out '${_runs}/res'; echo exit=$?")
set_tests_properties(cli_train_resume PROPERTIES FIXTURES_REQUIRED cli_pre PASS_REGULAR_EXPRESSION
  "stopped after 1 epochs as asked.*resume: from epoch 1 of 2.*epoch 2/2 · train loss.*finished after 2 epochs.*already holds a run \\(config.json\\): use --resume.*exit=1")
add_test(NAME cli_train_bad COMMAND sh -c "'$<TARGET_FILE:thorax>' train --data '${_toy}' --optimizer adagrad --out '${_runs}/bad' 2>&1; echo exit=$?")
set_tests_properties(cli_train_bad PROPERTIES PASS_REGULAR_EXPRESSION "--optimizer 'adagrad' is not one of: sgd, adam, adamw, lars\nexit=1")
add_test(NAME cli_train_semi COMMAND sh -c "rm -rf '${_runs}/semi' && '$<TARGET_FILE:thorax>' train --semi-supervised --data '${_toy}' ${_toy_args} --epochs 1 --label-fraction 0.3 --out '${_runs}/semi' && ls '${_runs}/semi'")
set_tests_properties(cli_train_semi PROPERTIES FIXTURES_REQUIRED cli_pre PASS_REGULAR_EXPRESSION
  "labeled of [0-9]+.*loss weighted_bce [^\n]* \\+ 1 × NT-Xent \\(τ 0.1, projection 128\\).*epoch 1/1 · train loss [0-9.]+ · NT-Xent [0-9.]+ · pair top-1 [0-9.]+ · val loss [0-9.]+ · val AUROC.*predictions.csv")
add_test(NAME cli_explain COMMAND sh -c "C=\$(ls -d '${_runs}'/cache/*/ | head -1) && '$<TARGET_FILE:thorax>' explain --run '${_runs}/ft' --images \$(ls \"\$C\"images/*.png | head -6) /etc/hostname --boxes \"\$C\"BBox_List_2017.csv --masks \"\$C\"masks --out '${_runs}/explain' 2>&1; echo exit=$?; ls '${_runs}/explain/overlays' | grep -c png")
set_tests_properties(cli_explain PROPERTIES FIXTURES_REQUIRED cli_ft PASS_REGULAR_EXPRESSION
  "skipped: image /etc/hostname: not a PNG.*layer layer4; 6 images explained, 1 skipped\nclass +explained +lesions +chance +pointing Grad-CAM.*\nAtelectasis +6 .*wrote [^\n]*explain/explain.json and overlays/\\*.png.*exit=1\n96\n")
add_test(NAME cli_cv COMMAND sh -c "rm -rf '${_runs}/cv' && '$<TARGET_FILE:thorax>' cv --folds 3 --data '${_toy}' ${_toy_args} --epochs 1 --resamples 20 --out '${_runs}/cv'")
set_tests_properties(cli_cv PROPERTIES FIXTURES_REQUIRED cli_pre PASS_REGULAR_EXPRESSION
  "\\| 1 \\| [0-9]+ \\| [0-9]+ \\| [0-9]+ \\| [0-9.]+ .*\\| 3 \\| [0-9]+ .*mean ± sd: macro AUROC [0-9.]+ ± [0-9.]+ \\(3 folds\\)")
add_test(NAME cli_ensemble COMMAND sh -c "cd '${_runs}' && for m in mean weighted vote; do '$<TARGET_FILE:thorax>' ensemble --runs ft res semi --method \$m --resamples 20 --out ens-\$m || exit 1; done; '$<TARGET_FILE:thorax>' ensemble --runs ft cv/fold-0 --out ens-bad 2>&1; echo exit=$?")
set_tests_properties(cli_ensemble PROPERTIES FIXTURES_REQUIRED "cli_ft;cli_pre" DEPENDS "cli_train_semi;cli_train_resume;cli_cv" PASS_REGULAR_EXPRESSION
  "ensemble of 3 runs \\(mean; weights 0.333 0.333 0.333\\).*ensemble of 3 runs \\(weighted; weights [0-9.]+ [0-9.]+ [0-9.]+\\).*ensemble of 3 runs \\(vote;.*fold-0 predicts [0-9]+ images, the first run [0-9]+: ensemble members must share one split\nexit=1")

# report.html in headless Chromium (tests/report/check_report.py): toy runs made from the fixtures above, `thorax
# report`, then the rendered page checked against eval.json, compare.json, explain.json and predictions.csv.
add_test(NAME report_browser COMMAND ${THORAX_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/report/check_report.py
  --thorax $<TARGET_FILE:thorax> --runs ${CMAKE_CURRENT_BINARY_DIR}/cli_runs --work ${CMAKE_CURRENT_BINARY_DIR}/report_runs)
set_tests_properties(report_browser PROPERTIES FIXTURES_REQUIRED "cli_ft;cli_pre" SKIP_RETURN_CODE 77)
add_test(NAME cli_report_bad COMMAND sh -c "'$<TARGET_FILE:thorax>' report --runs /nonexistent-run 2>&1; echo exit=$?")
set_tests_properties(cli_report_bad PROPERTIES PASS_REGULAR_EXPRESSION "thorax: run directory /nonexistent-run does not exist\nexit=1")
# The main job (`make demo`) at toy size: on the generated phantoms, and on a slice of real Kermany X-rays.
add_test(NAME demo_toy_phantoms COMMAND sh -c "PRESET=toy THREADS=2 bash '${CMAKE_SOURCE_DIR}/tools/demo.sh' '${CMAKE_BINARY_DIR}' '${_runs}/demo-phantoms'")
set_tests_properties(demo_toy_phantoms PROPERTIES PASS_REGULAR_EXPRESSION
  "== 6/6 report ==.*wrote [^\n]*report.html.*== summary \\(toy preset.*simclr-10: macro AUROC [0-9.]+ \\[.*scratch-100: macro AUROC.*(has the higher macro AUROC|No difference).*stages: pretrain [0-9]+ s; fine-tune")
add_test(NAME demo_toy_kermany COMMAND sh -c "test -d '${THORAX_DATA_DIR}/kermany/train' || { echo 'skipping: no shared data'; exit 77; }; DATA='folder:${THORAX_DATA_DIR}/kermany/train' PRESET=toy THREADS=2 bash '${CMAKE_SOURCE_DIR}/tools/demo.sh' '${CMAKE_BINARY_DIR}' '${_runs}/demo-kermany'")
set_tests_properties(demo_toy_kermany PROPERTIES SKIP_RETURN_CODE 77 PASS_REGULAR_EXPRESSION
  "multi-class, 2 classes.*== 5/6 Grad-CAM ==.*layer layer4; 12 images explained.*== summary \\(toy preset, data folder:.*scratch-100: macro AUROC [0-9.]+ \\[")
# Issue 6's SimCLR check on a small real set (tests/apps/simclr_probe.sh): NT-Xent falls, and the linear probe on the
# pretrained encoder beats one on a random encoder by a paired bootstrap CI that excludes zero.
add_test(NAME simclr_probe_kermany COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/apps/simclr_probe.sh $<TARGET_FILE:thorax>
  ${THORAX_DATA_DIR} ${CMAKE_CURRENT_BINARY_DIR}/simclr_probe)
set_tests_properties(simclr_probe_kermany PROPERTIES SKIP_RETURN_CODE 77 PASS_REGULAR_EXPRESSION
  "NT-Xent: epoch 1 [0-9.]+, epoch [0-9]+ [0-9.]+.*SimCLR probe beats random-init probe")
# Grad-CAM against the phantoms' lesion masks (tests/apps/gradcam_phantoms.sh): a resnet18 trained on Mass phantoms
# points Grad-CAM (layer2) into the masses at least twice as often as chance.
add_test(NAME gradcam_phantoms COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/apps/gradcam_phantoms.sh $<TARGET_FILE:thorax>
  ${CMAKE_CURRENT_BINARY_DIR}/gradcam_phantoms)
set_tests_properties(gradcam_phantoms PROPERTIES PASS_REGULAR_EXPRESSION
  "Mass: [0-9]+ lesions, Grad-CAM pointing [0-9.]+, chance [0-9.]+ .*Grad-CAM points at the phantom masses")
# `thorax compare --data`: both runs predicted afresh on the (here: same) data give the comparison that their saved
# test predictions give.
add_test(NAME cli_compare_data COMMAND sh -c "cd '${_runs}' && '$<TARGET_FILE:thorax>' compare --runs ft res --resamples 200 | grep '^macro' > saved.txt && '$<TARGET_FILE:thorax>' compare --runs ft res --data '${_toy}' --split test --resamples 200 | grep '^macro' > fresh.txt && cat saved.txt && cmp saved.txt fresh.txt && echo same-comparison")
set_tests_properties(cli_compare_data PROPERTIES FIXTURES_REQUIRED "cli_ft;cli_pre" DEPENDS cli_train_resume PASS_REGULAR_EXPRESSION
  "macro \\([0-9] classes\\) +[0-9.]+ +[0-9.]+ +[-+][0-9.]+ +\\[[-+][0-9.]+, [-+][0-9.]+\\].*same-comparison")
# `thorax cv` on a slice of real Kermany radiographs: 3 patient-grouped folds of 180 images.
add_test(NAME cli_cv_kermany COMMAND sh -c "test -d '${THORAX_DATA_DIR}/kermany/train' || { echo 'skipping: no shared data'; exit 77; }; rm -rf '${_runs}/cv-kermany' && '$<TARGET_FILE:thorax>' cv --folds 3 --data 'folder:${THORAX_DATA_DIR}/kermany/train' --max-images 180 --model 'chest_attention_net?width=8' --res 32 --batch 16 --threads 2 --epochs 1 --resamples 20 --out '${_runs}/cv-kermany'")
set_tests_properties(cli_cv_kermany PROPERTIES SKIP_RETURN_CODE 77 PASS_REGULAR_EXPRESSION
  "\\| 1 \\| [0-9]+ \\| [0-9]+ \\| [0-9]+ \\| [0-9.]+ .*\\| 3 \\| [0-9]+ .*mean ± sd: macro AUROC [0-9.]+ ± [0-9.]+ \\(3 folds\\)")

# thorax as a library: `make install` into a temporary prefix, then examples/classify — a project of its own —
# configured with find_package(thorax), built against the installed tree, and run.
set(_inst ${CMAKE_CURRENT_BINARY_DIR}/install_example)
add_test(NAME install_example COMMAND sh -c "rm -rf '${_inst}' && cmake --install '${CMAKE_BINARY_DIR}' --prefix '${_inst}/prefix' > '${_inst}.log' && cmake -S '${PROJECT_SOURCE_DIR}/examples/classify' -B '${_inst}/build' -DCMAKE_PREFIX_PATH='${_inst}/prefix' -DCMAKE_BUILD_TYPE=Release >> '${_inst}.log' && cmake --build '${_inst}/build' -j 2 >> '${_inst}.log' && '${_inst}/build/classify' '${_inst}/run' && ls '${_inst}/prefix/lib/cmake/thorax' '${_inst}/prefix/bin'")
set_tests_properties(install_example PROPERTIES TIMEOUT 600 ENVIRONMENT "THORAX_CACHE=${_inst}-cache" PASS_REGULAR_EXPRESSION
  "example: finished after 2 epochs; best val macro AUROC [0-9.]+ at epoch [12].*thoraxConfig.cmake.*thoraxTargets.cmake.*thorax\n")
