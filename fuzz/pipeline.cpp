// The preprocessing pipeline JSON (data/pipeline.cpp) — what a weights file's model card carries and `predict`
// runs on every image, so it is untrusted input. Parse errors must name the pipeline. A pipeline that parses is run
// on a small image and lung mask: it may refuse that image (a tile grid larger than it), but never crash. Sizes the
// parser lets through are bounded by the image size limit; runs asking for more than 1024 pixels a side are skipped
// only to keep the fuzzer fast.
#include "data/pipeline.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  thorax::data::Pipeline p;
  try {
    p = thorax::data::Pipeline::parse(thorax::fuzz::as_string(data, size));
  } catch (const std::exception& e) {
    thorax::fuzz::expect_named(e, "pipeline");
    return 0;
  }
  for (const auto& step : p.steps())
    if (step.height > 1024 || step.width > 1024) return 0;
  thorax::data::Image img(1, 12, 10);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<float>(i % 7) / 7.0f;
  thorax::data::Image lungs(1, 12, 10, 1.0f);
  try {
    p.run(img, {}, &lungs);
  } catch (const std::exception&) {
  }
  return 0;
}
