#include "nn/attention_pool.h"

#include <stdexcept>

#include "autograd/elementwise.h"
#include "autograd/reduce.h"
#include "autograd/softmax.h"
#include "autograd/view.h"

namespace thorax::nn {

AttentionPool::AttentionPool(int64_t dim, int64_t hidden) {
  proj = register_module("proj", std::make_shared<Linear>(dim, hidden));
  score = register_module("score", std::make_shared<Linear>(hidden, 1, false));
}

std::string AttentionPool::extra_repr() const {
  return "dim=" + std::to_string(proj->in_features()) + ", hidden=" + std::to_string(proj->out_features());
}

Tensor AttentionPool::weights(const Tensor& x) {
  if (x.dim() != 3 || x.size(2) != proj->in_features())
    throw std::invalid_argument("AttentionPool(" + extra_repr() + ") takes a sequence (N, T, " +
                                std::to_string(proj->in_features()) + "), got " + shape_str(x.shape()));
  return softmax(squeeze((*score)(tanh((*proj)(x))), 2), 1);
}

Tensor AttentionPool::forward(const Tensor& x) { return sum(unsqueeze(weights(x), 2) * x, {1}); }

int64_t AttentionPool::flops(const Shape& input, const Shape& output) const {
  return input.size() == 3 ? 2 * input[0] * input[1] * input[2] : 0;
}

}  // namespace thorax::nn
