#include "nn/trace.h"

namespace thorax::nn {

Tracer::Tracer(Module& root) {
  for (auto& [name, m] : root.named_modules()) names_.emplace(m, name);
}

void Tracer::on_forward(const Module& module, const Tensor& input, const Tensor& output) {
  LayerRecord r;
  auto it = names_.find(&module);
  r.name = it == names_.end() ? "?" : it->second;
  r.type = module.type_name();
  r.output = output.shape();
  for (const auto& [name, p] : module.own_parameters()) r.params += p.numel();
  r.flops = module.flops(input.shape(), output.shape());
  r.leaf = module.children().empty();
  records_.push_back(std::move(r));
}

int64_t Tracer::total_flops() const {
  int64_t total = 0;
  for (const LayerRecord& r : records_) total += r.flops;
  return total;
}

}  // namespace thorax::nn
