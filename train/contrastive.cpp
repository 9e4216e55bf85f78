#include "train/contrastive.h"

#include <cmath>
#include <vector>

#include "autograd/loss.h"
#include "nn/activation.h"
#include "nn/linear.h"

namespace thorax::train {

std::shared_ptr<nn::Sequential> make_projection_head(int64_t in, int64_t hidden, int64_t out) {
  auto head = std::make_shared<nn::Sequential>();
  head->push_back(std::make_shared<nn::Linear>(in, hidden > 0 ? hidden : in));
  head->push_back(nn::make_activation(nn::ActivationKind::relu));
  head->push_back(std::make_shared<nn::Linear>(hidden > 0 ? hidden : in, out));
  return head;
}

ContrastiveResult contrastive_loss(const Tensor& z, double temperature) {
  ContrastiveResult r;
  r.loss = nt_xent(z, temperature);
  // Top-1 pair identification by cosine similarity: the diagnostic SimCLR implementations log beside the loss.
  const Tensor zc = z.detach().contiguous();
  const int64_t n2 = zc.size(0), d = zc.size(1), n = n2 / 2;
  const float* p = zc.data<float>();
  std::vector<double> norm(n2);
  for (int64_t i = 0; i < n2; ++i) {
    double s = 0;
    for (int64_t k = 0; k < d; ++k) s += static_cast<double>(p[i * d + k]) * p[i * d + k];
    norm[i] = std::max(std::sqrt(s), 1e-12);
  }
  int64_t hits = 0;
  for (int64_t i = 0; i < n2; ++i) {
    int64_t best = -1;
    double best_sim = -2;
    for (int64_t j = 0; j < n2; ++j) {
      if (j == i) continue;
      double s = 0;
      for (int64_t k = 0; k < d; ++k) s += static_cast<double>(p[i * d + k]) * p[j * d + k];
      s /= norm[i] * norm[j];
      if (s > best_sim) best_sim = s, best = j;
    }
    hits += best == (i + n) % n2;
  }
  r.top1 = static_cast<double>(hits) / static_cast<double>(n2);
  return r;
}

}  // namespace thorax::train
