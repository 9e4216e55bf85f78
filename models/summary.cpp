#include "models/summary.h"

#include "autograd/grad_mode.h"

namespace thorax::models {

ModelSummary summarize(Model& model, int64_t resolution) {
  ModelSummary s;
  s.resolution = resolution;
  for (const auto& [name, p] : model.named_parameters()) {
    s.parameters += p.numel();
    if (p.requires_grad()) s.trainable += p.numel();
  }
  const bool was_training = model.training();
  model.eval();
  nn::Tracer tracer(model);
  try {
    autograd::NoGrad no_grad;
    nn::ObserverScope scope(model, tracer);
    ModelOutput out = model.run(Tensor::zeros({1, model.args().in_channels, resolution, resolution}));
    s.logits = out.logits.shape();
    s.features = out.features.shape();
  } catch (...) {
    model.train(was_training);
    throw;
  }
  model.train(was_training);
  s.layers = tracer.records();
  s.flops = tracer.total_flops();
  return s;
}

}  // namespace thorax::models
