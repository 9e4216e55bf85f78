// Loading named tensors into a module, with PyTorch's strictness and clearer messages: every key the
// module has and the file lacks (missing), every key the file has and the module lacks (unexpected),
// and every shape that differs (mis-shaped) is listed by name, all at once, and nothing is copied
// unless the whole load can succeed.
//
// "num_batches_tracked" (a batch-norm counter PyTorch keeps) may be absent from a file: it is then left
// as it is, never reported missing. Floating-point tensors are converted to the module's dtype
// (float64, bfloat16 and float16 files load into float32 modules).
#pragma once
#include <string>
#include <vector>

#include "nn/module.h"

namespace thorax::nn {

struct LoadOptions {
  // false: missing and unexpected keys are reported but allowed (shapes must still match).
  bool strict = true;
  // Keys under these prefixes are ignored on both sides, e.g. {"fc"} to keep a new classifier head
  // while loading a pretrained encoder, or {"optim"} for a checkpoint's optimizer state.
  std::vector<std::string> ignore_prefixes = {};
};

struct LoadReport {
  std::vector<std::string> loaded, missing, unexpected, ignored;
  std::vector<std::string> mismatched;  // "name: file [..] vs model [..]"
};

// `what` names the source (a file path) in errors.
LoadReport load_state_dict(Module& module, const NamedTensors& tensors, const LoadOptions& options = {},
                           const std::string& what = "weights");

}  // namespace thorax::nn
