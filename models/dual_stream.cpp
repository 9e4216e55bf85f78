#include "models/dual_stream.h"

#include "autograd/elementwise.h"
#include "autograd/join.h"
#include "autograd/loss.h"
#include "autograd/pool.h"
#include "autograd/upsample.h"
#include "autograd/view.h"
#include "models/conv_norm_act.h"
#include "models/model_spec.h"
#include "nn/upsample.h"

namespace thorax::models {

namespace {

constexpr const char* kArch = "dual_stream";
constexpr int64_t kDefaultWidth = 32;

Trunk stream_trunk(const ModelArgs& args) {
  return make_trunk(option_text(args, kArch, "stream", "vgg16"), args.in_channels);
}

}  // namespace

ConvAutoencoder::ConvAutoencoder(int64_t in_channels, int64_t width) : width_(width) {
  encoder = register_module("encoder", std::make_shared<nn::Sequential>());
  decoder = register_module("decoder", std::make_shared<nn::Sequential>());
  const int64_t widths[4] = {in_channels, width, 2 * width, 4 * width};
  for (int i = 0; i < 3; ++i)
    encoder->push_back(std::make_shared<Conv2dNormActivation>(
        ConvNormActConfig{.in = widths[i], .out = widths[i + 1], .kernel = 3, .stride = 2}));
  for (int i = 3; i > 0; --i) {
    Upsample2dOptions twice;
    twice.scale = {2.0, 2.0};
    decoder->push_back(std::make_shared<nn::Upsample>(twice));
    if (i > 1)
      decoder->push_back(std::make_shared<Conv2dNormActivation>(
          ConvNormActConfig{.in = widths[i], .out = widths[i - 1], .kernel = 3}));
    else  // the image itself: no normalization, no activation (inputs are normalized, not in [0, 1])
      decoder->push_back(std::make_shared<nn::Conv2d>(
          nn::Conv2dConfig{.in = widths[1], .out = widths[0], .kernel = {3, 3}, .padding = {1, 1}}));
  }
}

Tensor ConvAutoencoder::encode(const Tensor& x) { return (*encoder)(x); }

Tensor ConvAutoencoder::decode(const Tensor& z, int64_t height, int64_t width) {
  Tensor y = (*decoder)(z);
  if (y.size(2) == height && y.size(3) == width) return y;
  Upsample2dOptions to_input;
  to_input.size = {height, width};
  return upsample_bilinear(y, to_input);
}

StreamFusion::StreamFusion(int64_t stream_features, int64_t bottleneck_features, int64_t dim) {
  proj_stream = register_module("proj_stream", std::make_shared<nn::Linear>(stream_features, dim));
  proj_bottleneck = register_module("proj_bottleneck", std::make_shared<nn::Linear>(bottleneck_features, dim));
  attention = register_module("attention", std::make_shared<nn::AttentionPool>(dim, std::max<int64_t>(dim / 2, 1)));
}

Tensor StreamFusion::fuse(const Tensor& stream, const Tensor& bottleneck) {
  return (*attention)(stack({(*proj_stream)(stream), (*proj_bottleneck)(bottleneck)}, 1));
}

DualStream::DualStream(ModelArgs args) : DualStream(args, stream_trunk(args)) {}

DualStream::DualStream(ModelArgs args, Trunk stream)
    : Model(kArch, args, stream.min_size, {"width", "stream", "fusion", "recon_weight"}), stream_(std::move(stream)) {
  const int64_t w = args.width ? args.width : kDefaultWidth;
  const std::string fusion = option_text(args, kArch, "fusion", "attention", {"attention", "concat"});
  recon_weight_ = option_number(args, kArch, "recon_weight", 0.1, 0.0, 1e6);
  register_module(stream_.backbone, stream_.body);
  autoencoder_ = register_module("autoencoder", std::make_shared<ConvAutoencoder>(args.in_channels, w));
  int64_t features = stream_.channels + autoencoder_->bottleneck_channels();
  if (fusion == "attention") {
    fusion_ = register_module("fusion", std::make_shared<StreamFusion>(stream_.channels,
                                                                       autoencoder_->bottleneck_channels(), 8 * w));
    features = 8 * w;
  }
  classifier_ = register_module("classifier", std::make_shared<nn::Linear>(features, args.num_classes));
}

std::vector<std::string> DualStream::stages() const {
  std::vector<std::string> s = {"autoencoder.encoder"};
  for (const std::string& stage : stream_.stages) s.push_back(stream_.backbone + "." + stage);
  return s;
}

ModelOutput DualStream::forward_output(const Tensor& x, const Tensor&) {
  const Tensor s = flatten(adaptive_avg_pool2d((*stream_.body)(x), {1, 1}), 1);
  const Tensor z = autoencoder_->encode(x);
  const Tensor b = flatten(adaptive_avg_pool2d(z, {1, 1}), 1);
  ModelOutput out;
  out.features = fusion_ ? fusion_->fuse(s, b) : cat({s, b}, 1);
  out.logits = (*classifier_)(out.features);
  if (training() && recon_weight_ > 0)
    out.aux_loss = mse_loss(autoencoder_->decode(z, x.size(2), x.size(3)), x) * recon_weight_;
  return out;
}

void DualStream::initialize(Generator& gen) {
  initialize_trunk(stream_, gen);
  for (auto& [name, m] : named_modules())
    if (!nn::name_under_prefix(name, stream_.backbone) && !init_conv_or_norm(*m, gen)) m->reset_own_parameters(gen);
}

}  // namespace thorax::models
