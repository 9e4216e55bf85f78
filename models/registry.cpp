#include "models/registry.h"

#include <stdexcept>

#include "models/densenet.h"
#include "models/efficientnet.h"
#include "models/inception_v3.h"
#include "models/mobilenet_v2.h"
#include "models/resnet.h"
#include "models/vgg.h"

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
  };
}

ModelInfo model_info(const std::string& name) {
  std::string known;
  for (ModelInfo& info : model_zoo()) {
    if (info.name == name) return info;
    known += (known.empty() ? "" : ", ") + info.name;
  }
  throw std::invalid_argument("unknown model '" + name + "' (known: " + known + ")");
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
