// Data-parallel training (`mpirun -np N thorax train --distributed ...`): every rank holds the same model and
// trains on its shard of each global batch (data::LoaderOptions::shard); after backward the gradients are
// summed over the ranks, so every rank takes the same optimizer step that one process would take on the whole
// batch. Each rank scales its loss by its share of the batch (local images / global images) before backward,
// which makes the plain sum of the ranks' gradients the gradient of the global batch's mean loss — also with
// synchronized batch norm, whose backward needs the true per-value gradients of the global loss.
#pragma once
#include <vector>

#include "nn/module.h"
#include "train/comm/communicator.h"

namespace thorax::train {

class DataParallel {
 public:
  // Gradients travel in buckets of at most `bucket_floats` values, all in flight at once.
  explicit DataParallel(Communicator& comm, size_t bucket_floats = size_t{4} << 20);

  int rank() const { return comm_.rank(); }
  int size() const { return comm_.size(); }
  bool writer() const { return comm_.rank() == 0; }  // rank 0 writes checkpoints, logs and the report
  Communicator& comm() { return comm_; }

  // Rank 0's values of every tensor (parameters and buffers), copied to every rank.
  void broadcast(const nn::NamedTensors& tensors);
  // Sums the gradients of `params` over the ranks, in place. Parameters without a gradient (frozen) are skipped;
  // every rank must have gradients for the same parameters, which is checked.
  void sum_gradients(const std::vector<Tensor>& params);
  // Sums of a few numbers over the ranks (epoch totals).
  std::vector<double> sum(std::vector<double> values);
  // Rank 0's value of a few numbers on every rank (decisions taken from rank 0's validation).
  std::vector<double> from_writer(std::vector<double> values);
  // Turns synchronized batch norm on or off (autograd/normalization.h) for this job's communicator.
  void sync_batch_norm(bool on);

 private:
  Communicator& comm_;
  size_t bucket_floats_;
  std::vector<float> buffer_;
};

}  // namespace thorax::train
