#include "train/data_parallel.h"

#include <cstring>
#include <stdexcept>

#include "autograd/normalization.h"
#include "tensor/dtype.h"

namespace thorax::train {

DataParallel::DataParallel(Communicator& comm, size_t bucket_floats) : comm_(comm), bucket_floats_(bucket_floats) {}

void DataParallel::broadcast(const nn::NamedTensors& tensors) {
  for (const auto& [name, t] : tensors) {
    if (!t.is_contiguous()) throw std::logic_error("data-parallel broadcast: " + name + " is not contiguous");
    uint8_t* bytes = reinterpret_cast<uint8_t*>(t.storage()->data()) + t.offset() * dtype_size(t.dtype());
    comm_.broadcast({bytes, static_cast<size_t>(t.numel()) * dtype_size(t.dtype())}, 0);
  }
}

void DataParallel::sum_gradients(const std::vector<Tensor>& params) {
  std::vector<Tensor> with_grad;
  size_t total = 0;
  for (const Tensor& p : params) {
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    if (g.dtype() != DType::f32) throw std::logic_error("data-parallel training sums float32 gradients only");
    with_grad.push_back(p);
    total += static_cast<size_t>(g.numel());
  }
  // Ranks that disagree on which parameters have gradients would sum unrelated numbers: refuse.
  std::vector<double> check = sum({static_cast<double>(total)});
  if (check[0] != static_cast<double>(total) * comm_.size())
    throw std::runtime_error("data-parallel: the ranks have gradients of different sizes (this rank " +
                             std::to_string(total) + " values): they are not training the same model");

  buffer_.resize(total);
  size_t at = 0;
  for (const Tensor& p : with_grad) {
    const Tensor c = p.grad().contiguous();
    std::memcpy(buffer_.data() + at, c.data<float>(), c.numel() * sizeof(float));
    at += c.numel();
  }
  std::vector<std::span<float>> buckets;
  for (size_t b = 0; b < total; b += bucket_floats_)
    buckets.emplace_back(buffer_.data() + b, std::min(bucket_floats_, total - b));
  comm_.allreduce_sum_buckets(buckets);
  at = 0;
  // Fresh gradient tensors: a gradient may share its storage with another tensor of the graph.
  for (Tensor p : with_grad) {
    Tensor summed = Tensor::empty(p.shape());
    std::memcpy(summed.data<float>(), buffer_.data() + at, summed.numel() * sizeof(float));
    p.set_grad(summed);
    at += summed.numel();
  }
}

std::vector<double> DataParallel::sum(std::vector<double> values) {
  comm_.allreduce_sum(values);
  return values;
}

std::vector<double> DataParallel::from_writer(std::vector<double> values) {
  comm_.broadcast({reinterpret_cast<uint8_t*>(values.data()), values.size() * sizeof(double)}, 0);
  return values;
}

void DataParallel::sync_batch_norm(bool on) {
  if (!on) {
    set_batch_norm_reducer({});
    return;
  }
  Communicator* comm = &comm_;
  set_batch_norm_reducer([comm](std::span<double> v) { comm->allreduce_sum(v); });
}

}  // namespace thorax::train
