// Grad-CAM (Selvaraju et al. 2017) and Grad-CAM++ (Chattopadhay et al. 2018) for many images and classes in one
// batched pass. The images are repeated once per requested class (a batch of N·C in eval mode, where images do
// not interact), one forward runs, and one backward seeds each replica's own class logit: the layer's activation
// A and its gradient g = ∂y_c/∂A arrive together through a capture handle on the graph (autograd::capture), which
// holds nothing once the call returns. Parameters are frozen for the pass, so no weight gradients are computed.
//   Grad-CAM:   w_k = mean_ij g_kij,                          map = ReLU(Σ_k w_k A_k)
//   Grad-CAM++: a_kij = g² / (2g² + Σ_ab A_kab · g³) (0 where g = 0),  w_k = Σ_ij a_kij · ReLU(g_kij),
//               map = ReLU(Σ_k w_k A_k)   (the closed form for an exponential score, as the paper derives)
// Maps are upsampled bilinearly to the input size and scaled to [0, 1] by their maximum (all zero stays zero).
#pragma once
#include <string>
#include <vector>

#include "models/model.h"

namespace thorax::train {

struct CamMaps {
  int64_t images = 0, classes = 0, height = 0, width = 0;
  std::vector<float> grad_cam;       // images × classes × height × width
  std::vector<float> grad_cam_pp;    // same layout
  std::vector<float> scores;         // images × classes: the logits explained
  const float* map(bool plus_plus, int64_t image, int64_t cls) const {
    return (plus_plus ? grad_cam_pp : grad_cam).data() + (image * classes + cls) * height * width;
  }
};

// x: (N, C, H, W) model input; `layer`: a module path ("" = the model's last stage); `classes`: class indices.
// `chunk` caps the replicated batch (N·C) per pass to bound memory.
CamMaps grad_cam(models::Model& model, const Tensor& x, const std::string& layer, const std::vector<int>& classes,
                 int64_t chunk = 64);

}  // namespace thorax::train
