// Every kernel op, listed once. A new op family adds its describe_* call here.
#include "kernels/registry.h"

#include "kernels/elementwise.h"
#include "kernels/gemm.h"
#include "kernels/reduce.h"

namespace thorax::kernels {

const char* backend_name(Backend b) {
  switch (b) {
    case Backend::Reference: return "reference";
    case Backend::CPU: return "cpu";
    case Backend::CUDA: return "cuda";
  }
  return "?";
}

std::vector<VersionInfo> registry() {
  std::vector<VersionInfo> out;
  describe_elementwise(out);
  describe_reduce(out);
  describe_gemm(out);
  return out;
}

}  // namespace thorax::kernels
