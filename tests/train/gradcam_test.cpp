// Grad-CAM and Grad-CAM++ on a model whose answer is known in closed form, and the localization scores on it.
//
// The model: A = conv1x1(x) with two channels, A_0 = x and A_1 = −x; logits = W · mean_ij(A) with
// W = [[1, 0], [0, 2]]. For class 0, ∂y/∂A_0 = 1/hw and ∂y/∂A_1 = 0, so Grad-CAM = ReLU(A_0)/hw: normalized, the
// input's positive part. For class 1 the map is ReLU(−2x/hw) = 0 for a non-negative input. Grad-CAM++'s weights
// are positive multiples of the same gradients here, so its normalized maps are the same.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/ops.h"
#include "models/model.h"
#include "nn/conv2d.h"
#include "nn/linear.h"
#include "train/gradcam.h"
#include "train/localization.h"

using namespace thorax;

namespace {

class KnownModel : public models::Model {
 public:
  KnownModel() : Model("known", {1, 2}, 4) {
    conv = register_module("features", std::make_shared<nn::Conv2d>(nn::Conv2dConfig{.in = 1, .out = 2, .bias = false}));
    fc = register_module("fc", std::make_shared<nn::Linear>(2, 2, false));
    conv->weight.data<float>()[0] = 1.0f;
    conv->weight.data<float>()[1] = -1.0f;
    float* w = fc->weight.data<float>();
    w[0] = 1, w[1] = 0, w[2] = 0, w[3] = 2;
  }
  std::string type_name() const override { return "KnownModel"; }
  std::vector<std::string> stages() const override { return {"features"}; }
  void initialize(Generator&) override {}

 protected:
  models::ModelOutput forward_output(const Tensor& x, const Tensor&) override {
    const Tensor pooled = mean((*conv)(x), {2, 3});
    return {(*fc)(pooled), pooled, Tensor(), Tensor()};
  }

 private:
  std::shared_ptr<nn::Conv2d> conv;
  std::shared_ptr<nn::Linear> fc;
};

}  // namespace

TEST_CASE("Grad-CAM and Grad-CAM++ equal their closed form on a linear model, for two images and two classes at once") {
  KnownModel model;
  const int64_t h = 8, w = 8;
  Tensor x = Tensor::zeros({2, 1, h, w});
  // Image 0: a bright 3×2 block with a gradient inside; image 1: one bright pixel.
  for (int y = 2; y < 5; ++y)
    for (int c = 4; c < 6; ++c) x.data<float>()[y * w + c] = 0.5f + 0.1f * static_cast<float>(y);
  x.data<float>()[h * w + 7 * w + 1] = 0.9f;
  const train::CamMaps maps = train::grad_cam(model, x, "", {0, 1});
  REQUIRE(maps.images == 2);
  REQUIRE(maps.classes == 2);
  for (int64_t img = 0; img < 2; ++img) {
    const float* in = x.data<float>() + img * h * w;
    float top = 0;
    for (int64_t i = 0; i < h * w; ++i) top = std::max(top, in[i]);
    for (int pp = 0; pp < 2; ++pp) {
      const float* m0 = maps.map(pp, img, 0);
      const float* m1 = maps.map(pp, img, 1);
      for (int64_t i = 0; i < h * w; ++i) {
        CHECK(m0[i] == doctest::Approx(in[i] / top).epsilon(1e-5));
        CHECK(m1[i] == 0.0f);
      }
    }
    // The logits explained: class 0 reads the mean of x, class 1 twice the mean of −x.
    double mean_x = 0;
    for (int64_t i = 0; i < h * w; ++i) mean_x += in[i] / static_cast<double>(h * w);
    CHECK(maps.scores[img * 2 + 0] == doctest::Approx(mean_x).epsilon(1e-5));
    CHECK(maps.scores[img * 2 + 1] == doctest::Approx(-2 * mean_x).epsilon(1e-5));
  }
  // Explaining leaves the model as it was: trainable, no gradients.
  for (const auto& [name, p] : model.named_parameters()) {
    CHECK(p.requires_grad());
    CHECK_FALSE(p.grad().defined());
  }

  // Localization on image 0: the block is the lesion; the map's maximum is in it; IoU at 0.5 of the maximum.
  train::LesionBox box{"Mass", 4, 2, 2, 3};
  const std::vector<uint8_t> region = train::box_region(box, 1.0, 1.0, h, w);
  const train::LocalizationScore s = train::score_localization(maps.map(false, 0, 0), region, h, w, 0.5);
  CHECK(s.hit);
  CHECK(s.iou == doctest::Approx(1.0));  // every block pixel is ≥ 0.7/0.9 of the maximum, nothing outside
  CHECK(s.area_fraction == doctest::Approx(6.0 / 64.0));
  // A box elsewhere: a miss with zero overlap.
  const train::LocalizationScore miss =
      train::score_localization(maps.map(false, 0, 0), train::box_region({"Mass", 0, 0, 2, 2}, 1.0, 1.0, h, w), h, w);
  CHECK_FALSE(miss.hit);
  CHECK(miss.iou == 0.0);
}

TEST_CASE("Grad-CAM names a missing layer and a class outside the model") {
  KnownModel model;
  const Tensor x = Tensor::zeros({1, 1, 4, 4});
  CHECK_THROWS_WITH_AS(train::grad_cam(model, x, "layer9", {0}), doctest::Contains("has no layer 'layer9'"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(train::grad_cam(model, x, "", {5}), doctest::Contains("class 5 is outside"), std::invalid_argument);
}
