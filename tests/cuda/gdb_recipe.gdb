# The gdb recipe of kernels/cuda/emu/emulator.h, run in batch mode by ctest (test_cuda_gdb_recipe) so that
# its commands keep working in the default build: gdb -batch -x gdb_recipe.gdb --args test_cuda -tc="*reduce_sum*"
# (`next`, `frame function` and printing kernel locals such as sdata need the -O0 build of
# THORAX_CUDA_EMU_DEBUG=ON, where they were checked by hand; the default build optimizes them out.)
set pagination off
break reduce_sum_shared_kernel if threadIdx.x == 3 && blockIdx.x == 1
run
print threadIdx
print blockIdx
print blockDim
info threads 1
thread find ^cuda 5$
# Switch to CUDA thread 5 by its name (the gdb number `thread find` printed changes between runs).
python gdb.execute("thread " + str(next(t.num for t in gdb.selected_inferior().threads() if t.name == "cuda 5")))
print threadIdx
kill
