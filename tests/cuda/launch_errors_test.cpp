// How CUDA errors name the kernel behind them (kernels/cuda/launch.h). A kernel's failure on a GPU surfaces
// at the next synchronize or copy, long after its launch returned; the error then names the last kernel the
// thread launched, with its grid, block and shared bytes. The bookkeeping is shared by the GPU and emulated
// builds, so it is tested here, in the emulator.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "kernels/cuda/launch.h"
#include "tests/cuda/test_kernels.h"

using thorax::cuda::cuda_error_message;
using thorax::cuda::last_launch_description;

TEST_CASE("cuda launch errors: an error after a launch names that launch's kernel and configuration") {
  std::vector<int> out(2 * 3 * 4 * 2 * 1, -1);
  thorax::cuda::test::probe_index(out.data(), 2, 3, 4, 2, 1);
  CHECK(last_launch_description() == "probe_index_kernel<<<(2,3,1), (4,2,1), 0>>>");
  CHECK(cuda_error_message("cudaStreamSynchronize", "an illegal memory access was encountered") ==
        "CUDA error in cudaStreamSynchronize (the last kernel this thread launched: "
        "probe_index_kernel<<<(2,3,1), (4,2,1), 0>>>): an illegal memory access was encountered");
  // A failed launch already names itself: no second copy of the configuration.
  CHECK(cuda_error_message("launch of probe_index_kernel<<<(2,3,1), (4,2,1), 0>>>", "invalid argument") ==
        "CUDA error in launch of probe_index_kernel<<<(2,3,1), (4,2,1), 0>>>: invalid argument");

  // The next launch takes its place, a rejected one included (it is the one an error belongs to).
  CHECK_THROWS(thorax::cuda::test::probe_invalid_block(2048));
  CHECK(last_launch_description() == "probe_deadlock_kernel<<<(1,1,1), (2048,1,1), 0>>>");
}

TEST_CASE("cuda launch errors: the last launch is per host thread, as CUDA's per-thread streams are") {
  std::vector<int> out(8, -1);
  thorax::cuda::test::probe_index(out.data(), 1, 1, 8, 1, 1);
  std::string seen_by_other = "unset", message_by_other;
  std::thread other([&] {
    seen_by_other = last_launch_description();
    message_by_other = cuda_error_message("cudaMemcpy device to host (64 bytes)", "unspecified launch failure");
  });
  other.join();
  CHECK(seen_by_other.empty());
  CHECK(message_by_other == "CUDA error in cudaMemcpy device to host (64 bytes): unspecified launch failure");
  CHECK(last_launch_description() == "probe_index_kernel<<<(1,1,1), (8,1,1), 0>>>");
}
