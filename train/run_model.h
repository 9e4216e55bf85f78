// The trained model of a run directory: checkpoint-best.safetensors (or checkpoint-last when no best exists),
// rebuilt from its model card.
#pragma once
#include "models/weights.h"
#include "train/run_dir.h"

namespace thorax::train {

models::LoadedModel load_run_model(const RunDir& run);

}  // namespace thorax::train
