// The training loop on phantoms at toy size: resume reproduces an uninterrupted run exactly, the run directory
// holds what the Contracts list, schedules follow their formulas, and bad configurations are refused by name.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "nn/weights_file.h"
#include "train/lr_schedule.h"
#include "train/experiment.h"
#include "train/objective.h"
#include "train/run_dir.h"
#include "train/trainer.h"

using namespace thorax;
using namespace thorax::train;

namespace {

std::string scratch_dir(const std::string& name) {
  const auto p = std::filesystem::temp_directory_path() / ("thorax_train_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(p);
  return p.string();
}

TrainConfig toy_config(const std::string& cache) {
  TrainConfig c;
  c.data = "embedded?n=48&res=64&seed=5&cache=" + cache;
  c.model = "resnet18";
  c.resolution = 32;
  c.epochs = 3;
  c.batch_size = 8;
  c.lr = 1e-3;
  c.augment = "train";
  c.threads = 2;
  c.seed = 11;
  return c;
}

TrainRunOptions quiet(bool resume = false, int64_t stop_after = 0) {
  TrainRunOptions o;
  o.resume = resume;
  o.stop_after_epochs = stop_after;
  o.print = [](const std::string&) {};
  return o;
}

}  // namespace

TEST_CASE("resume from checkpoint-last gives the same weights as an uninterrupted run") {
  const std::string cache = scratch_dir("cache");
  const TrainConfig c = toy_config(cache);
  const std::string a = scratch_dir("a"), b = scratch_dir("b");
  const TrainSummary full = train_run(c, a, quiet());
  CHECK(full.epochs_total == 3);
  CHECK(full.stop_reason == "finished");

  const TrainSummary first = train_run(c, b, quiet(false, 1));
  CHECK(first.epochs_total == 1);
  TrainConfig only_out;  // a resumed run takes its configuration from config.json
  const TrainSummary rest = train_run(only_out, b, quiet(true));
  CHECK(rest.epochs_run == 2);
  CHECK(rest.epochs_total == 3);

  const nn::WeightsFile wa = nn::read_weights(RunDir(a).checkpoint_last());
  const nn::WeightsFile wb = nn::read_weights(RunDir(b).checkpoint_last());
  REQUIRE(wa.tensors.size() == wb.tensors.size());
  int64_t differing = 0, compared = 0;
  for (size_t i = 0; i < wa.tensors.size(); ++i) {
    REQUIRE(wa.tensors[i].first == wb.tensors[i].first);
    const auto va = wa.tensors[i].second.to_vector(), vb = wb.tensors[i].second.to_vector();
    for (size_t j = 0; j < va.size(); ++j, ++compared) differing += va[j] != vb[j];
  }
  CHECK(compared > 1000000);
  CHECK(differing == 0);
  // metrics.jsonl: one line per epoch, the resumed run's history continuing the first part's.
  const auto ha = read_jsonl_file(RunDir(a).metrics()), hb = read_jsonl_file(RunDir(b).metrics());
  REQUIRE(hb.size() == 3);
  for (size_t e = 0; e < 3; ++e) {
    CHECK(hb[e]["train_loss"] == ha[e]["train_loss"]);
    CHECK(hb[e]["val_loss"] == ha[e]["val_loss"]);
  }

  // The run directory of the Contracts.
  for (const char* f : {"config.json", "split.json", "metrics.jsonl", "checkpoint-last.safetensors",
                        "checkpoint-best.safetensors", "predictions.csv"})
    CHECK_MESSAGE(RunDir(a).has(f), f);
  // A second `train` into the same folder is refused rather than overwriting the run.
  CHECK_THROWS_WITH_AS(train_run(c, a, quiet()), doctest::Contains("already holds a run"), std::runtime_error);
  for (const auto& d : {a, b, cache}) std::filesystem::remove_all(d);
}

TEST_CASE("learning-rate schedules: warm-up, cosine to zero, plateau steps") {
  LrSchedule cosine("cosine", 100, 10, 0, 0.1);
  CHECK(cosine.factor(0) == doctest::Approx(0.1));
  CHECK(cosine.factor(9) == doctest::Approx(1.0));
  CHECK(cosine.factor(10) == doctest::Approx(1.0));
  CHECK(cosine.factor(55) == doctest::Approx(0.5));
  CHECK(cosine.factor(100) == doctest::Approx(0.0));
  LrSchedule plateau("plateau", 100, 0, 1, 0.5);
  plateau.end_epoch(true);
  plateau.end_epoch(false);
  CHECK(plateau.factor(50) == doctest::Approx(1.0));  // one bad epoch is within the patience
  plateau.end_epoch(false);
  CHECK(plateau.factor(50) == doctest::Approx(0.5));
  LrSchedule restored("plateau", 100, 0, 1, 0.5);
  restored.load_state(plateau.state());
  CHECK(restored.factor(0) == doctest::Approx(0.5));
}

TEST_CASE("bad configurations name the option") {
  TrainConfig c = toy_config(scratch_dir("unused"));
  c.optimizer = "adagrad";
  CHECK_THROWS_WITH_AS(c.check(), doctest::Contains("--optimizer 'adagrad' is not one of: sgd, adam, adamw"),
                       std::runtime_error);
  c = toy_config("");
  c.label_fraction = 0;
  CHECK_THROWS_WITH_AS(c.check(), doctest::Contains("--label-fraction"), std::runtime_error);
  c = toy_config("");
  c.unfreeze_after = 2;
  CHECK_THROWS_WITH_AS(c.check(), doctest::Contains("--unfreeze-after needs --freeze-encoder"), std::runtime_error);
  // The config survives its JSON round trip.
  c = toy_config("x");
  c.loss = "focal";
  c.epochs = 7;
  const TrainConfig back = TrainConfig::from_json(c.to_json());
  CHECK(back.to_json() == c.to_json());
}

TEST_CASE("--shuffle-labels permutes the labels among train and val images; test labels stay true") {
  TrainConfig c = toy_config(scratch_dir("cache"));
  const Experiment plain = prepare_experiment(c, RunDir(scratch_dir("plain")));
  c.shuffle_labels = true;
  const Experiment shuffled = prepare_experiment(c, RunDir(scratch_dir("shuffled")));
  REQUIRE(plain.split == shuffled.split);
  std::multiset<std::vector<float>> before, after;
  size_t moved = 0;
  for (size_t i = 0; i < plain.dataset.size(); ++i) {
    const auto& a = plain.dataset.samples[i].target;
    const auto& b = shuffled.dataset.samples[i].target;
    if (plain.split[i] == "train" || plain.split[i] == "val") {
      before.insert(a);
      after.insert(b);
      moved += a != b;
    } else {
      CHECK(a == b);  // test (and unused) images keep their labels
    }
  }
  CHECK(before == after);  // a permutation: the same labels, other images
  CHECK(moved > 0);
}
