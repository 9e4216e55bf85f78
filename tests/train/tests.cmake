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
