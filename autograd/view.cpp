#include "autograd/view.h"

#include <stdexcept>

#include "autograd/node.h"
#include "autograd/reduce.h"

namespace thorax {

// Records a view whose backward is `back(g)` (a function of the output gradient only).
template <class F> static Tensor view_op(const char* name, const Tensor& x, Tensor y, F back) {
  if (autograd::any_requires_grad({x}))
    autograd::record(name, {x}, {y}, [=](const std::vector<Tensor>& g) { return std::vector<Tensor>{back(g[0])}; });
  return y;
}

static Shape infer_shape(const Shape& shape, int64_t total) {
  Shape s = shape;
  int64_t known = 1, hole = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == -1) {
      if (hole >= 0) throw std::invalid_argument("reshape: only one dim may be -1 in " + shape_str(shape));
      hole = static_cast<int64_t>(i);
    } else if (s[i] < 0) {
      throw std::invalid_argument("reshape: negative size in " + shape_str(shape));
    } else {
      known *= s[i];
    }
  }
  if (hole >= 0) {
    if (known == 0 || total % known != 0)
      throw std::invalid_argument("reshape: cannot infer -1 in " + shape_str(shape) + " for " + std::to_string(total) + " elements");
    s[hole] = total / known;
  }
  if (numel(s) != total)
    throw std::invalid_argument("reshape: " + std::to_string(total) + " elements cannot take shape " + shape_str(shape));
  return s;
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  Shape s = infer_shape(shape, x.numel());
  Tensor dense = x.contiguous();
  Tensor y = dense.as_strided(s, contiguous_strides(s), dense.offset());
  Shape in = x.shape();
  return view_op("reshape", x, y, [in](const Tensor& g) { return reshape(g, in); });
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims) {
  const int64_t nd = x.dim();
  if (static_cast<int64_t>(dims.size()) != nd)
    throw std::invalid_argument("permute: " + std::to_string(dims.size()) + " dims given for a " + std::to_string(nd) + "-d tensor");
  std::vector<int64_t> inverse(static_cast<size_t>(nd), -1);
  Shape s, st;
  for (int64_t i = 0; i < nd; ++i) {
    int64_t d = wrap_dim(dims[i], nd);
    if (inverse[d] != -1) throw std::invalid_argument("permute: dim " + std::to_string(d) + " repeated");
    inverse[d] = i;
    s.push_back(x.shape()[d]);
    st.push_back(x.strides()[d]);
  }
  Tensor y = x.as_strided(s, st, x.offset());
  return view_op("permute", x, y, [inverse](const Tensor& g) { return permute(g, inverse); });
}

Tensor transpose(const Tensor& x, int64_t d0, int64_t d1) {
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < x.dim(); ++i) dims.push_back(i);
  std::swap(dims[wrap_dim(d0, x.dim())], dims[wrap_dim(d1, x.dim())]);
  return permute(x, dims);
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  int64_t d = wrap_dim(dim, x.dim());
  if (start < 0 || length < 0 || start + length > x.shape()[d])
    throw std::out_of_range("narrow: [" + std::to_string(start) + ", " + std::to_string(start + length) +
                            ") is outside dim " + std::to_string(d) + " of size " + std::to_string(x.shape()[d]));
  Shape s = x.shape();
  s[d] = length;
  Tensor y = x.as_strided(s, x.strides(), x.offset() + start * x.strides()[d]);
  Shape in = x.shape();
  DType dt = x.dtype();
  // Backward contract: gx is zero except the narrowed window, which receives g (assigned).
  return view_op("narrow", x, y, [=](const Tensor& g) {
    Tensor gx = Tensor::zeros(in, dt);
    Shape ws = in;
    ws[d] = length;
    gx.as_strided(ws, gx.strides(), start * gx.strides()[d]).copy_from(g);
    return gx;
  });
}

Tensor expand(const Tensor& x, const Shape& shape) {
  const int64_t nd = static_cast<int64_t>(shape.size()), lead = nd - x.dim();
  if (lead < 0) throw std::invalid_argument("expand: " + shape_str(shape) + " has fewer dims than " + shape_str(x.shape()));
  Shape s(shape.size()), st(shape.size(), 0);
  for (int64_t i = 0; i < nd; ++i) {
    int64_t want = shape[i];
    if (i < lead) {
      if (want < 0) throw std::invalid_argument("expand: -1 is not allowed for a new dim");
      s[i] = want;
      continue;
    }
    int64_t have = x.shape()[i - lead];
    if (want == -1) want = have;
    if (have == want) {
      s[i] = have;
      st[i] = x.strides()[i - lead];
    } else if (have == 1) {
      s[i] = want;
    } else {
      throw std::invalid_argument("expand: cannot stretch " + shape_str(x.shape()) + " to " + shape_str(shape));
    }
  }
  Tensor y = x.as_strided(s, st, x.offset());
  Shape in = x.shape();
  return view_op("expand", x, y, [in](const Tensor& g) { return sum_to(g, in); });
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  int64_t d = wrap_dim(dim, x.dim());
  if (x.shape()[d] != 1) return x;
  Shape s = x.shape();
  s.erase(s.begin() + d);
  return reshape(x, s);
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  int64_t d = wrap_dim(dim, x.dim() + 1);
  Shape s = x.shape();
  s.insert(s.begin() + d, 1);
  return reshape(x, s);
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  if (x.dim() == 0) return reshape(x, {1});
  int64_t a = wrap_dim(start_dim, x.dim()), b = wrap_dim(end_dim, x.dim());
  if (a > b) throw std::invalid_argument("flatten: start_dim after end_dim");
  Shape s;
  for (int64_t i = 0; i < a; ++i) s.push_back(x.shape()[i]);
  int64_t m = 1;
  for (int64_t i = a; i <= b; ++i) m *= x.shape()[i];
  s.push_back(m);
  for (int64_t i = b + 1; i < x.dim(); ++i) s.push_back(x.shape()[i]);
  return reshape(x, s);
}

}  // namespace thorax
