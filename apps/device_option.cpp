#include "apps/device_option.h"

#include <stdexcept>

#include "tensor/device.h"
#if defined(THORAX_HAVE_CUDA)
#include "kernels/cuda/runtime.h"
#endif

namespace thorax::apps {

void add_device_option(CLI::App* cmd) {
  cmd->add_option_function<std::string>("--device", check_device, "cpu (default), or cuda / cuda:N where a GPU exists")
      ->default_str("cpu");
}

void check_device(const std::string& device) {
  const Device d = parse_device(device);  // throws its own sentence for a malformed name
  if (d.is_cpu()) return;
  const std::string prefix = "--device " + device + ": ";
#if defined(THORAX_HAVE_CUDA)
  if (const std::string why = cuda::unavailable_reason(); !why.empty())
    throw std::runtime_error(prefix + why + "; use --device cpu");
  const int n = cuda::device_count();
  if (d.index >= n)
    throw std::runtime_error(prefix + "this machine has " + std::to_string(n) + " CUDA GPU" + (n == 1 ? "" : "s") +
                             " (cuda:0 to cuda:" + std::to_string(n - 1) + ")");
  throw std::runtime_error(prefix + "thorax cannot run this command on a GPU yet: its CUDA kernels run in tests and "
                           "benches (bench/cuda) only; use --device cpu");
#else
  throw std::runtime_error(prefix + "this thorax was built without CUDA (no nvcc when it was configured); use --device "
                           "cpu, or rebuild where the CUDA toolkit is installed");
#endif
}

}  // namespace thorax::apps
