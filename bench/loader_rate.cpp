#include "bench/loader_rate.h"

#include <chrono>
#include <stdexcept>

#include "data/augment.h"
#include "data/loader.h"

namespace thorax::bench {

data::Pipeline loader_bench_pipeline(int size) {
  return data::Pipeline::parse(R"([{"op": "resize", "size": )" + std::to_string(size + 32) +
                               R"(}, {"op": "clahe", "clip_limit": 2.0, "tiles": [8, 8]},)"
                               R"( {"op": "normalize", "preset": "unit"}])");
}

LoaderRate measure_loader(const data::Dataset& dataset, const LoaderRateOptions& o) {
  if (dataset.size() == 0) throw std::invalid_argument(dataset.spec + " has no usable samples to time the loader on");
  data::LoaderOptions lo;
  lo.pipeline = o.pipeline;
  lo.augment = data::augment_preset(o.augment, o.size, o.size);
  lo.batch_size = o.batch;
  lo.threads = o.threads;
  lo.two_views = o.augment == "simclr";
  std::vector<size_t> indices;
  for (size_t i = 0; i < dataset.size() && (o.images == 0 || static_cast<int64_t>(i) < o.images); ++i)
    indices.push_back(i);
  data::Loader loader(dataset, indices, lo);
  const auto t0 = std::chrono::steady_clock::now();
  loader.start_epoch(0);
  data::Batch b;
  LoaderRate r;
  r.two_views = lo.two_views;
  while (loader.next(b)) r.images += b.images.size(0);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.images_per_second = static_cast<double>(r.images) / r.seconds;
  return r;
}

}  // namespace thorax::bench
