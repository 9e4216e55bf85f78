#include "data/loader.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include "data/random.h"

namespace thorax::data {

Loader::Loader(const Dataset& dataset, std::vector<size_t> indices, LoaderOptions options)
    : dataset_(dataset), indices_(std::move(indices)), options_(std::move(options)) {
  if (options_.batch_size < 1) throw std::invalid_argument("loader: batch size must be at least 1");
  if (options_.channels != 1 && options_.channels != 3) throw std::invalid_argument("loader: channels must be 1 or 3");
  for (size_t i : indices_)
    if (i >= dataset_.size())
      throw std::out_of_range("loader: sample index " + std::to_string(i) + " is past the end of " + dataset_.spec);
  if (options_.shards < 1 || options_.shard < 0 || options_.shard >= options_.shards)
    throw std::invalid_argument("loader: shard " + std::to_string(options_.shard) + " of " +
                                std::to_string(options_.shards) + " does not exist");
  if (options_.shards > 1 && options_.batch_size < options_.shards)
    throw std::invalid_argument("loader: a batch of " + std::to_string(options_.batch_size) + " cannot be split over " +
                                std::to_string(options_.shards) + " processes: use a batch of at least one per process");
  if (options_.shards > 1 && options_.mixup_alpha > 0)
    throw std::invalid_argument("loader: mixup pairs images across the whole batch, so it cannot be sharded over "
                                "processes (turn mixup off for distributed training)");
  if (options_.cache) cache_.resize(dataset_.size());
  std::vector<PipelineStep> steps = options_.pipeline.steps();
  if (!steps.empty() && steps.back().op == "normalize") {
    after_augment_ = Pipeline({steps.back()});
    steps.pop_back();
  }
  before_augment_ = Pipeline(steps);
}

Loader::~Loader() { stop_workers(); }

void Loader::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

int64_t Loader::batches_per_epoch() const {
  const int64_t n = size(), b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

void Loader::start_epoch(int64_t epoch) {
  stop_workers();
  epoch_ = epoch;
  order_ = indices_;
  if (options_.shuffle) {
    Rng rng(options_.seed, stream_id(21, static_cast<uint64_t>(epoch)));
    rng.shuffle(order_);
  }
  next_to_build_ = next_to_deliver_ = 0;
  ready_.clear();
  error_ = nullptr;
  stopping_ = false;
  for (int t = 0; t < std::max(1, options_.threads); ++t) workers_.emplace_back(&Loader::worker, this);
}

void Loader::worker() {
  for (;;) {
    int64_t b;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || next_to_build_ >= batches_per_epoch() ||
               next_to_build_ < next_to_deliver_ + std::max(1, options_.prefetch);
      });
      if (stopping_ || next_to_build_ >= batches_per_epoch()) return;
      b = next_to_build_++;
    }
    try {
      Batch batch = build(b);
      std::lock_guard<std::mutex> lock(mutex_);
      ready_[b] = std::move(batch);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_ || b < error_batch_) {
        error_ = std::current_exception();
        error_batch_ = b;
      }
      stopping_ = true;
    }
    changed_.notify_all();
  }
}

bool Loader::next(Batch& out) {
  if (workers_.empty() && next_to_deliver_ == 0) start_epoch(epoch_);
  std::unique_lock<std::mutex> lock(mutex_);
  if (next_to_deliver_ >= batches_per_epoch()) return false;
  // In order, whatever the threads' timing: a failed batch is reported when its turn comes, after the batches
  // before it (already claimed by workers, so they finish even while stopping).
  changed_.wait(lock, [&] { return ready_.count(next_to_deliver_) || (error_ && next_to_deliver_ >= error_batch_); });
  if (!ready_.count(next_to_deliver_)) std::rethrow_exception(error_);
  out = std::move(ready_[next_to_deliver_]);
  ready_.erase(next_to_deliver_++);
  lock.unlock();
  changed_.notify_all();
  return true;
}

Image Loader::prepared(size_t index) const {
  if (options_.cache) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cache_[index]) return *cache_[index];
  }
  Image img;
  if (before_augment_.needs_lung_mask()) {
    const Image mask = dataset_.load_lung_mask(index);
    img = before_augment_.run(dataset_.load_image(index, options_.channels), {}, &mask);
  } else {
    img = before_augment_.run(dataset_.load_image(index, options_.channels));
  }
  if (options_.cache) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    cache_[index] = std::make_shared<const Image>(img);
  }
  return img;
}

Image Loader::input(size_t index, int64_t epoch, int view) const {
  Image img = prepared(index);
  Rng rng(options_.seed, stream_id(static_cast<uint64_t>(epoch), index, static_cast<uint64_t>(view) + 1));
  if (options_.augment.active() || options_.augment.out_h > 0) img = augment(img, options_.augment, rng);
  return after_augment_.run(img);
}

Batch Loader::build(int64_t b) const {
  const int64_t n = size(), bs = options_.batch_size;
  const int64_t whole = std::min(bs, n - b * bs);
  // This process's slice of the batch: the first (whole mod shards) slices hold one image more.
  const int64_t share = whole / options_.shards, extra = whole % options_.shards, r = options_.shard;
  const int64_t first = b * bs + r * share + std::min<int64_t>(r, extra), count = share + (r < extra ? 1 : 0);
  if (count == 0)
    throw std::runtime_error("loader: the last batch of " + std::to_string(whole) + " images leaves process " +
                             std::to_string(r) + " none (use drop_last or a batch size that divides the data)");
  Batch batch;
  batch.global_size = whole;
  const int k = dataset_.labels.size();
  batch.targets = Tensor::zeros({count, k});
  batch.masks = Tensor::zeros({count, k});
  for (int view = 0; view < (options_.two_views ? 2 : 1); ++view) {
    Tensor images;
    for (int64_t j = 0; j < count; ++j) {
      const size_t index = order_[first + j];
      Image img;
      try {
        img = input(index, epoch_, view);
      } catch (const std::exception& e) {
        throw std::runtime_error(std::string(e.what()) + " (while loading " + dataset_.spec +
                                 "; `thorax data check` lists every damaged file)");
      }
      if (!images.defined()) images = Tensor::empty({count, img.channels, img.height, img.width});
      const auto& s = images.shape();
      if (img.channels != s[1] || img.height != s[2] || img.width != s[3])
        throw std::runtime_error("loader: " + dataset_.samples[index].id + " came out " + std::to_string(img.channels) +
                                 "x" + std::to_string(img.height) + "x" + std::to_string(img.width) +
                                 " but the batch holds " + shape_str({s[1], s[2], s[3]}) +
                                 " images: add a resize (or center_crop) step to the pipeline");
      std::memcpy(images.data<float>() + j * img.pixels.size(), img.pixels.data(), img.pixels.size() * sizeof(float));
    }
    (view == 0 ? batch.images : batch.views2) = images;
  }
  float* t = batch.targets.data<float>();
  float* m = batch.masks.data<float>();
  for (int64_t j = 0; j < count; ++j) {
    const Sample& s = dataset_.samples[order_[first + j]];
    batch.indices.push_back(order_[first + j]);
    for (int c = 0; c < k; ++c) {
      t[j * k + c] = s.target[c];
      m[j * k + c] = s.mask[c];
    }
  }
  if (options_.mixup_alpha > 0) mixup(batch, b);
  return batch;
}

void Loader::mixup(Batch& batch, int64_t b) const {
  const int64_t n = batch.targets.size(0), k = batch.targets.size(1);
  Rng rng(options_.seed, stream_id(static_cast<uint64_t>(epoch_), static_cast<uint64_t>(b), 41));
  const float lambda = static_cast<float>(rng.beta(options_.mixup_alpha, options_.mixup_alpha));
  batch.mixup_lambda = lambda;
  batch.mixup_partner.resize(n);
  for (int64_t j = 0; j < n; ++j) batch.mixup_partner[j] = static_cast<size_t>(j);
  rng.shuffle(batch.mixup_partner);
  auto mix = [&](Tensor& x, int64_t per_row, bool as_mask) {
    if (!x.defined()) return;
    const std::vector<float> before(x.data<float>(), x.data<float>() + n * per_row);
    float* out = x.data<float>();
    for (int64_t j = 0; j < n; ++j) {
      const float* own = &before[j * per_row];
      const float* other = &before[batch.mixup_partner[j] * per_row];
      for (int64_t i = 0; i < per_row; ++i)
        out[j * per_row + i] = as_mask ? std::min(own[i], other[i]) : lambda * own[i] + (1.0f - lambda) * other[i];
    }
  };
  mix(batch.images, batch.images.numel() / n, false);
  mix(batch.views2, batch.views2.defined() ? batch.views2.numel() / n : 0, false);
  mix(batch.targets, k, false);
  mix(batch.masks, k, true);
}

}  // namespace thorax::data
