// dual_stream — seed 001's problem statement 2: a transfer-learning stream and a convolutional autoencoder stream
// read the same image; the autoencoder's bottleneck features are fused with the transfer stream's (by attention or
// concatenation) and a linear classifier reads the fused vector. The autoencoder is trained by its reconstruction
// error, which the model returns as its auxiliary loss (recon_weight · mean squared error), so its bottleneck is
// pushed to keep what the image holds while the classifier shapes what it selects.
//
//   image ─┬─ <stream> trunk (vgg16.features or xception) ─ global avg pool ─ s (C_s) ─┐
//          │                                                                         fusion ─ features ─ classifier
//          └─ autoencoder.encoder (3 × conv 3×3/2) ─ bottleneck ─ global avg pool ─ b (4w) ─┘
//                                                    └─ autoencoder.decoder (3 × upsample 2, conv 3×3) ─ x̂
//   fusion=attention: s and b projected to 8w values each (fusion.proj_stream, fusion.proj_bottleneck), pooled by
//   additive attention over the two (fusion.attention); fusion=concat: [s | b].   aux_loss = recon_weight·‖x̂ − x‖²/n
//
// Width w: the autoencoder's base width (default 32: 32, 64, 128 channels; the bottleneck is at 1/8 of the input).
// Options: stream=vgg16|xception (default vgg16; any backbone of models/backbone_trunk.h, e.g. mobilenet_v2 for a
// CPU-sized variant), fusion=attention|concat (default attention), recon_weight (default 0.1). The reconstruction
// is computed in training mode only. Stages: autoencoder.encoder (the bottleneck), then the stream's stages under
// its name; the Grad-CAM default is the stream's last.
#pragma once
#include <memory>
#include <vector>

#include "models/backbone_trunk.h"
#include "models/model.h"
#include "nn/attention_pool.h"
#include "nn/linear.h"
#include "nn/sequential.h"

namespace thorax::models {

class ConvAutoencoder : public nn::Module {
 public:
  ConvAutoencoder(int64_t in_channels, int64_t width);
  std::string type_name() const override { return "ConvAutoencoder"; }
  int64_t bottleneck_channels() const { return 4 * width_; }
  // Image -> the bottleneck map (N, 4w, ~H/8, ~W/8).
  Tensor encode(const Tensor& x);
  // Bottleneck -> an image of the given height and width (resized bilinearly when the strides do not divide it).
  Tensor decode(const Tensor& z, int64_t height, int64_t width);

  std::shared_ptr<nn::Sequential> encoder, decoder;

 private:
  int64_t width_;
};

// Attention over the two streams' projected vectors (nn/attention_pool.h over a sequence of two).
class StreamFusion : public nn::Module {
 public:
  StreamFusion(int64_t stream_features, int64_t bottleneck_features, int64_t dim);
  std::string type_name() const override { return "StreamFusion"; }
  // (N, stream_features), (N, bottleneck_features) -> (N, dim).
  Tensor fuse(const Tensor& stream, const Tensor& bottleneck);

  std::shared_ptr<nn::Linear> proj_stream, proj_bottleneck;  // public so the gradient checks can swap weights
  std::shared_ptr<nn::AttentionPool> attention;
};

class DualStream : public Model {
 public:
  explicit DualStream(ModelArgs args);
  std::string type_name() const override { return "DualStream"; }
  std::vector<std::string> stages() const override;
  // The stream by its backbone's rule; the autoencoder's convolutions kaiming normal (fan_out); linear layers
  // PyTorch's default.
  void initialize(Generator& gen) override;

 protected:
  ModelOutput forward_output(const Tensor& x, const Tensor& labels) override;

 private:
  DualStream(ModelArgs args, Trunk stream);

  Trunk stream_;
  std::shared_ptr<ConvAutoencoder> autoencoder_;
  std::shared_ptr<StreamFusion> fusion_;  // null: fusion=concat
  std::shared_ptr<nn::Linear> classifier_;
  double recon_weight_;
};

}  // namespace thorax::models
