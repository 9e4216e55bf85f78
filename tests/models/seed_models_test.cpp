// The seed documents' architectures (hybrid, resnet50_cbam_fpn, chest_attention_net, rare_disease, dual_stream,
// semssxl): output shapes, a non-zero gradient for every parameter, stages that run, options and their errors,
// save/load through the model card, and the blocks only these models use (rare/common head, stream fusion).
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "autograd/ops.h"
#include "models/dual_stream.h"
#include "models/model_spec.h"
#include "models/rare_disease.h"
#include "models/registry.h"
#include "models/weights.h"
#include "tests/models/seed_fixtures.h"
#include "tests/nn/block_gradcheck.h"
#include "tests/support/error_of.h"

using namespace thorax;
using namespace thorax::models;

namespace {

constexpr int64_t kClasses = 3;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

using thorax::testing::error_of;

// One-hot targets cycling through the classes.
Tensor one_hot(int64_t n, int64_t classes) {
  std::vector<float> y(static_cast<size_t>(n * classes), 0.0f);
  for (int64_t i = 0; i < n; ++i) y[i * classes + i % classes] = 1.0f;
  return Tensor::from_vector(y, {n, classes});
}

// Parameters whose gradient is missing or all zero after one training step's backward, comma-separated.
std::string parameters_without_gradient(Model& model, const Tensor& x, const Tensor& y) {
  Generator gen(11);
  model.train();
  {
    autograd::NoGrad no_grad;
    model.run(x, y);  // rare_disease: the first labelled batch fills the memory that later batches read
  }
  model.zero_grad();
  const ModelOutput out = model.run(x, y);
  Tensor loss = sum(out.logits * randn(out.logits.shape(), DType::f32, &gen));
  if (out.aux_loss.defined()) loss = loss + out.aux_loss;
  autograd::backward(loss);
  std::string bad;
  for (const auto& [name, p] : model.named_parameters())
    if (!p.grad().defined() || p.grad().shape() != p.shape() || sum(abs(p.grad())).item() == 0.0)
      bad += (bad.empty() ? "" : ", ") + name;
  return bad;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("thorax_seed_" + std::to_string(::getpid()) + "_" + name)).string();
}

}  // namespace

TEST_CASE("seed models: output shapes, features as wide as the classifier reads, a gradient for every parameter") {
  struct Case {
    std::string spec;
    int64_t res, batch;
  };
  std::vector<Case> cases;
  for (const auto& m : testing::tiny_seed_models()) cases.push_back({m.spec, m.res, 4});
  // The options of each ablation, and the full-size streams at small inputs.
  for (const char* spec :
       {"hybrid?width=16&backbones=mobilenet_v2&lstm=none", "hybrid?width=16&backbones=mobilenet_v2&lstm=uni",
        "hybrid?width=16&backbones=mobilenet_v2&pool=mean", "dual_stream?width=8&stream=mobilenet_v2&fusion=concat",
        "rare_disease?width=8&rare=0,2&memory_weight=0"})
    cases.push_back({spec, 64, 4});
  // The seed's three backbones at inception_v3's smallest input, where the grid is a single token (so without the
  // LSTM and attention, whose weights would get no gradient from one step; the CLI summary runs the default at 107).
  cases.push_back({"hybrid?width=16&lstm=none&pool=mean", 75, 2});
  cases.push_back({"dual_stream?width=8&stream=xception", 32, 2});
  cases.push_back({"semssxl?width=16", 32, 2});  // Xception

  for (const Case& c : cases) {
    INFO(c.spec);
    Generator gen(1);
    std::unique_ptr<Model> model = create_model(c.spec, {.in_channels = 1, .num_classes = kClasses}, gen);
    const ModelInfo info = model_info(c.spec);
    const Tensor x = randn({c.batch, 1, c.res, c.res}, DType::f32, &gen), y = one_hot(c.batch, kClasses);
    const ModelOutput out = model->run(x, y);
    CHECK(out.logits.shape() == Shape{c.batch, kClasses});
    REQUIRE(out.features.dim() == 2);
    CHECK(out.features.size(0) == c.batch);
    // The trainer sizes its projection head by the classifier's input: the features must be that wide.
    CHECK(out.features.size(1) == model->at(info.classifier).own_parameters().front().second.size(1));
    CHECK(parameters_without_gradient(*model, x, y) == "");
  }
}

TEST_CASE("seed models: every stage runs and is a feature map; the last is the Grad-CAM default") {
  for (const auto& m : testing::tiny_seed_models()) {
    INFO(m.spec);
    Generator gen(2);
    auto model = create_model(m.spec, {.in_channels = 1, .num_classes = kClasses}, gen);
    model->eval();
    autograd::NoGrad no_grad;
    StagedOutput s = run_with_stages(*model, randn({1, 1, m.res, m.res}, DType::f32, &gen), model->stages());
    for (const std::string& name : model->stages()) CHECK(s.stages.at(name).dim() == 4);
  }
}

TEST_CASE("seed models: save and load through the model card rebuild the same model, options and memory included") {
  for (const auto& m : testing::tiny_seed_models()) {
    INFO(m.spec);
    Generator gen(3);
    auto model = create_model(m.spec, {.in_channels = 1, .num_classes = kClasses}, gen);
    const Tensor x = randn({4, 1, m.res, m.res}, DType::f32, &gen);
    model->train();
    model->run(x, one_hot(4, kClasses));  // running statistics and the memory move away from their initial values
    const std::string path = temp_path("roundtrip.safetensors");
    save_model(path, *model);
    LoadedModel loaded = load_model(path);
    std::filesystem::remove(path);
    CHECK(loaded.report.missing.empty());
    CHECK(loaded.model->architecture() == model->architecture());
    CHECK(loaded.model->args().width == model->args().width);
    CHECK(loaded.model->args().options == model->args().options);
    CHECK(model_spec_string(loaded.model->architecture(), loaded.model->args()) == m.spec);
    const nn::NamedTensors a = model->state_dict(), b = loaded.model->state_dict();
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) CHECK(a[i].second.to_vector() == b[i].second.to_vector());
    model->eval();
    loaded.model->eval();
    autograd::NoGrad no_grad;
    CHECK(model->run(x).logits.to_vector() == loaded.model->run(x).logits.to_vector());
  }
}

TEST_CASE("model specs: parsing, the registry, options each architecture refuses") {
  ModelSpec s = parse_model_spec("hybrid?backbones=mobilenet_v2,vgg16&width=32&lstm=none");
  CHECK(s.name == "hybrid");
  CHECK(s.width == 32);
  CHECK(s.options == std::map<std::string, std::string>{{"backbones", "mobilenet_v2,vgg16"}, {"lstm", "none"}});
  CHECK(model_spec_string("hybrid", {.width = 32, .options = s.options}) ==
        "hybrid?width=32&backbones=mobilenet_v2,vgg16&lstm=none");
  CHECK(contains(error_of([] { parse_model_spec("hybrid?width=0"); }), "width must be a positive integer"));
  CHECK(contains(error_of([] { parse_model_spec("hybrid?lstm"); }), "'lstm' is not key=value"));
  CHECK(contains(error_of([] { parse_model_spec("hybrid?lstm=bi&lstm=uni"); }), "gives 'lstm' twice"));
  CHECK(contains(error_of([] { model_info("hybird?width=3"); }), "unknown model 'hybird'"));

  const ModelArgs gray{.in_channels = 1, .num_classes = 2};
  auto refused = [&](const std::string& spec) { return error_of([&] { create_model_for_loading(spec, gray); }); };
  CHECK(contains(refused("resnet18?width=8"), "resnet18: width 8 is not an option of this model (it takes none)"));
  CHECK(contains(refused("chest_attention_net?depth=3"), "unknown option 'depth' (it takes: width)"));
  CHECK(contains(refused("hybrid?backbones=mobilenet_v2,densenet121"), "no backbone trunk 'densenet121'"));
  CHECK(contains(refused("hybrid?backbones=vgg16,vgg16"), "'vgg16' is listed twice"));
  CHECK(contains(refused("hybrid?backbones=mobilenet_v2&width=15"), "must be even"));
  CHECK(contains(refused("hybrid?backbones=mobilenet_v2&lstm=gru"), "lstm='gru' is not one of: bi, uni, none"));
  CHECK(contains(refused("rare_disease?rare=2"), "rare class '2' is not a class index in [0, 2)"));
  CHECK(contains(refused("rare_disease?rare=0,1"), "every class is rare"));
  CHECK(contains(refused("rare_disease?momentum=1.5"), "momentum='1.5' must be a number in [0, 0.999]"));
  CHECK(contains(error_of([] { create_model_for_loading("rare_disease", {.num_classes = 1}); }), "at least 2 classes"));
  CHECK(contains(refused("dual_stream?fusion=sum"), "fusion='sum' is not one of: attention, concat"));
  CHECK(contains(refused("semssxl?encoder=mobilenet_v2&width=-1"), "positive integer"));

  // Seed models are in the zoo, without a torchvision or timm reference.
  for (const char* name :
       {"hybrid", "resnet50_cbam_fpn", "chest_attention_net", "rare_disease", "dual_stream", "semssxl"})
    CHECK_FALSE(model_info(name).has_reference);
  CHECK(model_info("resnet50").has_reference);
}

TEST_CASE("rare_disease: rare classes from frequencies, block-structured heads, a memory written only in training") {
  CHECK(choose_rare_classes({100, 5, 50, 1, 80}) == std::vector<int64_t>{1, 3});  // ⌈5/4⌉ = 2 least frequent
  CHECK(choose_rare_classes({7, 7, 7, 7, 7, 7, 7, 7, 7}) == std::vector<int64_t>{0, 1, 2});  // ties: lower index
  Generator gen(4);
  auto made = create_model("rare_disease?width=4", {.in_channels = 1, .num_classes = 14}, gen);
  auto& model = dynamic_cast<RareDiseaseModel&>(*made);
  CHECK(model.rare_classes() == std::vector<int64_t>{10, 11, 12, 13});  // default: the last ⌈14/4⌉

  // A common class's logit ignores [f_r | r]; a rare class's ignores f_c.
  RareCommonHead head(2, 3, {1});
  head.reset_own_parameters(gen);
  const Tensor f = randn({1, 6}, DType::f32, &gen);
  Tensor g = f.clone();
  narrow(g, 1, 2, 4).fill(9.0);  // change f_r and r
  std::vector<double> a = head(f).to_vector(), b = head(g).to_vector();
  CHECK(a[0] == b[0]);
  CHECK(a[2] == b[2]);
  CHECK(a[1] != b[1]);
  g = f.clone();
  narrow(g, 1, 0, 2).fill(9.0);  // change f_c
  b = head(g).to_vector();
  CHECK(a[1] == b[1]);
  CHECK(a[0] != b[0]);

  // The memory: written by labelled training batches with rare positives, never in eval mode.
  const Tensor x = randn({4, 1, 32, 32}, DType::f32, &gen);
  std::vector<float> y(4 * 14, 0.0f);
  y[0 * 14 + 12] = 1.0f;  // image 0 has rare class 12, image 1 common class 0
  y[1 * 14 + 0] = 1.0f;
  const Tensor labels = Tensor::from_vector(y, {4, 14});
  model.eval();
  model.run(x, labels);
  CHECK(model.memory().filled_slots() == 0);
  model.train();
  CHECK_FALSE(model.run(x, labels).aux_loss.defined());  // nothing to pull towards yet
  CHECK(model.memory().filled.to_vector() == std::vector<double>{0, 0, 1, 0});
  const ModelOutput second = model.run(x, labels);
  REQUIRE(second.aux_loss.defined());
  CHECK(second.aux_loss.item() >= 0.0);
  CHECK(contains(error_of([&] { model.run(x, Tensor::zeros({4, 3})); }),
                 "labels must be the (N, C) = (4, 14) targets"));
  // Class indices work as labels too (a multi-class batch).
  model.run(x, Tensor::from_vector(std::vector<float>{13, 0, 1, 2}, {4}));
  CHECK(model.memory().filled.to_vector() == std::vector<double>{0, 0, 1, 1});
}

TEST_CASE("dual_stream: attention fusion's gradients match finite differences; the reconstruction is the aux loss") {
  StreamFusion fusion(5, 3, 4);
  testing::randomize_parameters(fusion, 5);
  Generator gen(6);
  auto r = testing::check_block(
      {&fusion.proj_stream->weight, &fusion.proj_stream->bias, &fusion.proj_bottleneck->weight,
       &fusion.proj_bottleneck->bias, &fusion.attention->proj->weight, &fusion.attention->proj->bias,
       &fusion.attention->score->weight},
      {randn({2, 5}, DType::f64, &gen), randn({2, 3}, DType::f64, &gen)},
      [&](const std::vector<Tensor>& in) { return fusion.fuse(in[0], in[1]); });
  INFO(r.detail);
  CHECK(r.ok);

  // The autoencoder returns images of the input's size even when 8 does not divide it.
  ConvAutoencoder ae(1, 4);
  const Tensor x = randn({2, 1, 29, 37}, DType::f32, &gen);
  CHECK(ae.decode(ae.encode(x), 29, 37).shape() == Shape{2, 1, 29, 37});

  auto model =
      create_model("dual_stream?width=4&stream=mobilenet_v2&recon_weight=2", {.in_channels = 1, .num_classes = 2}, gen);
  model->train();
  const ModelOutput out = model->run(x);
  REQUIRE(out.aux_loss.defined());
  // aux = 2 · mean squared error of the reconstruction, recomputed here from the autoencoder itself.
  auto& auto_encoder = dynamic_cast<ConvAutoencoder&>(model->at("autoencoder"));
  autograd::NoGrad no_grad;
  // Batch norm in training mode normalizes with this batch's statistics, so the same batch reconstructs the same.
  const double mse = mean(pow(auto_encoder.decode(auto_encoder.encode(x), 29, 37) - x, 2.0)).item();
  CHECK(out.aux_loss.item() == doctest::Approx(2 * mse).epsilon(1e-5));
  model->eval();
  CHECK_FALSE(model->run(x).aux_loss.defined());
}
