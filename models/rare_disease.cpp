#include "models/rare_disease.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "autograd/elementwise.h"
#include "autograd/join.h"
#include "autograd/matmul.h"
#include "autograd/pool.h"
#include "autograd/reduce.h"
#include "autograd/view.h"
#include "models/conv_norm_act.h"
#include "models/model_spec.h"
#include "models/residual_layer.h"
#include "nn/init.h"

namespace thorax::models {

namespace {

constexpr const char* kArch = "rare_disease";
constexpr int64_t kDefaultWidth = 32;

std::vector<int64_t> rare_set(const ModelArgs& args) {
  const int64_t c = args.num_classes;
  if (c < 2)
    throw std::invalid_argument(std::string(kArch) + " needs at least 2 classes (one common, one rare), got " +
                                std::to_string(c));
  std::vector<int64_t> rare;
  const auto given = args.options.find("rare");
  if (given == args.options.end()) {
    for (int64_t k = c - (c + 3) / 4; k < c; ++k) rare.push_back(k);
    return rare;
  }
  for (const std::string& item : option_list(args, kArch, "rare", {})) {
    char* end = nullptr;
    const long long k = std::strtoll(item.c_str(), &end, 10);
    if (*end != '\0' || k < 0 || k >= c)
      throw std::invalid_argument(std::string(kArch) + ": rare class '" + item + "' is not a class index in [0, " +
                                  std::to_string(c) + ")");
    if (std::find(rare.begin(), rare.end(), k) != rare.end())
      throw std::invalid_argument(std::string(kArch) + ": rare class " + item + " is listed twice");
    rare.push_back(k);
  }
  if (static_cast<int64_t>(rare.size()) == c)
    throw std::invalid_argument(std::string(kArch) + ": every class is rare; leave at least one common class");
  return rare;
}

// stem 3×3/2, then stages of w, 2w, 4w channels with strides 1, 2, 2: 4w channels at 1/8 of the branch's input.
std::shared_ptr<nn::Sequential> make_branch(int64_t in_channels, int64_t w) {
  auto b = std::make_shared<nn::Sequential>();
  b->add("stem", std::make_shared<Conv2dNormActivation>(
                     ConvNormActConfig{.in = in_channels, .out = w, .kernel = 3, .stride = 2}));
  int64_t inplanes = w;
  for (int i = 0; i < 3; ++i)
    b->add("layer" + std::to_string(i + 1), residual_layer(false, inplanes, w << i, 1, i == 0 ? 1 : 2));
  return b;
}

}  // namespace

std::vector<int64_t> choose_rare_classes(const std::vector<int64_t>& positives) {
  const int64_t c = static_cast<int64_t>(positives.size());
  std::vector<int64_t> order(positives.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return positives[a] < positives[b]; });
  std::vector<int64_t> rare(order.begin(), order.begin() + std::min<int64_t>(c, (c + 3) / 4));
  std::sort(rare.begin(), rare.end());
  return rare;
}

RareCommonHead::RareCommonHead(int64_t part, int64_t num_classes, const std::vector<int64_t>& rare)
    : part_(part), rare_(rare), is_rare_(static_cast<size_t>(num_classes), false) {
  for (int64_t k : rare) is_rare_[k] = true;
  weight = register_parameter("weight", Tensor::zeros({num_classes, 3 * part}));
  bias = register_parameter("bias", Tensor::zeros({num_classes}));
  std::vector<float> mask(static_cast<size_t>(num_classes * 3 * part), 0.0f);
  for (int64_t k = 0; k < num_classes; ++k)
    for (int64_t j = is_rare_[k] ? part : 0; j < (is_rare_[k] ? 3 * part : part); ++j) mask[k * 3 * part + j] = 1.0f;
  mask_ = Tensor::from_vector(mask, {num_classes, 3 * part});
}

std::string RareCommonHead::extra_repr() const {
  std::string r;
  for (int64_t k : rare_) r += (r.empty() ? "" : ", ") + std::to_string(k);
  return "in_features=" + std::to_string(3 * part_) + ", out_features=" + std::to_string(weight.size(0)) +
         ", rare=[" + r + "]";
}

Tensor RareCommonHead::forward(const Tensor& features) {
  if (features.dim() != 2 || features.size(1) != 3 * part_)
    throw std::invalid_argument("RareCommonHead(" + extra_repr() + ") takes features (N, " +
                                std::to_string(3 * part_) + "), got " + shape_str(features.shape()));
  return linear(features, weight * mask_.to(weight.dtype()), bias);
}

int64_t RareCommonHead::flops(const Shape& input, const Shape& output) const {
  const int64_t rare = static_cast<int64_t>(rare_.size()), common = weight.size(0) - rare;
  return input.size() == 2 ? 2 * input[0] * part_ * (common + 2 * rare) : 0;
}

void RareCommonHead::reset_own_parameters(Generator& gen) {
  nn::init::uniform(weight, -1.0, 1.0, gen);
  nn::init::uniform(bias, -1.0, 1.0, gen);
  const int64_t c = weight.size(0), in = weight.size(1);
  float* w = weight.data<float>();
  float* b = bias.data<float>();
  const float* mask = mask_.data<float>();
  for (int64_t k = 0; k < c; ++k) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(is_rare_[k] ? 2 * part_ : part_));
    for (int64_t j = 0; j < in; ++j) w[k * in + j] = static_cast<float>(w[k * in + j] * bound * mask[k * in + j]);
    b[k] = static_cast<float>(b[k] * bound);
  }
}

RareDiseaseModel::RareDiseaseModel(ModelArgs args)
    : Model(kArch, args, 8, {"width", "rare", "momentum", "memory_weight"}), rare_(rare_set(args)) {
  const int64_t w = args.width ? args.width : kDefaultWidth, d = 8 * w;
  const double momentum = option_number(args, kArch, "momentum", 0.9, 0.0, 0.999);
  memory_weight_ = option_number(args, kArch, "memory_weight", 0.1, 0.0, 1e6);
  for (int k = 0; k < 3; ++k)
    branches_.push_back(register_module("branch" + std::to_string(k), make_branch(args.in_channels, w)));
  fuse_ = register_module("fuse", std::make_shared<Conv2dNormActivation>(ConvNormActConfig{.in = 3 * 4 * w, .out = d,
                                                                                          .kernel = 1}));
  common_attention_ = register_module("common_attention", std::make_shared<nn::AttentionPool>(d, d / 2));
  rare_attention_ = register_module("rare_attention", std::make_shared<nn::AttentionPool>(d, d / 2));
  memory_ = register_module("memory", std::make_shared<nn::PrototypeMemory>(static_cast<int64_t>(rare_.size()), d,
                                                                            d / 2, momentum));
  classifier_ = register_module("classifier", std::make_shared<RareCommonHead>(d, args.num_classes, rare_));
}

ModelOutput RareDiseaseModel::forward_output(const Tensor& x, const Tensor& labels) {
  std::vector<Tensor> maps;
  for (size_t k = 0; k < branches_.size(); ++k) {
    const int64_t f = int64_t{1} << k;
    maps.push_back((*branches_[k])(k == 0 ? x : avg_pool2d(x, {f, f})));
  }
  const int64_t gh = maps.back().size(2), gw = maps.back().size(3);
  for (Tensor& m : maps)
    if (m.size(2) != gh || m.size(3) != gw) m = adaptive_avg_pool2d(m, {gh, gw});
  const Tensor tokens = transpose(flatten((*fuse_)(cat(maps, 1)), 2), 1, 2);  // (N, g·g, D)
  const Tensor f_common = (*common_attention_)(tokens), f_rare = (*rare_attention_)(tokens);
  const Tensor read = (*memory_)(f_rare);
  ModelOutput out;
  out.features = cat({f_common, f_rare, read}, 1);
  out.logits = (*classifier_)(out.features);
  if (!training() || !labels.defined()) return out;

  const int64_t n = x.size(0), r = static_cast<int64_t>(rare_.size()), c = args().num_classes;
  const bool indices = labels.dim() == 1 && labels.size(0) == n;
  if (!indices && (labels.dim() != 2 || labels.size(0) != n || labels.size(1) != c))
    throw std::invalid_argument(std::string(kArch) + ": labels must be the (N, C) = (" + std::to_string(n) + ", " +
                                std::to_string(c) + ") targets or N class indices, got " + shape_str(labels.shape()));
  const std::vector<double> y = labels.to_vector(), filled = memory_->filled.to_vector();
  auto positive = [&](int64_t i, int64_t k) {
    return indices ? static_cast<int64_t>(std::llround(y[i])) == k : y[i * c + k] > 0.5;
  };
  std::vector<float> positives(static_cast<size_t>(n * r)), pairs(static_cast<size_t>(n * r));
  double count = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < r; ++j) {
      positives[i * r + j] = positive(i, rare_[j]) ? 1.0f : 0.0f;
      pairs[i * r + j] = positives[i * r + j] * (filled[j] > 0.5 ? 1.0f : 0.0f);
      count += pairs[i * r + j];
    }
  if (memory_weight_ > 0 && count > 0) {
    // 1 − cosine similarity between each positive's f_r and its class prototype (a constant: the memory's).
    auto unit = [](const Tensor& v) { return v * rsqrt(sum(v * v, {1}, true) + 1e-12); };
    const Tensor cosine = matmul(unit(f_rare), transpose(unit(memory_->prototypes.to(f_rare.dtype())), 0, 1));
    const Tensor mask = Tensor::from_vector(pairs, {n, r}).to(f_rare.dtype());
    out.aux_loss = (neg(sum(mask * cosine)) + count) * (memory_weight_ / count);
  }
  memory_->update(f_rare, Tensor::from_vector(positives, {n, r}));
  return out;
}

void RareDiseaseModel::initialize(Generator& gen) {
  for (auto& [name, m] : named_modules())
    if (!init_conv_or_norm(*m, gen)) m->reset_own_parameters(gen);
}

}  // namespace thorax::models
