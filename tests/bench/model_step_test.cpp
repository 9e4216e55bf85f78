// The model step harness behind `thorax bench model`, at tiny sizes: what a step runs (the profile's op
// counts show the forward, the backward, the auxiliary loss and the Adam step), what it reports, and its errors.
#include <doctest/doctest.h>

#include <string>

#include "bench/model_step.h"
#include "tests/bench/helpers.h"

using namespace thorax;
using bench_test::error_of;
using bench_test::find_op;

namespace {

bench::ModelStepOptions tiny(const std::string& model, int64_t res) {
  bench::ModelStepOptions o;
  o.model = model;
  o.batch = 2;
  o.res = res;
  o.warmup = 1;
  o.steps = 2;
  return o;
}

}  // namespace

TEST_CASE("NAME@RES names a model of the registry and its own resolution") {
  CHECK(bench::parse_model_at_res("inception_v3@299", 224).model == "inception_v3");
  CHECK(bench::parse_model_at_res("inception_v3@299", 224).res == 299);
  CHECK(bench::parse_model_at_res("resnet18", 224).res == 224);
  CHECK(error_of([] { bench::parse_model_at_res("resnet19", 224); }).find("unknown model 'resnet19' (known: resnet18") !=
        std::string::npos);
  for (const char* bad : {"resnet18@", "resnet18@x", "resnet18@0", "resnet18@12px"})
    CHECK(error_of([&] { bench::parse_model_at_res(bad, 224); }).find("must be a resolution in pixels") !=
          std::string::npos);
}

TEST_CASE("median of an odd and of an even count") {
  CHECK(bench::median({3, 1, 2}) == 2);
  CHECK(bench::median({4, 1, 3, 2}) == 2.5);
  CHECK_THROWS_AS(bench::median({}), std::invalid_argument);
}

TEST_CASE("a training step runs forward, cross-entropy, backward through every layer, and Adam") {
  bench::ModelStepOptions o = tiny("resnet18", 32);
  o.profile = true;
  const bench::PhaseResult r = bench::run_phase(o, bench::Phase::train);
  REQUIRE(r.seconds.size() == 2);  // the warm-up step is not timed
  CHECK(r.median_seconds == bench::median(r.seconds));
  CHECK(r.images_per_second == doctest::Approx(2.0 / r.median_seconds));
  CHECK(r.peak_rss_bytes > 10 * 1024 * 1024);  // a real process holding a ResNet-18 and its Adam state
  REQUIRE(r.profiled);
  // ResNet-18: 20 convolutions (17 in the blocks, 3 downsampling 1×1) and 20 batch norms per step, forward and
  // backward; 62 parameters receive a gradient; one cross-entropy.
  const auto& ops = r.breakdown.ops;
  REQUIRE(find_op(ops, "conv2d") != nullptr);
  CHECK(find_op(ops, "conv2d")->forward_calls == 2 * 20);
  CHECK(find_op(ops, "conv2d")->backward_calls == 2 * 20);
  CHECK(find_op(ops, "batch_norm")->backward_calls == 2 * 20);
  CHECK(find_op(ops, "AccumulateGrad")->backward_calls == 2 * 62);
  CHECK(find_op(ops, "cross_entropy")->forward_calls == 2);
  CHECK(r.breakdown.optimizer > 0);
  double parts = r.breakdown.forward + r.breakdown.loss + r.breakdown.backward + r.breakdown.optimizer;
  double whole = r.seconds[0] + r.seconds[1];
  CHECK(parts <= whole);
  CHECK(parts > 0.5 * whole);
}

TEST_CASE("inception_v3's training step adds its auxiliary head's loss") {
  bench::ModelStepOptions o = tiny("inception_v3", 299);  // the auxiliary head needs 299 px
  o.warmup = 0;
  o.steps = 1;
  o.profile = true;
  const bench::PhaseResult r = bench::run_phase(o, bench::Phase::train);
  CHECK(find_op(r.breakdown.ops, "cross_entropy")->forward_calls == 2);
  CHECK(find_op(r.breakdown.ops, "cross_entropy")->backward_calls == 2);
}

TEST_CASE("inference runs without a graph and reports like a training step") {
  bench::ModelStepOptions o = tiny("mobilenet_v2", 32);
  o.profile = true;  // ignored for inference: nothing records
  const bench::PhaseResult r = bench::run_phase(o, bench::Phase::infer);
  CHECK(r.seconds.size() == 2);
  CHECK(!r.profiled);
  CHECK(r.images_per_second == doctest::Approx(2.0 / r.median_seconds));

  const bench::PhaseResult back = bench::phase_from_json(bench::to_json(r), bench::Phase::infer);
  CHECK(r.num_classes == 1000);  // torchvision's default, as compare_models.py checks on its side
  CHECK(back.num_classes == r.num_classes);
  CHECK(back.seconds == r.seconds);
  CHECK(back.median_seconds == r.median_seconds);
  CHECK(back.peak_rss_bytes == r.peak_rss_bytes);
}

TEST_CASE("a profiled result survives JSON (what a measuring child process sends back)") {
  bench::ModelStepOptions o = tiny("resnet18", 32);
  o.warmup = 0;
  o.steps = 1;
  o.profile = true;
  const bench::PhaseResult r = bench::run_phase(o, bench::Phase::train);
  const bench::PhaseResult back = bench::phase_from_json(bench::to_json(r), bench::Phase::train);
  REQUIRE(back.profiled);
  CHECK(back.breakdown.backward == r.breakdown.backward);
  REQUIRE(back.breakdown.ops.size() == r.breakdown.ops.size());
  CHECK(back.breakdown.ops[0].name == r.breakdown.ops[0].name);
  CHECK(back.breakdown.ops[0].forward_calls == r.breakdown.ops[0].forward_calls);
  CHECK(back.breakdown.ops[0].backward_seconds == r.breakdown.ops[0].backward_seconds);
}

TEST_CASE("bad sizes are errors that say what is wrong") {
  bench::ModelStepOptions o = tiny("resnet18", 32);
  o.steps = 0;
  CHECK(error_of([&] { bench::run_phase(o, bench::Phase::infer); }).find("steps must be at least 1") !=
        std::string::npos);
  o = tiny("inception_v3", 40);
  CHECK(error_of([&] { bench::run_phase(o, bench::Phase::infer); }).find("needs images of at least 75x75") !=
        std::string::npos);
}
