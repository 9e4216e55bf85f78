#include "nn/state_dict.h"

#include <map>
#include <stdexcept>

#include "autograd/grad_mode.h"

namespace thorax::nn {

namespace {

bool ignored(const std::string& name, const std::vector<std::string>& prefixes) {
  for (const std::string& p : prefixes)
    if (name_under_prefix(name, p)) return true;
  return false;
}

bool optional_key(const std::string& name) {
  const std::string suffix = "num_batches_tracked";
  return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "3 missing keys: a, b, c" with at most 12 names shown.
std::string listing(const std::vector<std::string>& names, const std::string& kind) {
  std::string s = std::to_string(names.size()) + " " + kind + (names.size() == 1 ? "" : "s") + ": ";
  for (size_t i = 0; i < names.size() && i < 12; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > 12) s += ", ... (" + std::to_string(names.size() - 12) + " more)";
  return s;
}

bool compatible(DType file, DType model) {
  return file == model || (is_floating(file) && is_floating(model)) ||
         ((file == DType::i32 || file == DType::i64) && (model == DType::i32 || model == DType::i64));
}

}  // namespace

LoadReport load_state_dict(Module& module, const NamedTensors& tensors, const LoadOptions& options, const std::string& what) {
  LoadReport r;
  std::map<std::string, Tensor> file;
  for (const auto& [name, t] : tensors) {
    if (ignored(name, options.ignore_prefixes)) {
      r.ignored.push_back(name);
      continue;
    }
    file[name] = t;
  }
  std::vector<std::pair<Tensor, Tensor>> copies;  // (destination, source), applied only when all is well
  std::map<std::string, bool> used;
  for (const auto& [name, dst] : module.state_dict()) {
    if (ignored(name, options.ignore_prefixes)) continue;
    auto it = file.find(name);
    if (it == file.end()) {
      if (!optional_key(name)) r.missing.push_back(name);
      continue;
    }
    used[name] = true;
    const Tensor& src = it->second;
    if (src.shape() != dst.shape()) {
      r.mismatched.push_back(name + ": " + shape_str(src.shape()) + " in the file, " + shape_str(dst.shape()) + " in the model");
      continue;
    }
    if (!compatible(src.dtype(), dst.dtype())) {
      r.mismatched.push_back(name + ": " + dtype_name(src.dtype()) + " in the file, " + dtype_name(dst.dtype()) +
                             " in the model");
      continue;
    }
    copies.emplace_back(dst, src);
    r.loaded.push_back(name);
  }
  for (const auto& [name, t] : tensors)
    if (file.count(name) && !used.count(name)) r.unexpected.push_back(name);

  std::string problems;
  auto add = [&](const std::string& s) { problems += (problems.empty() ? "" : "; ") + s; };
  if (!r.mismatched.empty()) add(listing(r.mismatched, "mis-shaped key"));
  if (options.strict && !r.missing.empty()) add(listing(r.missing, "missing key"));
  if (options.strict && !r.unexpected.empty()) add(listing(r.unexpected, "unexpected key"));
  if (!problems.empty())
    throw std::runtime_error(what + " does not fit the model (" + problems +
                             "). Nothing was loaded; check the architecture, in_channels and num_classes");
  autograd::NoGrad no_grad;
  for (auto& [dst, src] : copies) {
    Tensor d = dst;
    d.copy_from(src);
  }
  return r;
}

}  // namespace thorax::nn
