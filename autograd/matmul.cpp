#include "autograd/matmul.h"

#include <stdexcept>

#include "autograd/dispatch.h"
#include "autograd/elementwise.h"
#include "autograd/node.h"
#include "autograd/reduce.h"
#include "autograd/view.h"
#include "kernels/gemm.h"
#include "kernels/reference/gemm.h"

namespace thorax {

namespace {

// How GEMM reads one matrix operand without copying: row-major (trans=false, ld = row stride) or
// column-major (trans=true, ld = column stride; a stride of 0 from expand is fine). Other layouts are
// copied first.
struct Operand {
  Tensor t;  // possibly a dense copy
  bool trans;
  int64_t ld;
};

Operand as_operand(const Tensor& m) {
  const int64_t nd = m.dim();
  const int64_t rows = m.shape()[nd - 2], cols = m.shape()[nd - 1];
  const int64_t rs = m.strides()[nd - 2], cs = m.strides()[nd - 1];
  if (cs == 1 || cols == 1) return {m, false, rs};
  if (rs == 1 || rows == 1) return {m, true, cs};
  Tensor d = m.contiguous();
  return {d, false, cols};
}

template <class T>
void run_gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B, int64_t ldb,
              T* C) {
  if constexpr (std::is_same_v<T, double>) kernels::ref::gemm<double>(ta, tb, M, N, K, 1.0, A, lda, B, ldb, 0.0, C, N);
  else kernels::gemm_op().cpu()(ta, tb, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C, N);
}

// a (..., M, K) @ b (..., K, N) with broadcast batch dims; the raw product, no graph.
Tensor batched_product(const Tensor& a, const Tensor& b) {
  const int64_t M = a.shape()[a.dim() - 2], K = a.shape()[a.dim() - 1];
  const int64_t K2 = b.shape()[b.dim() - 2], N = b.shape()[b.dim() - 1];
  if (K != K2)
    throw std::invalid_argument("matmul: inner dimensions differ, " + shape_str(a.shape()) + " @ " + shape_str(b.shape()));
  Shape ab(a.shape().begin(), a.shape().end() - 2), bb(b.shape().begin(), b.shape().end() - 2);
  Shape batch = broadcast_shapes(ab, bb);
  Shape out_shape = batch;
  out_shape.push_back(M);
  out_shape.push_back(N);
  Tensor out = Tensor::empty(out_shape, a.dtype());
  Shape full_a = batch, full_b = batch;
  full_a.insert(full_a.end(), {M, K});
  full_b.insert(full_b.end(), {K, N});
  Operand A = as_operand(expand(a.detach(), full_a)), B = as_operand(expand(b.detach(), full_b));
  const int64_t nb = numel(batch), nbd = static_cast<int64_t>(batch.size());
  for (int64_t i = 0; i < nb; ++i) {
    int64_t rem = i, oa = A.t.offset(), ob = B.t.offset();
    for (int64_t d = nbd - 1; d >= 0; --d) {
      int64_t c = rem % batch[d];
      rem /= batch[d];
      oa += c * A.t.strides()[d];
      ob += c * B.t.strides()[d];
    }
    if (M == 0 || N == 0) continue;
    if (autograd::is_double(out)) {
      const double* pa = static_cast<const double*>(A.t.storage()->data()) + oa;
      const double* pb = static_cast<const double*>(B.t.storage()->data()) + ob;
      run_gemm<double>(A.trans, B.trans, M, N, K, pa, A.ld, pb, B.ld, out.data<double>() + i * M * N);
    } else {
      const float* pa = static_cast<const float*>(A.t.storage()->data()) + oa;
      const float* pb = static_cast<const float*>(B.t.storage()->data()) + ob;
      run_gemm<float>(A.trans, B.trans, M, N, K, pa, A.ld, pb, B.ld, out.data<float>() + i * M * N);
    }
  }
  return out;
}

Tensor product(const char* name, const Tensor& a, const Tensor& b) {
  Tensor out = batched_product(a, b);
  if (autograd::any_requires_grad({a, b})) {
    Tensor sa = autograd::saved(a), sb = autograd::saved(b);
    bool na = a.requires_grad(), nb = b.requires_grad();
    // Backward contract: for f = sum(g * (a @ b)): df/da = g @ b^T, df/db = a^T @ g, each summed over
    // broadcast batch dims back to its operand's shape. Assigns.
    autograd::record(name, {a, b}, {out}, [=](const std::vector<Tensor>& g) {
      Tensor ga, gb;
      if (na) ga = sum_to(batched_product(g[0], transpose(sb, -1, -2)), sa.shape());
      if (nb) gb = sum_to(batched_product(transpose(sa, -1, -2), g[0]), sb.shape());
      return std::vector<Tensor>{ga, gb};
    });
  }
  return out;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  autograd::check_compute(a, b, "matmul");
  if (a.dim() == 0 || b.dim() == 0) throw std::invalid_argument("matmul: operands must have at least one dim");
  Tensor A = a.dim() == 1 ? unsqueeze(a, 0) : a;
  Tensor B = b.dim() == 1 ? unsqueeze(b, 1) : b;
  Tensor out = product("matmul", A, B);
  if (a.dim() == 1) out = squeeze(out, -2);
  if (b.dim() == 1) out = squeeze(out, -1);
  return out;
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  autograd::check_compute(a, b, "bmm");
  if (a.dim() != 3 || b.dim() != 3 || a.shape()[0] != b.shape()[0])
    throw std::invalid_argument("bmm: needs (B, M, K) and (B, K, N), got " + shape_str(a.shape()) + " and " +
                                shape_str(b.shape()));
  return product("bmm", a, b);
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  autograd::check_compute(x, weight, "linear");
  if (weight.dim() != 2 || x.dim() < 1 || x.shape().back() != weight.shape()[1])
    throw std::invalid_argument("linear: input " + shape_str(x.shape()) + " does not fit weight " +
                                shape_str(weight.shape()) + " (out_features, in_features)");
  Tensor y = matmul(x, transpose(weight, 0, 1));  // the transpose is read in place by GEMM, not copied
  if (bias.defined()) {
    if (bias.dim() != 1 || bias.shape()[0] != weight.shape()[0])
      throw std::invalid_argument("linear: bias " + shape_str(bias.shape()) + " does not match weight " +
                                  shape_str(weight.shape()));
    y = add(y, bias);
  }
  return y;
}

}  // namespace thorax
