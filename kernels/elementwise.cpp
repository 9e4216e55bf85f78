// The elementwise op tables: reference and CPU versions of every unary and binary function.
#include "kernels/elementwise.h"

#include <array>

#include "kernels/cpu/cpu_features.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/elementwise_vec.h"
#include "kernels/reference/elementwise.h"

namespace thorax::kernels {

const char* unary_name(UnaryOp op) {
  static const char* names[] = {"exp",  "log",     "sqrt", "rsqrt", "abs",  "neg",  "clamp",     "relu",
                                "relu6", "leaky_relu", "sigmoid", "tanh", "silu", "gelu", "hardswish", "pow_scalar"};
  return names[static_cast<int>(op)];
}
const char* binary_name(BinaryOp op) {
  static const char* names[] = {"add", "sub", "mul", "div", "pow"};
  return names[static_cast<int>(op)];
}

template <UnaryOp OP> static Op<UnaryKernel> make_unary(const cpu::CpuFeatures& f) {
  Op<UnaryKernel> op{unary_name(OP),
                     {{"reference", Backend::Reference, {ref::unary_forward<OP, float>, ref::unary_backward<OP, float>}},
                      {"omp_simd", Backend::CPU, {cpu::unary_forward<OP>, cpu::unary_backward<OP>}}},
                     "omp_simd"};
  // exp, sigmoid, tanh and silu also on the vector exp (kernels/cpu/elementwise_vec.h); listed slowest first, the
  // default is the last one this CPU can run.
  if (!cpu::has_unary_vec(OP)) return op;
  if (f.has_avx2_fma()) {
    op.versions.push_back({"vec_avx2", Backend::CPU, cpu::unary_vec_avx2(OP)});
    op.default_cpu = "vec_avx2";
  } else {
    op.unavailable.push_back("vec_avx2: needs avx2 fma");
  }
  if (f.has_avx512()) {
    op.versions.push_back({"vec_avx512", Backend::CPU, cpu::unary_vec_avx512(OP)});
    op.default_cpu = "vec_avx512";
  } else {
    op.unavailable.push_back("vec_avx512: needs avx2 fma avx512f avx512bw avx512dq avx512vl");
  }
  return op;
}

const Op<UnaryKernel>& unary_op(UnaryOp op) {
  static const auto table = [] {
    const cpu::CpuFeatures features = cpu::detect_cpu_features();
    std::array<Op<UnaryKernel>, kUnaryOpCount> t;
    for (int i = 0; i < kUnaryOpCount; ++i)
      visit_unary(static_cast<UnaryOp>(i), [&]<UnaryOp OP>() { t[i] = make_unary<OP>(features); });
    return t;
  }();
  return table[static_cast<int>(op)];
}

const Op<BinaryFn<float>>& binary_op(BinaryOp op) {
  static const auto table = [] {
    std::array<Op<BinaryFn<float>>, kBinaryOpCount> t;
    for (int i = 0; i < kBinaryOpCount; ++i)
      visit_binary(static_cast<BinaryOp>(i), [&]<BinaryOp OP>() {
        t[i] = {binary_name(OP),
                {{"reference", Backend::Reference, ref::binary<OP, float>},
                 {"rows_simd", Backend::CPU, cpu::binary<OP>}},
                "rows_simd"};
      });
    return t;
  }();
  return table[static_cast<int>(op)];
}

void describe_elementwise(std::vector<VersionInfo>& out) {
  for (int i = 0; i < kUnaryOpCount; ++i) describe(unary_op(static_cast<UnaryOp>(i)), out);
  for (int i = 0; i < kBinaryOpCount; ++i) describe(binary_op(static_cast<BinaryOp>(i)), out);
}

}  // namespace thorax::kernels
