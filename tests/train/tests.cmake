# `thorax compare` on the run directories that tests/torch/refs_metrics.py writes into the reference folder: the
# report and verdict on two runs, a run against itself, and one clear sentence for each kind of bad input.
set(_runs ${THORAX_TORCH_REFS}/metrics/runs)
set(_thorax $<TARGET_FILE:thorax>)

# thorax_compare_cli(NAME ARGS REGEX): `thorax compare ARGS` (stderr too, then its exit code) must match REGEX.
function(thorax_compare_cli name args regex)
  add_test(NAME ${name} COMMAND sh -c "'${_thorax}' compare ${args} 2>&1; echo exit-$?")
  set_tests_properties(${name} PROPERTIES PASS_REGULAR_EXPRESSION "${regex}" FIXTURES_REQUIRED torch)
endfunction()

thorax_compare_cli(cli_compare_runs
  "--runs '${_runs}/A' '${_runs}/B' --resamples 200 --json '${CMAKE_CURRENT_BINARY_DIR}/compare_ab.json' && grep -c thorax-compare-1 '${CMAKE_CURRENT_BINARY_DIR}/compare_ab.json'"
  "test split: 300 images of [0-9]+ patients; paired bootstrap over [0-9]+ patients, 200 resamples, seed 0\nclass +AUROC A +AUROC B +B - A +95% CI of B - A +share B - A <= 0\nEffusion +0\\.7399 +0\\.9590 +\\+0\\.2192 .*\nmacro \\(3 classes\\) +0\\.[0-9]+ +0\\.[0-9]+ +\\+0\\.[0-9]+ +\\[\\+0\\.[0-9]+, \\+0\\.[0-9]+\\] +0\\.000\nB \\([^)]*/B\\) has the higher macro AUROC: the 95% CI of B - A, \\[\\+0\\.[0-9]+, \\+0\\.[0-9]+\\], excludes zero\\.\nwrote [^\n]*compare_ab.json\n1\nexit-0")
thorax_compare_cli(cli_compare_same_run "--runs '${_runs}/A' '${_runs}/A' --resamples 50 --threads 1"
  "No difference shown: the 95% CI of B - A, \\[\\+0\\.0000, \\+0\\.0000\\], includes zero\\.\nexit-0")
thorax_compare_cli(cli_compare_kind "--runs '${_runs}/E' '${_runs}/B' --kind multi-label --resamples 20 --split ''"
  "all rows: 400 images.*includes zero\\.\nexit-0")
thorax_compare_cli(cli_compare_other_images "--runs '${_runs}/A' '${_runs}/C'"
  "thorax: the runs' predictions are not on the same images: [^\n]*/A has 300, [^\n]*/C has 298; 5 only in [^\n]*, 3 only in [^\n]*/C \\('other0.png', 'other1.png', 'other2.png'\\)\\. A paired comparison needs both runs evaluated on the same images\nexit-1")
thorax_compare_cli(cli_compare_other_labels "--runs '${_runs}/A' '${_runs}/D'"
  "thorax: the runs have different label spaces: [^\n]*/A has \\[multi-label: Effusion, Nodule, Pneumothorax\\], [^\n]*/D has \\[multi-label: Effusion, Nodule, Mass\\]\nexit-1")
thorax_compare_cli(cli_compare_no_config "--runs '${_runs}/A' '${_runs}/E'"
  "thorax: [^\n]*/E has no config.json to give the label kind: pass --kind multi-label or --kind multi-class\nexit-1")
thorax_compare_cli(cli_compare_missing "--runs '${_runs}/A' '${_runs}/nowhere'"
  "thorax: run directory [^\n]*/nowhere does not exist\nexit-1")
thorax_compare_cli(cli_compare_one_run "--runs '${_runs}/A'" "--runs: At least 2 required but received 1\n.*exit-[1-9]")

# Crash safety: kills at named points inside the atomic writes and at seeded random times; every resumed run ends
# with the weights of the uninterrupted one, and no temporary file is left behind.
add_test(NAME train_kill_resume COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/train/kill_resume.sh $<TARGET_FILE:thorax>
         ${THORAX_PYTHON} ${CMAKE_CURRENT_BINARY_DIR}/train_kill_resume)
set_tests_properties(train_kill_resume PROPERTIES TIMEOUT 600 PASS_REGULAR_EXPRESSION "kill-resume: all checks passed"
                     FAIL_REGULAR_EXPRESSION "FAIL:")
# NaN/Inf in training (lr 1e6): stopped with the step and the layer — the first layer whose output went bad (data
# seed 1) or the first gradient that did (seed 3) — or, with --on-nonfinite skip, the bad steps skipped and counted.
set(_nan "--model 'small_cnn?width=8' --res 32 --epochs 2 --batch 16 --threads 2 --optimizer sgd --lr 1e6")
set(_nan_dir ${CMAKE_CURRENT_BINARY_DIR}/nan)
add_test(NAME train_nonfinite COMMAND sh -c "rm -rf '${_nan_dir}'; for seed in 1 3; do '$<TARGET_FILE:thorax>' train --data \"embedded?n=96&res=64&seed=$seed&cache=${_nan_dir}/cache\" ${_nan} --out '${_nan_dir}/stop'$seed 2>&1 | grep thorax:; done; '$<TARGET_FILE:thorax>' train --data 'embedded?n=96&res=64&seed=3&cache=${_nan_dir}/cache' ${_nan} --on-nonfinite skip --out '${_nan_dir}/skip' 2>&1 | grep -v '\\['; grep -c skipped_steps '${_nan_dir}/skip/metrics.jsonl'")
set_tests_properties(train_nonfinite PROPERTIES PASS_REGULAR_EXPRESSION
  "thorax: the training loss became -?nan at epoch [0-9]+, step [0-9]+ \\(batch [0-9]+\\) \\(the first layer with a NaN or Inf output: stage[0-9]\\.[a-z]+\\)[^\n]*--on-nonfinite skip\nthorax: the gradient of stage[0-9]\\.[a-z.]+ became NaN or Inf at epoch [0-9]+, step [0-9]+ \\(batch [0-9]+\\)[^\n]*--on-nonfinite skip\n.*skipped step [0-9]+ of epoch [0-9]+: the (loss|gradient of stage[0-9][.a-z]+) was NaN or Inf.*[0-9]+ steps skipped \\(NaN/Inf\\).*finished after 2 epochs.*\n1\n")
# Output that cannot hold the run: refused before training, in one sentence — an output path that cannot be created,
# and (where this machine lets root mount a tmpfs) a disk too small for the run's checkpoints.
set(_room ${CMAKE_CURRENT_BINARY_DIR}/room)
add_test(NAME train_output_refused COMMAND sh -c "'$<TARGET_FILE:thorax>' train --data 'embedded?n=64&res=64&seed=4&cache=${_room}-cache' --model 'small_cnn?width=8' --res 32 --epochs 1 --out /proc/thorax-run 2>&1; echo exit=$?; rm -rf '${_room}' && mkdir -p '${_room}' && if mount -t tmpfs -o size=256k tmpfs '${_room}' 2>/dev/null; then '$<TARGET_FILE:thorax>' train --data 'embedded?n=64&res=64&seed=4&cache=${_room}-cache' --model 'small_cnn?width=8' --res 32 --epochs 1 --out '${_room}/run' 2>&1; echo exit=$?; ls '${_room}/run'; umount '${_room}'; else echo 'disk-full part not run: this machine does not let root mount a tmpfs'; fi")
set_tests_properties(train_output_refused PROPERTIES PASS_REGULAR_EXPRESSION
  "thorax: run directory /proc/thorax-run: cannot create it[^\n]*\nexit=1\n(data: [^\n]*\nthorax: [^\n]*/run has 0\\.[0-9] MB free but this run's checkpoints need about [0-9.]+ MB[^\n]*choose another --out\nexit=1\nsplit.json\n|disk-full part not run)")
