# Data tests beyond the doctest program: Pillow references for the decoder, and the `thorax data` command line on
# every shared data set and on phantoms. Tests that need the shared data exit 77 (skip) when it is absent.
set(THORAX_DATA_REFS ${CMAKE_CURRENT_BINARY_DIR}/data_refs)
add_test(NAME data_refs COMMAND ${THORAX_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/data/make_image_refs.py
         ${THORAX_DATA_DIR} ${THORAX_DATA_REFS})
set_tests_properties(data_refs PROPERTIES FIXTURES_SETUP data_refs)
set_property(TEST test_data APPEND PROPERTY ENVIRONMENT "THORAX_DATA_REFS=${THORAX_DATA_REFS}")
set_property(TEST test_data APPEND PROPERTY FIXTURES_REQUIRED data_refs)

set(_thorax $<TARGET_FILE:thorax>)
set(_data ${THORAX_DATA_DIR})
set(_work ${CMAKE_CURRENT_BINARY_DIR}/data_cli)
set(_need_data "test -d '${_data}/nih' || { echo 'skipping: no shared data at ${_data}'; exit 77; }")

# thorax_data_cli(NAME SCRIPT REGEX): a shell command line whose output must match REGEX.
function(thorax_data_cli name script regex)
  add_test(NAME ${name} COMMAND sh -c "${_need_data}; mkdir -p '${_work}'; ${script}")
  set_tests_properties(${name} PROPERTIES PASS_REGULAR_EXPRESSION "${regex}" SKIP_RETURN_CODE 77)
endfunction()

thorax_data_cli(cli_data_check_nih "'${_thorax}' data check --data 'nih:${_data}/nih?images=images256'"
  "nih:[^\n]*: 546 used, 111574 skipped \\(no problems found\\)\n  111574 rows of Data_Entry_2017_v2020.csv.gz whose image is not in this copy")
thorax_data_cli(cli_data_check_kermany "'${_thorax}' data check --data 'folder:${_data}/kermany/train?mode=kermany3'"
  "5216 used, 0 skipped \\(no problems found\\)\nlabels \\(multi-class\\): Normal, Bacterial, Viral\nchecked 5216 images")
thorax_data_cli(cli_data_check_covid "'${_thorax}' data check --data 'covid:${_data}/covid'"
  "77 used, 23 skipped \\(no problems found\\)\n  1 left out: finding 'Unknown' \\(not labelled\\)\n  22 left out: finding 'todo'")
thorax_data_cli(cli_data_check_npz "'${_thorax}' data check --data 'npz:${_data}/medmnist/pneumoniamnist_28_balanced.npz'"
  "3166 used, 0 skipped \\(no problems found\\)")
# 1341 Normal of 5216: prevalence 25.71%, class weight 5216 / (2 · 1341) = 1.945.
thorax_data_cli(cli_data_stats_kermany "'${_thorax}' data stats --data 'folder:${_data}/kermany/train'"
  "NORMAL +1341 +3875 +0 +25.71% +1.945\nPNEUMONIA +3875 +1341 +0 +74.29% +0.673")
thorax_data_cli(cli_data_stats_nih "'${_thorax}' data stats --data 'nih:${_data}/nih?images=images256'"
  "546 images, 546 patients; labels multi-label.*official split: train_val 546")
thorax_data_cli(cli_data_synth_check
  "rm -rf '${_work}/synth' && '${_thorax}' data synth --out '${_work}/synth' --n 30 --res 64 --seed 2 && '${_thorax}' data check --data 'nih:${_work}/synth?labels=Atelectasis,Cardiomegaly,Consolidation,Effusion,Mass,Nodule,Pneumonia,Pneumothorax'"
  "wrote 30 images of [0-9]+ patients \\(64x64\\).*30 used, 0 skipped \\(no problems found\\)")
thorax_data_cli(cli_data_embedded_preview
  "rm -rf '${_work}/cache' && '${_thorax}' data preview --data 'embedded?n=20&res=64&seed=3&cache=${_work}/cache' --out '${_work}/grid.png' --n 8 --size 64 --augment simclr && head -c 4 '${_work}/grid.png' | grep -c PNG"
  "wrote [^\n]*grid.png: 8 images \\(two views each, side by side\\).*\n1\n")
thorax_data_cli(cli_data_preview_nih
  "'${_thorax}' data preview --data 'nih:${_data}/nih?images=images256' --out '${_work}/nih.png' --n 4 --size 96 --pipeline '[{\"op\": \"resize\", \"size\": 96}, {\"op\": \"clahe\"}]'"
  "wrote [^\n]*nih.png: 4 images, 198x198 pixels")
# Bad input made here from a real file: reported without --strict, an error with it.
# A folder with one good and one damaged image, made by each test in its own place (tests run in parallel).
function(damaged_folder out dir)
  set(${out} "rm -rf '${dir}' && mkdir -p '${dir}/A' && cp '${_data}/nih/images256/00000075_000.png' '${dir}/A/' && printf '<html>' > '${dir}/A/x.png'" PARENT_SCOPE)
endfunction()
damaged_folder(_damaged ${_work}/bad)
thorax_data_cli(cli_data_check_damaged "${_damaged} && '${_thorax}' data check --data 'folder:${_work}/bad'"
  "1 used, 1 skipped\n  1 unreadable image:\n    image [^\n]*/bad/A/x.png: not a PNG, JPEG or BMP \\(first bytes 3C 68 74 6D\\)")
damaged_folder(_damaged_strict ${_work}/bad-strict)
thorax_data_cli(cli_data_check_strict
  "${_damaged_strict} && '${_thorax}' data check --strict --data 'folder:${_work}/bad-strict' 2>&1; test $? -eq 1 && echo exit-1"
  "thorax: image [^\n]*x.png: not a PNG, JPEG or BMP \\(first bytes 3C 68 74 6D\\) \\(--strict: stopping at the first problem\\)\nexit-1")
thorax_data_cli(cli_data_require_images
  "'${_thorax}' data check --require-images --data 'nih:${_data}/nih?images=images256' 2>&1; test $? -eq 1 && echo exit-1"
  "thorax: Data_Entry_2017_v2020.csv.gz: image 00000001_000.png is not in [^\n]* \\(--require-images: every row needs its image\\)\nexit-1")
add_test(NAME cli_data_bad_spec COMMAND sh -c "'${_thorax}' data stats --data 'nih:/x?spilt=1' 2>&1; test $? -eq 1 && echo exit-1")
set_tests_properties(cli_data_bad_spec PROPERTIES PASS_REGULAR_EXPRESSION
  "thorax: dataset spec 'nih:/x\\?spilt=1': unknown option 'spilt' for kind 'nih' \\(allowed: [^)]*\\)\nexit-1")
# stats and preview on the remaining shared sets (check runs on each above).
thorax_data_cli(cli_data_stats_preview_covid_npz
  "'${_thorax}' data stats --data 'covid:${_data}/covid' && '${_thorax}' data stats --data 'npz:${_data}/medmnist/pneumoniamnist_28_balanced.npz?split=train' && '${_thorax}' data preview --data 'covid:${_data}/covid' --out '${_work}/covid.png' --n 4 --size 64 --augment train && '${_thorax}' data preview --data 'npz:${_data}/medmnist/pneumoniamnist_28_balanced.npz' --out '${_work}/npz.png' --n 9 --size 28 && '${_thorax}' data preview --data 'folder:${_data}/kermany/train?mode=kermany3' --out '${_work}/kermany.png' --n 4 --size 64"
  "COVID-19 +74 +3 +0 +96.10%.*Pneumonia +1214 +1214 +0 +50.00% +1.000.*covid.png: 4 images.*npz.png: 9 images.*kermany.png: 4 images")

# Without the shared data, test_data stops at its first real-data case and counts as skipped (exit 77); the cases
# that need no data (tagged apart from the test suite "real_data") then still run here.
if(NOT IS_DIRECTORY ${THORAX_DATA_DIR}/nih)
  add_test(NAME test_data_free COMMAND test_data --test-suite-exclude=real_data)
  set_tests_properties(test_data_free PROPERTIES ENVIRONMENT "OMP_NUM_THREADS=2;OMP_WAIT_POLICY=passive")
endif()
