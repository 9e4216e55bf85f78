#include "autograd/pad.h"

#include <algorithm>
#include <stdexcept>

#include "autograd/dispatch.h"
#include "autograd/node.h"

namespace thorax {

namespace {

const char* mode_name(PadMode m) {
  switch (m) {
    case PadMode::constant: return "constant";
    case PadMode::reflect: return "reflect";
    case PadMode::replicate: return "replicate";
  }
  return "?";
}

// Every mode is a gather: each element of an output block (the padded trailing dims) reads one element
// of the input block, or none (constant fill). One index table serves all leading-dim blocks, and the
// backward is the matching scatter-add (reflect and replicate read some inputs more than once).
struct Plan {
  Shape out_shape;
  int64_t outer = 1, in_block = 1, out_block = 1;
  std::vector<int64_t> src;  // per output-block element: its input-block index, or -1
};

Plan plan(const Shape& in, const std::vector<int64_t>& pads, PadMode mode) {
  const int64_t nd = static_cast<int64_t>(in.size()), k = static_cast<int64_t>(pads.size()) / 2;
  auto where = [&] { return std::string(" (pads ") + shape_str(pads) + ", input " + shape_str(in) + ")"; };
  if (pads.size() % 2) throw std::invalid_argument("pad: pads must come in (before, after) pairs" + where());
  if (k > nd) throw std::invalid_argument("pad: " + std::to_string(k) + " dims to pad but the input has " + std::to_string(nd) + where());
  Plan p;
  p.out_shape = in;
  p.src = {0};
  for (int64_t d = 0; d < nd - k; ++d) p.outer *= in[d];
  for (int64_t d = nd - k; d < nd; ++d) {  // outermost padded dim first, so src stays row-major
    const int64_t j = nd - 1 - d, before = pads[2 * j], after = pads[2 * j + 1], n = in[d];
    const int64_t m = n + before + after;
    if (m < 0) throw std::invalid_argument("pad: cropping leaves dim " + std::to_string(d) + " with a negative size" + where());
    if (mode != PadMode::constant && (before < 0 || after < 0))
      throw std::invalid_argument(std::string("pad: ") + mode_name(mode) + " mode cannot crop (negative pad)" + where());
    if (mode == PadMode::reflect && (before >= n || after >= n))
      throw std::invalid_argument("pad: reflect padding must be smaller than the padded dim " + std::to_string(d) + where());
    if (mode == PadMode::replicate && n == 0 && m > 0)
      throw std::invalid_argument("pad: replicate cannot pad an empty dim " + std::to_string(d) + where());
    std::vector<int64_t> map(static_cast<size_t>(m));
    for (int64_t o = 0; o < m; ++o) {
      int64_t i = o - before;
      if (mode == PadMode::replicate) i = std::clamp<int64_t>(i, 0, n - 1);
      if (mode == PadMode::reflect) i = i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i);
      map[o] = (i >= 0 && i < n) ? i : -1;
    }
    std::vector<int64_t> next;
    next.reserve(p.src.size() * static_cast<size_t>(m));
    for (int64_t s : p.src)
      for (int64_t o = 0; o < m; ++o) next.push_back(s < 0 || map[o] < 0 ? -1 : s * n + map[o]);
    p.src = std::move(next);
    p.out_shape[d] = m;
    p.in_block *= n;
    p.out_block *= m;
  }
  return p;
}

template <class T> void gather(const Plan& p, const T* x, T* y, T value) {
  for (int64_t o = 0; o < p.outer; ++o)
    for (int64_t q = 0; q < p.out_block; ++q) {
      const int64_t s = p.src[q];
      y[o * p.out_block + q] = s >= 0 ? x[o * p.in_block + s] : value;
    }
}

template <class T> void scatter_add(const Plan& p, const T* g, T* gx) {
  for (int64_t o = 0; o < p.outer; ++o)
    for (int64_t q = 0; q < p.out_block; ++q)
      if (p.src[q] >= 0) gx[o * p.in_block + p.src[q]] += g[o * p.out_block + q];
}

}  // namespace

Tensor pad(const Tensor& x0, const std::vector<int64_t>& pads, PadMode mode, double value) {
  autograd::check_compute(x0, "pad");
  auto pl = std::make_shared<const Plan>(plan(x0.shape(), pads, mode));
  Tensor x = x0.contiguous();
  Tensor y = Tensor::empty(pl->out_shape, x.dtype());
  if (autograd::is_double(x)) gather<double>(*pl, x.data<double>(), y.data<double>(), value);
  else gather<float>(*pl, x.data<float>(), y.data<float>(), static_cast<float>(value));
  if (autograd::any_requires_grad({x0})) {
    const Shape in = x0.shape();
    const DType dt = x0.dtype();
    // Backward contract: gx[i] = sum of g over the outputs that read input i (assigned; the fill gets none).
    autograd::record("pad", {x0}, {y}, [=](const std::vector<Tensor>& g) {
      Tensor gy = g[0].contiguous();
      Tensor gx = Tensor::zeros(in, dt);
      if (dt == DType::f64) scatter_add<double>(*pl, gy.data<double>(), gx.data<double>());
      else scatter_add<float>(*pl, gy.data<float>(), gx.data<float>());
      return std::vector<Tensor>{gx};
    });
  }
  return y;
}

}  // namespace thorax
