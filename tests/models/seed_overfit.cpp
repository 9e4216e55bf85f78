// Each seed architecture, at its tiny test size, fits a batch of 8 real radiographs (Kermany: 3 normal, 3 bacterial
// and 2 viral pneumonia, 32×32 gray) to a near-zero cross-entropy — the check that every part of the model can
// learn together. A program of its own so that it can skip (exit 77) when the shared data is absent.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "autograd/ops.h"
#include "data/image.h"
#include "data/transforms.h"
#include "models/registry.h"
#include "nn/adam.h"
#include "tests/models/seed_fixtures.h"

using namespace thorax;
namespace fs = std::filesystem;

namespace {

constexpr int kRes = 32;

struct Batch {
  Tensor images, classes;
};

// The first images (by name) of each class: NORMAL, then PNEUMONIA files named "bacteria" and "virus".
Batch kermany_batch() {
  const fs::path root = fs::path(THORAX_DATA_DIR) / "kermany" / "train";
  if (!fs::is_directory(root / "NORMAL") || !fs::is_directory(root / "PNEUMONIA")) {
    std::printf("skipping: the Kermany images are not at %s (THORAX_DATA_DIR)\n", root.c_str());
    std::_Exit(77);
  }
  auto first = [](const fs::path& dir, const std::string& part, size_t n) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().filename().string().find(part) != std::string::npos) names.push_back(e.path().string());
    std::sort(names.begin(), names.end());
    REQUIRE(names.size() >= n);
    names.resize(n);
    return names;
  };
  std::vector<std::pair<std::string, int>> picks;
  for (const auto& p : first(root / "NORMAL", "", 3)) picks.emplace_back(p, 0);
  for (const auto& p : first(root / "PNEUMONIA", "bacteria", 3)) picks.emplace_back(p, 1);
  for (const auto& p : first(root / "PNEUMONIA", "virus", 2)) picks.emplace_back(p, 2);
  std::vector<float> pixels, classes;
  for (const auto& [path, cls] : picks) {
    const data::Image im = data::resize(data::read_image(path, 1), kRes, kRes, data::ResizeMethod::area);
    for (float v : im.pixels) pixels.push_back((v - 0.5f) / 0.25f);
    classes.push_back(static_cast<float>(cls));
  }
  const int64_t n = static_cast<int64_t>(picks.size());
  return {Tensor::from_vector(pixels, {n, 1, kRes, kRes}), Tensor::from_vector(classes, {n}).to(DType::i64)};
}

}  // namespace

TEST_CASE("seed models overfit 8 real radiographs to a near-zero loss") {
  const Batch b = kermany_batch();
  for (const auto& m : testing::tiny_seed_models()) {
    INFO(m.spec);
    Generator gen(7);
    auto model = models::create_model(m.spec, {.in_channels = 1, .num_classes = 3}, gen);
    model->train();
    nn::Adam adam({{model->parameters(), 1e-2, 0.0}});
    const auto start = std::chrono::steady_clock::now();
    double loss = 0;
    int step = 0;
    for (; step < 200; ++step) {
      adam.zero_grad();
      const models::ModelOutput out = model->run(b.images, b.classes);
      const Tensor ce = cross_entropy(out.logits, b.classes);
      loss = ce.item();
      if (loss < 0.01) break;
      autograd::backward(out.aux_loss.defined() ? ce + out.aux_loss : ce);
      adam.step();
    }
    std::printf("%-48s cross-entropy %.4f after %d Adam steps (%.1f s)\n", m.spec.c_str(), loss, step,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    CHECK(loss < 0.01);
  }
}
