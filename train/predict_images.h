// `thorax predict`: a model (a run's best checkpoint or any weights file with a model card) applied to image
// files, with the preprocessing recorded in its card. Each image is checked against what the model expects and
// warned about, not refused: color where the model saw gray X-rays, a resolution far below the model's input
// (upsampled), or a narrow dynamic range (a washed-out or windowed image) — confident nonsense otherwise.
#pragma once
#include <string>
#include <vector>

#include "models/model.h"
#include "nn/model_card.h"

namespace thorax::train {

struct ImagePrediction {
  std::string image;
  std::vector<float> prob;            // per class of the card
  std::vector<std::string> warnings;  // sentences
  std::string error;                  // non-empty: the image could not be read (no probabilities)
};

// Predicts every image; unreadable images get an error entry (counted by the caller), never a crash.
std::vector<ImagePrediction> predict_images(models::Model& model, const nn::ModelCard& card,
                                            const std::vector<std::string>& paths, int batch_size = 16);

}  // namespace thorax::train
