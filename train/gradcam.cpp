#include "train/gradcam.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "autograd/ops.h"

namespace thorax::train {

namespace {

// Freezes every parameter for the scope and restores each one's flag after (explaining must not train).
class FrozenParameters {
 public:
  explicit FrozenParameters(models::Model& model) {
    for (auto& [name, p] : model.named_parameters()) {
      saved_.emplace_back(p, p.requires_grad());
      p.set_requires_grad(false);
    }
  }
  ~FrozenParameters() {
    for (auto& [p, on] : saved_) p.set_requires_grad(on);
  }
  FrozenParameters(const FrozenParameters&) = delete;
  FrozenParameters& operator=(const FrozenParameters&) = delete;

 private:
  std::vector<std::pair<Tensor, bool>> saved_;
};

// One map from A (K, h, w) and g (K, h, w), at layer resolution; returns h·w values.
std::vector<float> combine(const float* a, const float* g, int64_t k, int64_t hw, bool plus_plus) {
  std::vector<double> weighted(hw, 0.0);
  for (int64_t ch = 0; ch < k; ++ch) {
    const float* ac = a + ch * hw;
    const float* gc = g + ch * hw;
    double w = 0;
    if (!plus_plus) {
      for (int64_t i = 0; i < hw; ++i) w += gc[i];
      w /= static_cast<double>(hw);
    } else {
      double sum_a = 0;
      for (int64_t i = 0; i < hw; ++i) sum_a += ac[i];
      for (int64_t i = 0; i < hw; ++i) {
        const double g1 = gc[i], g2 = g1 * g1, g3 = g2 * g1;
        const double denom = 2 * g2 + sum_a * g3;
        const double alpha = (g1 != 0 && denom != 0) ? g2 / denom : 0.0;
        w += alpha * std::max(g1, 0.0);
      }
    }
    for (int64_t i = 0; i < hw; ++i) weighted[i] += w * ac[i];
  }
  std::vector<float> out(hw);
  for (int64_t i = 0; i < hw; ++i) out[i] = static_cast<float>(std::max(weighted[i], 0.0));
  return out;
}

// Bilinear upsampling (half-pixel centers) of an h×w map to H×W, then scaled to [0, 1] by its maximum.
void upsample_normalized(const std::vector<float>& m, int64_t h, int64_t w, int64_t H, int64_t W, float* out) {
  float top = 0;
  for (int64_t y = 0; y < H; ++y) {
    const double sy = std::clamp((y + 0.5) * h / H - 0.5, 0.0, static_cast<double>(h - 1));
    const int64_t y0 = static_cast<int64_t>(sy), y1 = std::min(y0 + 1, h - 1);
    const double fy = sy - y0;
    for (int64_t x = 0; x < W; ++x) {
      const double sx = std::clamp((x + 0.5) * w / W - 0.5, 0.0, static_cast<double>(w - 1));
      const int64_t x0 = static_cast<int64_t>(sx), x1 = std::min(x0 + 1, w - 1);
      const double fx = sx - x0;
      const double v = (1 - fy) * ((1 - fx) * m[y0 * w + x0] + fx * m[y0 * w + x1]) +
                       fy * ((1 - fx) * m[y1 * w + x0] + fx * m[y1 * w + x1]);
      out[y * W + x] = static_cast<float>(v);
      top = std::max(top, out[y * W + x]);
    }
  }
  if (top > 0)
    for (int64_t i = 0; i < H * W; ++i) out[i] /= top;
}

}  // namespace

CamMaps grad_cam(models::Model& model, const Tensor& x, const std::string& layer_name, const std::vector<int>& classes,
                 int64_t chunk) {
  if (x.dim() != 4) throw std::invalid_argument("grad_cam: needs images (N, C, H, W), got " + shape_str(x.shape()));
  if (classes.empty()) throw std::invalid_argument("grad_cam: no class to explain");
  const std::string layer = layer_name.empty() ? model.stages().back() : layer_name;
  const int64_t n = x.size(0), nc = static_cast<int64_t>(classes.size());
  CamMaps out;
  out.images = n;
  out.classes = nc;
  out.height = x.size(2);
  out.width = x.size(3);
  const int64_t HW = out.height * out.width;
  out.grad_cam.resize(n * nc * HW);
  out.grad_cam_pp.resize(n * nc * HW);
  out.scores.resize(n * nc);

  model.eval();
  FrozenParameters frozen(model);
  const Tensor xc = x.contiguous();
  const int64_t per_image = xc.numel() / std::max<int64_t>(n, 1);
  // Work items (image, class) in replicas of at most `chunk`.
  const int64_t items = n * nc;
  for (int64_t start = 0; start < items; start += chunk) {
    const int64_t m = std::min(chunk, items - start);
    Tensor input = Tensor::empty({m, x.size(1), x.size(2), x.size(3)});
    for (int64_t r = 0; r < m; ++r) {
      const int64_t image = (start + r) / nc;
      std::copy(xc.data<float>() + image * per_image, xc.data<float>() + (image + 1) * per_image,
                input.data<float>() + r * per_image);
    }
    input.set_requires_grad(true);  // the graph is recorded through the frozen model
    const models::StagedOutput staged = models::run_with_stages(model, input, {layer});
    const Tensor& a = staged.stages.at(layer);
    if (a.dim() != 4)
      throw std::invalid_argument("grad_cam: layer '" + layer + "' gives " + shape_str(a.shape()) +
                                  ", not a (N, C, h, w) feature map");
    autograd::Capture cap = autograd::capture(a);
    const Tensor& logits = staged.output.logits;
    const int64_t k = logits.size(1);
    Tensor seed = Tensor::zeros({m, k});
    for (int64_t r = 0; r < m; ++r) {
      const int cls = classes[(start + r) % nc];
      if (cls < 0 || cls >= k) throw std::invalid_argument("grad_cam: class " + std::to_string(cls) + " is outside the model's " + std::to_string(k));
      seed.data<float>()[r * k + cls] = 1.0f;
    }
    const Tensor lc = logits.contiguous();
    for (int64_t r = 0; r < m; ++r) out.scores[start + r] = lc.data<float>()[r * k + classes[(start + r) % nc]];
    autograd::backward(logits, seed);
    const Tensor av = cap.value().contiguous(), gv = cap.grad().contiguous();
    const int64_t ch = av.size(1), h = av.size(2), w = av.size(3);
    for (int64_t r = 0; r < m; ++r) {
      const float* ar = av.data<float>() + r * ch * h * w;
      const float* gr = gv.data<float>() + r * ch * h * w;
      upsample_normalized(combine(ar, gr, ch, h * w, false), h, w, out.height, out.width, out.grad_cam.data() + (start + r) * HW);
      upsample_normalized(combine(ar, gr, ch, h * w, true), h, w, out.height, out.width, out.grad_cam_pp.data() + (start + r) * HW);
    }
  }
  return out;
}

}  // namespace thorax::train
