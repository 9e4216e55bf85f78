// Loader throughput: images/s of decode + preprocessing + augmentation through the threaded loader, as
// training would consume them. Behind `thorax data throughput` and `thorax bench loader` (issue 5 asks for
// at least 4× the resnet18 training-step rate at 224 px on 2 threads).
#pragma once
#include <cstdint>
#include <string>

#include "data/dataset.h"
#include "data/pipeline.h"

namespace thorax::bench {

// Resize to size + 32 (area), CLAHE (clip 2.0, 8×8 tiles), normalize (unit); augmentation then crops to size.
data::Pipeline loader_bench_pipeline(int size);

struct LoaderRateOptions {
  data::Pipeline pipeline;        // what the images go through (e.g. loader_bench_pipeline(size))
  std::string augment = "train";  // none, train, simclr (simclr: two views per image)
  int size = 224;                 // augmentation output size
  int batch = 32;
  int threads = 2;
  int64_t images = 512;  // the dataset's first `images` samples (0: all)
};

struct LoaderRate {
  int64_t images = 0;  // images delivered (each with two views under simclr)
  double seconds = 0;
  double images_per_second = 0;
  bool two_views = false;
};

// One epoch (shuffled, seed 0) over the dataset's first samples; the time runs from the epoch's start to its last batch.
LoaderRate measure_loader(const data::Dataset& dataset, const LoaderRateOptions& options);

}  // namespace thorax::bench
