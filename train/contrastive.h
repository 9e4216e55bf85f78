// SimCLR's pieces (Chen et al. 2020): the projection head g(·) — Linear → ReLU → Linear, as PyTorch's
// nn.Sequential names it ("0.weight", "2.weight") — and the contrastive objective on two augmented views of each
// image: NT-Xent over the projections of both views, read from the encoder's pooled features (models/model.h).
#pragma once
#include <memory>

#include "nn/sequential.h"
#include "tensor/tensor.h"

namespace thorax::train {

// in → hidden → out; hidden 0 means `in` (SimCLR's choice).
std::shared_ptr<nn::Sequential> make_projection_head(int64_t in, int64_t hidden, int64_t out);

struct ContrastiveResult {
  Tensor loss;            // NT-Xent, differentiable
  double top1 = 0.0;      // fraction of the 2N views whose most similar other view is their pair (no graph)
};

// z: (2N, d), rows i and i + N the two views of image i.
ContrastiveResult contrastive_loss(const Tensor& z, double temperature);

}  // namespace thorax::train
