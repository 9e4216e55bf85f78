// What `thorax model summary` reports about a model: parameter counts, FLOPs at a resolution and every
// layer's output shape, measured by running one image through it (nn::Tracer).
#pragma once
#include <string>
#include <vector>

#include "models/model.h"
#include "nn/trace.h"

namespace thorax::models {

struct ModelSummary {
  int64_t resolution = 0;
  int64_t parameters = 0, trainable = 0;  // elements
  int64_t flops = 0;                      // one image, 2 per multiply-add (see nn::Module::flops)
  Shape logits, features;                 // shapes for one image
  std::vector<nn::LayerRecord> layers;    // every module call, in completion order
};

// Runs one zero image of resolution×resolution in eval mode without recording gradients (the model's
// mode is restored afterwards; running statistics are not touched in eval mode).
ModelSummary summarize(Model& model, int64_t resolution);

}  // namespace thorax::models
