# Distributed training (issue 10) under Debian's OpenMPI: `make setup` installs it. 2 ranks on one machine.
find_program(THORAX_MPIRUN mpirun)
if(THORAX_MPIRUN)
  add_test(NAME dist_data_parallel COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/dist/data_parallel.sh
           $<TARGET_FILE:thorax> ${THORAX_PYTHON} ${CMAKE_CURRENT_BINARY_DIR}/dist_data_parallel)
  set_tests_properties(dist_data_parallel PROPERTIES PASS_REGULAR_EXPRESSION "data-parallel: all checks passed"
                       FAIL_REGULAR_EXPRESSION "FAIL:" TIMEOUT 300)
else()
  add_test(NAME dist_data_parallel COMMAND sh -c "echo 'mpirun not found: run make setup (installs openmpi-bin)'; exit 77")
  set_tests_properties(dist_data_parallel PROPERTIES SKIP_RETURN_CODE 77)
endif()

# Federated training in one process: 2 phantom sites with different prevalence, 2 rounds, the centralized run on
# their union, then the ledger verified — and verified again after one record is edited, which must fail.
set(_fed ${CMAKE_CURRENT_BINARY_DIR}/dist_federate)
set(_fed_sites "--site 'embedded?n=96&res=64&seed=5&cache=${_fed}-cache' --site 'embedded?n=96&res=64&seed=6&prevalence.Mass=0.4&cache=${_fed}-cache'")
add_test(NAME dist_federate COMMAND sh -c "rm -rf '${_fed}' && '$<TARGET_FILE:thorax>' federate ${_fed_sites} --rounds 2 --local-epochs 1 --model 'small_cnn?width=8' --res 32 --batch 16 --threads 2 --out '${_fed}' && '$<TARGET_FILE:thorax>' ledger verify '${_fed}' && sed -i 's/\"samples\":\\[/\"samples\":[1/' '${_fed}/ledger.jsonl' && '$<TARGET_FILE:thorax>' ledger verify '${_fed}'; echo exit=$?")
set_tests_properties(dist_federate PROPERTIES TIMEOUT 300 FIXTURES_SETUP fed_in_process PASS_REGULAR_EXPRESSION
  "federation: 2 sites.*round 2/2 · test macro AUROC 0\\.[0-9]+ · sent [0-9.]+ MB up.*centralized: test macro AUROC 0\\.[0-9]+.*ledger [^\n]*: 2 rounds, every record sealed and linked.*problem: record 1 was edited.*problem: record 2 was edited.*exit=1")

# The same federation with each site an MPI rank: the same global model, bit for bit, and an intact ledger.
if(THORAX_MPIRUN)
  add_test(NAME dist_federate_mpi COMMAND sh -c "rm -rf '${_fed}-mpi' && bash '${CMAKE_CURRENT_SOURCE_DIR}/dist/mpirun.sh' 2 '$<TARGET_FILE:thorax>' federate --mpi ${_fed_sites} --rounds 2 --local-epochs 1 --model 'small_cnn?width=8' --res 32 --batch 16 --threads 1 --out '${_fed}-mpi' && '$<TARGET_FILE:thorax>' ledger verify '${_fed}-mpi' && '${THORAX_PYTHON}' '${CMAKE_CURRENT_SOURCE_DIR}/dist/compare_weights.py' '${_fed}-mpi/round-002.safetensors' '${_fed}/round-002.safetensors' --tol 0")
  set_tests_properties(dist_federate_mpi PROPERTIES TIMEOUT 300 FIXTURES_REQUIRED fed_in_process PASS_REGULAR_EXPRESSION
    "2 sites \\(one per MPI rank\\).*round 2/2 · test macro AUROC.*centralized comparison skipped.*ledger [^\n]*: 2 rounds, every record sealed.*largest relative difference 0 ")
endif()

# NCCL all-reduce across 2 ranks' GPUs: compiled wherever CUDA and NCCL are; runs only where a GPU exists
# (label cuda-device: skipped, saying why, on our machines and CI).
if(TARGET thorax_nccl AND THORAX_MPIRUN)
  add_executable(nccl_allreduce_check dist/nccl_allreduce_main.cpp)
  target_link_libraries(nccl_allreduce_check PRIVATE thorax_nccl)
  add_test(NAME dist_nccl_allreduce COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/dist/mpirun.sh 2 $<TARGET_FILE:nccl_allreduce_check>)
  set_tests_properties(dist_nccl_allreduce PROPERTIES LABELS cuda-device SKIP_RETURN_CODE 77)
endif()
