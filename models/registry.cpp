#include "models/registry.h"

#include <stdexcept>

#include "models/chest_attention_net.h"
#include "models/densenet.h"
#include "models/dual_stream.h"
#include "models/efficientnet.h"
#include "models/hybrid.h"
#include "models/inception_resnet_v2.h"
#include "models/inception_v3.h"
#include "models/mobilenet_v2.h"
#include "models/model_spec.h"
#include "models/rare_disease.h"
#include "models/resnet.h"
#include "models/resnet_cbam_fpn.h"
#include "models/semssxl.h"
#include "models/small_cnn.h"
#include "models/vgg.h"
#include "models/xception.h"

namespace thorax::models {

namespace {

template <class M, class... A> std::function<std::unique_ptr<Model>(const ModelArgs&)> maker(A... a) {
  return [=](const ModelArgs& args) -> std::unique_ptr<Model> { return std::make_unique<M>(a..., args); };
}

}  // namespace

std::vector<ModelInfo> model_zoo() {
  return {
      {"resnet18", "ResNet-18 (He et al. 2016), basic blocks", "fc", "conv1",
       maker<ResNet>(std::string("resnet18"), false, std::vector<int64_t>{2, 2, 2, 2})},
      {"resnet34", "ResNet-34, basic blocks", "fc", "conv1",
       maker<ResNet>(std::string("resnet34"), false, std::vector<int64_t>{3, 4, 6, 3})},
      {"resnet50", "ResNet-50, bottleneck blocks", "fc", "conv1",
       maker<ResNet>(std::string("resnet50"), true, std::vector<int64_t>{3, 4, 6, 3})},
      {"resnet101", "ResNet-101, bottleneck blocks", "fc", "conv1",
       maker<ResNet>(std::string("resnet101"), true, std::vector<int64_t>{3, 4, 23, 3})},
      {"densenet121", "DenseNet-121 (Huang et al. 2017)", "classifier", "features.conv0",
       maker<DenseNet>(std::string("densenet121"), std::vector<int64_t>{6, 12, 24, 16})},
      {"densenet201", "DenseNet-201", "classifier", "features.conv0",
       maker<DenseNet>(std::string("densenet201"), std::vector<int64_t>{6, 12, 48, 32})},
      {"mobilenet_v2", "MobileNetV2 (Sandler et al. 2018)", "classifier.1", "features.0.0",
       maker<MobileNetV2>()},
      {"vgg16", "VGG-16 (Simonyan & Zisserman 2015)", "classifier.6", "features.0",
       maker<Vgg>(std::string("vgg16"), false)},
      {"vgg16_bn", "VGG-16 with batch normalization", "classifier.6", "features.0",
       maker<Vgg>(std::string("vgg16_bn"), true)},
      {"efficientnet_b0", "EfficientNet-B0 (Tan & Le 2019)", "classifier.1", "features.0.0", maker<EfficientNet>()},
      {"inception_v3", "Inception v3 (Szegedy et al. 2016) with its auxiliary classifier", "fc", "Conv2d_1a_3x3.conv",
       maker<InceptionV3>()},
      {"inception_resnet_v2", "Inception-ResNet-v2 (Szegedy et al. 2017), timm's names", "classif", "conv2d_1a.conv",
       maker<InceptionResNetV2>()},
      {"xception", "Xception (Chollet 2017), timm's legacy_xception", "fc", "conv1", maker<Xception>()},
      // The seed documents' own architectures: no torchvision or timm counterpart.
      {"hybrid", "seed 000: MobileNetV2 + InceptionV3 + VGG16 grids -> (bi)LSTM -> attention pooling", "classifier",
       "mobilenet_v2.features.0.0", maker<Hybrid>(), false},
      {"resnet50_cbam_fpn", "seed 003: ResNet-50 with CBAM after each stage and an FPN head", "classifier", "conv1",
       maker<ResNetCbamFpn>(), false},
      {"chest_attention_net", "seed 003: light residual encoder with channel + spatial attention", "classifier",
       "stem.conv1", maker<ChestAttentionNet>(), false},
      {"rare_disease", "seed 003: multi-resolution branches, rare-class prototype memory, rare/common heads",
       "classifier", "branch0.stem.0", maker<RareDiseaseModel>(), false},
      {"dual_stream", "seed 001: VGG16/Xception stream + convolutional autoencoder, fused bottleneck", "classifier",
       "autoencoder.encoder.0.0", maker<DualStream>(), false},
      {"semssxl", "seed 001: Xception encoder + projection layer + classifier (semi-supervised)", "classifier",
       "xception.conv1", maker<SemSSXL>(), false},
      // The smallest model: a plain CNN for teaching and fast tests.
      {"small_cnn", "plain 4-stage CNN (conv-[bn]-relu-pool), options width and norm=batch|none", "classifier",
       "stage1.conv", maker<SmallCnn>(), false},
  };
}

ModelInfo model_info(const std::string& name) {
  const ModelSpec spec = parse_model_spec(name);
  std::string known;
  for (ModelInfo& info : model_zoo()) {
    if (info.name != spec.name) {
      known += (known.empty() ? "" : ", ") + info.name;
      continue;
    }
    if (spec.width || !spec.options.empty())
      info.make = [make = info.make, spec](const ModelArgs& given) {
        ModelArgs args = given;
        if (spec.width) args.width = spec.width;
        for (const auto& [key, value] : spec.options) args.options[key] = value;
        return make(args);
      };
    return info;
  }
  throw std::invalid_argument("unknown model '" + spec.name + "' (known: " + known + ")");
}

std::unique_ptr<Model> create_model(const std::string& name, const ModelArgs& args, Generator& gen) {
  std::unique_ptr<Model> m = create_model_for_loading(name, args);
  m->initialize(gen);
  return m;
}

std::unique_ptr<Model> create_model_for_loading(const std::string& name, const ModelArgs& args) {
  return model_info(name).make(args);
}

}  // namespace thorax::models
