// The zoo's registry and model plumbing: names, torchvision initialization, 1-channel models, input
// checks, stage capture, summaries, saving and loading with cards, class counts from weights, freezing
// and parameter groups on a real backbone.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "autograd/ops.h"
#include "models/inception_v3.h"
#include "models/registry.h"
#include "models/summary.h"
#include "models/weights.h"
#include "nn/batch_norm.h"
#include "nn/conv2d.h"
#include "nn/param_groups.h"
#include "nn/safetensors.h"
#include "nn/weights_file.h"
#include "tests/support/check.h"
#include "tests/support/error_of.h"

using namespace thorax;
using namespace thorax::models;

namespace {

using thorax::testing::error_of;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("thorax_zoo_" + std::to_string(::getpid()) + "_" + name)).string();
}

double sample_std(const Tensor& t) {
  std::vector<double> v = t.to_vector();
  double m = 0, s = 0;
  for (double x : v) m += x / static_cast<double>(v.size());
  for (double x : v) s += (x - m) * (x - m) / static_cast<double>(v.size() - 1);
  return std::sqrt(s);
}

}  // namespace

TEST_CASE("the registry knows each model once and names the known ones on a typo") {
  std::set<std::string> seen;
  for (const ModelInfo& info : model_zoo()) CHECK(seen.insert(info.name).second);
  CHECK(seen.count("resnet18") == 1);
  CHECK(seen.count("inception_v3") == 1);
  std::string e = error_of([] { model_info("resnet19"); });
  CHECK(e.find("unknown model 'resnet19' (known: resnet18, resnet34") != std::string::npos);
}

TEST_CASE("torchvision's initialization: kaiming fan_out convolutions, unit batch norms, seeded") {
  Generator gen(7);
  auto model = create_model("resnet18", {.in_channels = 1, .num_classes = 3}, gen);
  auto& conv1 = dynamic_cast<nn::Conv2d&>(model->at("conv1"));
  CHECK(conv1.weight.shape() == Shape{64, 1, 7, 7});
  CHECK(sample_std(conv1.weight) == doctest::Approx(std::sqrt(2.0 / (64 * 49))).epsilon(0.05));
  auto& bn = dynamic_cast<nn::BatchNorm2d&>(model->at("layer3.1.bn2"));
  CHECK(bn.weight.to_vector() == std::vector<double>(256, 1.0));
  Generator seven(7), same(7), other(8);  // seeded: the same seed draws the same model
  auto small = create_model("mobilenet_v2", {.num_classes = 3}, seven);
  auto again = create_model("mobilenet_v2", {.num_classes = 3}, same);
  auto different = create_model("mobilenet_v2", {.num_classes = 3}, other);
  CHECK(testing::compare(again->at("classifier.1").own_parameters()[0].second,
                         small->at("classifier.1").own_parameters()[0].second, {0, 0}).ok);
  CHECK(testing::compare(again->at("features.17.conv.1.0").own_parameters()[0].second,
                         small->at("features.17.conv.1.0").own_parameters()[0].second, {0, 0}).ok);
  CHECK(!testing::compare(different->at("features.17.conv.1.0").own_parameters()[0].second,
                          small->at("features.17.conv.1.0").own_parameters()[0].second, {0, 0}).ok);

  Generator g2(1);
  auto inception = create_model("inception_v3", {.num_classes = 4}, g2);  // truncated normals, std 0.1, in [-2, 2]
  const Tensor w = inception->at("Mixed_7c.branch_pool.conv").own_parameters()[0].second;
  CHECK(sample_std(w) == doctest::Approx(0.1).epsilon(0.05));
  CHECK(sample_std(inception->at("AuxLogits.fc").own_parameters()[0].second) == doctest::Approx(0.001).epsilon(0.1));
}

TEST_CASE("models check their input and say what they expect") {
  auto model = create_model_for_loading("densenet121", {.in_channels = 1, .num_classes = 2});
  autograd::NoGrad no_grad;
  model->eval();
  CHECK(error_of([&] { model->run(Tensor::zeros({1, 3, 64, 64})); }) ==
        "densenet121 takes images (N, 1, H, W), got [1, 3, 64, 64] (the model was built for 1 input channels)");
  CHECK(error_of([&] { model->run(Tensor::zeros({1, 1, 16, 16})); }) ==
        "densenet121 needs images of at least 29x29 pixels, got 16x16");
  auto inception = create_model_for_loading("inception_v3", {.num_classes = 2});
  inception->train();
  CHECK(error_of([&] { inception->run(Tensor::zeros({2, 3, 80, 80})); }).find("needs images of at least 299x299") !=
        std::string::npos);
  dynamic_cast<InceptionV3&>(*inception).set_aux_logits(false);  // torchvision's aux_logits=False
  ModelOutput out = inception->run(Tensor::zeros({2, 3, 80, 80}));
  CHECK(out.logits.shape() == Shape{2, 2});
  CHECK(!out.aux_logits.defined());
}

TEST_CASE("stages can be captured by name; an unknown one lists the model's stages") {
  auto model = create_model_for_loading("mobilenet_v2", {.num_classes = 2});
  model->eval();
  autograd::NoGrad no_grad;
  StagedOutput s = run_with_stages(*model, Tensor::zeros({1, 3, 64, 64}), {"features.18", "features.3"});
  CHECK(s.stages["features.18"].shape() == Shape{1, 1280, 2, 2});
  CHECK(s.stages["features.3"].shape() == Shape{1, 24, 16, 16});
  CHECK(s.output.features.shape() == Shape{1, 1280});
  std::string e = error_of([&] { run_with_stages(*model, Tensor::zeros({1, 3, 64, 64}), {"features.99"}); });
  CHECK(e.find("mobilenet_v2 has no layer 'features.99' (its stages: features.1, features.3") != std::string::npos);
}

TEST_CASE("summaries count parameters and FLOPs from one traced image") {
  auto model = create_model_for_loading("resnet18", {.in_channels = 3, .num_classes = 1000});
  model->freeze("layer1");
  ModelSummary s = summarize(*model, 224);
  CHECK(s.parameters == model->num_parameters());
  CHECK(s.trainable == s.parameters - (4 * 64 * 64 * 9 + 4 * 2 * 64));  // layer1: 4 convolutions, 4 batch norms
  CHECK(s.logits == Shape{1, 1000});
  // conv1 alone: 2 · (64·112·112 outputs) · (3·7·7 multiply-adds each)
  for (const nn::LayerRecord& r : s.layers)
    if (r.name == "conv1") CHECK(r.flops == 2LL * 64 * 112 * 112 * 147);
  CHECK(model->training());  // summarize restores the mode
}

TEST_CASE("saving with a card and loading by card, by class count in the weights, or by name") {
  Generator gen(3);
  auto model = create_model("mobilenet_v2", {.in_channels = 1, .num_classes = 4}, gen);
  nn::ModelCard card;
  card.classes = {"normal", "pneumonia", "covid", "tb"};
  card.label_kind = "multi-class";
  const std::string path = temp_path("m.safetensors");
  save_model(path, *model, card);

  LoadedModel loaded = load_model(path);
  CHECK(loaded.model->architecture() == "mobilenet_v2");
  CHECK(loaded.model->args().in_channels == 1);
  CHECK(loaded.model->args().num_classes == 4);
  CHECK(loaded.card->classes.size() == 4);
  Generator data(5);
  Tensor x = randn({2, 1, 40, 40}, DType::f32, &data);
  autograd::NoGrad no_grad;
  model->eval();
  loaded.model->eval();
  CHECK(testing::compare(loaded.model->run(x).logits, model->run(x).logits, {0, 0}).ok);

  // Without a card, the architecture is needed; in_channels and num_classes come from the shapes.
  const std::string bare = temp_path("bare.safetensors");
  nn::safetensors_save(bare, model->state_dict());
  CHECK(error_of([&] { load_model(bare); }).find("has no model card naming its architecture") != std::string::npos);
  LoadedModel by_shape = load_model(bare, {.architecture = "mobilenet_v2"});
  CHECK(by_shape.model->args().num_classes == 4);
  CHECK(by_shape.model->args().in_channels == 1);
  std::string wrong = error_of([&] { load_model(bare, {.architecture = "mobilenet_v2", .num_classes = 3}); });
  CHECK(wrong.find("classifier.1.weight: [4, 1280] in the file, [3, 1280] in the model") != std::string::npos);
  CHECK(error_of([&] { load_model(path, {.architecture = "resnet18"}); }).find("holds a mobilenet_v2") != std::string::npos);
  std::filesystem::remove(path);
  std::filesystem::remove(bare);
}

TEST_CASE("a pretrained encoder with a new head: load all but the head, freeze or slow the encoder") {
  auto pretrained = create_model_for_loading("resnet18", {.num_classes = 1000});
  auto model = create_model_for_loading("resnet18", {.num_classes = 3});
  nn::LoadReport r = nn::load_state_dict(*model, pretrained->state_dict(), {.ignore_prefixes = {"fc"}});
  CHECK(r.ignored == std::vector<std::string>{"fc.weight", "fc.bias"});
  CHECK(r.loaded.size() == model->state_dict().size() - 2);  // all but fc.weight and fc.bias
  auto groups = nn::param_groups(*model, {.lr = 1e-4}, {{"fc", 1e-2, 0.0}});
  REQUIRE(groups.size() == 2);
  CHECK(groups[1].params.size() == 2);
  CHECK(model->freeze("layer1") == 12);
  CHECK(nn::param_groups(*model, {.lr = 1e-4})[0].params.size() == model->named_parameters().size() - 12);
}

TEST_CASE("timm's architectures: their initialization, their smallest inputs, stages at strides 2 to 32") {
  Generator gen(11);
  auto xception = create_model("xception", {.num_classes = 3}, gen);  // kaiming_normal (fan_out) everywhere
  const Tensor depthwise = dynamic_cast<nn::Conv2d&>(xception->at("block5.rep.4.conv1")).weight;
  CHECK(depthwise.shape() == Shape{728, 1, 3, 3});
  CHECK(sample_std(depthwise) == doctest::Approx(std::sqrt(2.0 / (728 * 9))).epsilon(0.05));
  CHECK(dynamic_cast<nn::BatchNorm2d&>(xception->at("block12.skipbn")).weight.to_vector() ==
        std::vector<double>(1024, 1.0));
  auto irv2 = create_model("inception_resnet_v2", {.num_classes = 3}, gen);  // PyTorch's defaults
  auto& up = dynamic_cast<nn::Conv2d&>(irv2->at("repeat_1.7.conv2d"));  // kaiming_uniform(a=√5): std 1/√(3·fan_in)
  CHECK(up.weight.shape() == Shape{1088, 384, 1, 1});
  CHECK(sample_std(up.weight) == doctest::Approx(1.0 / std::sqrt(3.0 * 384)).epsilon(0.05));
  CHECK(sample_std(up.bias) == doctest::Approx(1.0 / std::sqrt(3.0 * 384)).epsilon(0.1));

  autograd::NoGrad no_grad;
  xception->eval();
  irv2->eval();
  CHECK(error_of([&] { xception->run(Tensor::zeros({1, 3, 6, 6})); }) ==
        "xception needs images of at least 7x7 pixels, got 6x6");
  CHECK(error_of([&] { irv2->run(Tensor::zeros({1, 3, 74, 74})); }) ==
        "inception_resnet_v2 needs images of at least 75x75 pixels, got 74x74");
  // At 64×64 and 139×139: the strides 2, 4, 8, 16, 32 and channel counts of timm's feature_info.
  StagedOutput x = run_with_stages(*xception, Tensor::zeros({1, 3, 64, 64}), xception->stages());
  CHECK(x.stages["act2"].shape() == Shape{1, 64, 29, 29});
  CHECK(x.stages["block2.rep.0"].shape() == Shape{1, 128, 15, 15});
  CHECK(x.stages["block3.rep.0"].shape() == Shape{1, 256, 8, 8});
  CHECK(x.stages["block12.rep.0"].shape() == Shape{1, 728, 4, 4});
  CHECK(x.stages["act4"].shape() == Shape{1, 2048, 2, 2});
  CHECK(x.output.features.shape() == Shape{1, 2048});
  StagedOutput i = run_with_stages(*irv2, Tensor::zeros({1, 3, 139, 139}), irv2->stages());
  CHECK(i.stages["conv2d_2b"].shape() == Shape{1, 64, 67, 67});
  CHECK(i.stages["conv2d_4a"].shape() == Shape{1, 192, 31, 31});
  CHECK(i.stages["repeat"].shape() == Shape{1, 320, 15, 15});
  CHECK(i.stages["repeat_1"].shape() == Shape{1, 1088, 7, 7});
  CHECK(i.stages["conv2d_7b"].shape() == Shape{1, 1536, 3, 3});
  CHECK(i.output.features.shape() == Shape{1, 1536});
}
