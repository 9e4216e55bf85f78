// The threaded prefetching loader: batches of N×C×H×W float32 images with their targets and loss masks.
//
// Workers build whole batches ahead of the consumer (up to `prefetch` batches), each sample drawing its
// augmentation from its own stream (seed, epoch, sample, view): the batches of an epoch are the same for any
// number of threads. An image that fails to decode stops the epoch with an error naming it (run `thorax data
// check` first to find such files); nothing is dropped silently.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "data/augment.h"
#include "data/dataset.h"
#include "data/pipeline.h"
#include "tensor/tensor.h"

namespace thorax::data {

struct LoaderOptions {
  int batch_size = 32;
  bool shuffle = true;
  bool drop_last = false;
  uint64_t seed = 0;
  int threads = 2;
  int prefetch = 4;        // batches built ahead
  int channels = 1;        // decode to 1 or 3 channels (the pipeline may still convert)
  Pipeline pipeline = default_pipeline(224);
  AugmentConfig augment;   // runs just before the pipeline's normalize step
  bool two_views = false;  // SimCLR: two independently augmented views of each image
  bool cache = false;      // keep pre-augmentation pipeline outputs in memory (float32: 4·C·H·W bytes each)
  // Mixup (Zhang et al. 2018): each batch becomes λ·batch + (1 − λ)·(the batch in a shuffled order), targets alike,
  // with λ ~ Beta(α, α) drawn per batch; a label counts in the loss only where both images' masks allow it. 0: off.
  double mixup_alpha = 0.0;
  // Data-parallel training: this process builds only slice `shard` of `shards` equal, contiguous slices of each
  // batch (the first ones one image larger when the batch does not divide), so the ranks together see exactly
  // the batches one process would. Every rank must give the same indices, seed and batch size.
  int shard = 0, shards = 1;
};

struct Batch {
  Tensor images;  // N×C×H×W float32 (the first view)
  Tensor views2;  // N×C×H×W, only with two_views
  Tensor targets; // N×K float32
  Tensor masks;   // N×K float32: 1 where the label counts in the loss
  std::vector<size_t> indices;  // dataset sample indices
  double mixup_lambda = 1.0;    // the weight of `indices`' own images (1 without mixup)
  std::vector<size_t> mixup_partner;  // position in this batch of the image each one was mixed with
  int64_t global_size = 0;  // images in the whole batch of which this is one shard (= N without sharding)
};

class Loader {
 public:
  Loader(const Dataset& dataset, std::vector<size_t> indices, LoaderOptions options);
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  // Starts (or restarts) an epoch: the order is shuffled with (seed, epoch) when shuffling.
  void start_epoch(int64_t epoch);
  // The next batch of the epoch; false when the epoch is over. Rethrows a worker's error.
  bool next(Batch& out);
  int64_t batches_per_epoch() const;
  int64_t size() const { return static_cast<int64_t>(indices_.size()); }

  // The model input of dataset sample `index` as a batch of `epoch` would hold it (view 0 or 1), computed on the
  // calling thread: for previews and tests.
  Image input(size_t index, int64_t epoch, int view) const;

 private:
  void stop_workers();
  void worker();
  Batch build(int64_t batch) const;
  void mixup(Batch& batch, int64_t b) const;
  Image prepared(size_t index) const;  // pipeline output before augmentation (cached when asked)

  const Dataset& dataset_;
  std::vector<size_t> indices_;
  LoaderOptions options_;
  Pipeline before_augment_, after_augment_;  // the pipeline split at its final normalize step
  std::vector<size_t> order_;  // this epoch's sample order
  int64_t epoch_ = 0;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> workers_;
  int64_t next_to_build_ = 0, next_to_deliver_ = 0;
  bool stopping_ = false;
  std::map<int64_t, Batch> ready_;
  std::exception_ptr error_;
  int64_t error_batch_ = 0;  // the earliest batch that failed: the batches before it are still delivered

  mutable std::mutex cache_mutex_;
  mutable std::vector<std::shared_ptr<const Image>> cache_;
};

}  // namespace thorax::data
