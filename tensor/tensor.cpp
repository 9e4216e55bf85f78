#include "tensor/tensor.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace thorax {

struct Tensor::Impl {
  std::shared_ptr<Storage> storage;
  Shape shape, strides;
  int64_t offset = 0;
  DType dtype = DType::f32;
  AutogradMeta meta;
};

static void check_shape(const Shape& shape) {
  for (int64_t d : shape)
    if (d < 0) throw std::invalid_argument("negative dimension in shape " + shape_str(shape));
}

static Tensor make_dense(const Shape& shape, DType dtype, Device device, bool zero) {
  check_shape(shape);
  auto st = std::make_shared<Storage>(static_cast<size_t>(numel(shape)) * dtype_size(dtype), device, zero);
  return Tensor::from_storage(std::move(st), shape, contiguous_strides(shape), 0, dtype);
}

Tensor Tensor::from_storage(std::shared_ptr<Storage> storage, const Shape& shape, const Shape& strides,
                            int64_t offset, DType dtype) {
  if (shape.size() != strides.size())
    throw std::invalid_argument("shape " + shape_str(shape) + " and strides " + shape_str(strides) + " differ in rank");
  // The furthest element reachable must lie inside the storage.
  if (thorax::numel(shape) > 0) {
    int64_t lo = offset, hi = offset;
    for (size_t i = 0; i < shape.size(); ++i) {
      int64_t span = (shape[i] - 1) * strides[i];
      if (span < 0) lo += span; else hi += span;
    }
    int64_t capacity = static_cast<int64_t>(storage->nbytes() / dtype_size(dtype));
    if (lo < 0 || hi >= capacity)
      throw std::out_of_range("layout " + shape_str(shape) + " strides " + shape_str(strides) + " offset " +
                              std::to_string(offset) + " reaches outside a storage of " + std::to_string(capacity) +
                              " elements");
  }
  Tensor t;
  t.impl_ = std::make_shared<Impl>();
  t.impl_->storage = std::move(storage);
  t.impl_->shape = shape;
  t.impl_->strides = strides;
  t.impl_->offset = offset;
  t.impl_->dtype = dtype;
  return t;
}

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) { return make_dense(shape, dtype, device, false); }
Tensor Tensor::zeros(const Shape& shape, DType dtype, Device device) { return make_dense(shape, dtype, device, true); }
Tensor Tensor::ones(const Shape& shape, DType dtype, Device device) { return full(shape, 1.0, dtype, device); }
Tensor Tensor::full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor t = make_dense(shape, dtype, device, false);
  t.fill(value);
  return t;
}
Tensor Tensor::scalar(double value, DType dtype) { return full({}, value, dtype); }
Tensor Tensor::arange(int64_t n, DType dtype) {
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<double>(i);
  return from_vector(v, {n}).to(dtype);
}

template <class V> static Tensor from_values(const V& values, const Shape& shape, DType dtype) {
  if (static_cast<int64_t>(values.size()) != numel(shape))
    throw std::invalid_argument(std::to_string(values.size()) + " values do not fill shape " + shape_str(shape));
  Tensor t = Tensor::empty(shape, dtype);
  std::memcpy(t.storage()->data(), values.data(), values.size() * sizeof(values[0]));
  return t;
}
Tensor Tensor::from_vector(const std::vector<float>& v, const Shape& s) { return from_values(v, s, DType::f32); }
Tensor Tensor::from_vector(const std::vector<double>& v, const Shape& s) { return from_values(v, s, DType::f64); }

static const Tensor::Impl& need(const std::shared_ptr<Tensor::Impl>& p) {
  if (!p) throw std::logic_error("use of an undefined tensor");
  return *p;
}
const Shape& Tensor::shape() const { return need(impl_).shape; }
const Shape& Tensor::strides() const { return need(impl_).strides; }
int64_t Tensor::offset() const { return need(impl_).offset; }
int64_t Tensor::size(int64_t d) const { return shape()[static_cast<size_t>(wrap_dim(d, dim()))]; }
int64_t Tensor::numel() const { return thorax::numel(shape()); }
DType Tensor::dtype() const { return need(impl_).dtype; }
Device Tensor::device() const { return need(impl_).storage->device(); }
const std::shared_ptr<Storage>& Tensor::storage() const { return need(impl_).storage; }

bool Tensor::is_contiguous() const {
  const Shape& s = shape();
  const Shape& st = strides();
  int64_t expect = 1;
  for (size_t i = s.size(); i-- > 0;) {
    if (s[i] == 1) continue;  // a size-1 dim's stride never matters
    if (st[i] != expect) return false;
    expect *= s[i];
  }
  return true;
}

std::string Tensor::str() const {
  if (!defined()) return "undefined";
  return std::string(dtype_name(dtype())) + shape_str(shape()) + " " + device().str();
}

template <class T> T* Tensor::data() const {
  if (dtype() != dtype_of<T>())
    throw std::logic_error(std::string("tensor holds ") + dtype_name(dtype()) + ", asked for " +
                           dtype_name(dtype_of<T>()));
  return static_cast<T*>(storage()->data()) + offset();
}
template float* Tensor::data<float>() const;
template double* Tensor::data<double>() const;
template bf16* Tensor::data<bf16>() const;
template int64_t* Tensor::data<int64_t>() const;
template int32_t* Tensor::data<int32_t>() const;
template uint8_t* Tensor::data<uint8_t>() const;
template bool* Tensor::data<bool>() const;

double Tensor::item() const {
  if (numel() != 1) throw std::invalid_argument("item() needs a one-element tensor, got " + str());
  return to_vector()[0];
}

std::vector<double> Tensor::to_vector() const {
  Tensor d = to(DType::f64);
  const double* p = d.data<double>();
  return std::vector<double>(p, p + d.numel());
}

Tensor Tensor::as_strided(const Shape& shape, const Shape& strides, int64_t offset) const {
  return from_storage(storage(), shape, strides, offset, dtype());
}

Tensor Tensor::contiguous() const { return is_contiguous() ? *this : clone(); }

Tensor Tensor::clone() const {
  Tensor out = empty(shape(), dtype(), device());
  strided_copy(*this, out);
  return out;
}

Tensor Tensor::to(DType dt) const {
  if (dt == dtype()) return *this;
  Tensor out = empty(shape(), dt, device());
  strided_copy(*this, out);
  return out;
}

void Tensor::copy_from(const Tensor& src) {
  if (src.shape() != shape())
    throw std::invalid_argument("copy_from: shape " + shape_str(src.shape()) + " into " + shape_str(shape()));
  strided_copy(src, *this);
}

void Tensor::fill(double value) {
  Tensor one = from_vector(std::vector<double>{value}, {});
  Shape zero_strides(shape().size(), 0);
  strided_copy(one.as_strided(shape(), zero_strides, 0), *this);
}

// ---- autograd record ----
AutogradMeta& Tensor::meta() const {
  if (!impl_) throw std::logic_error("use of an undefined tensor");
  return impl_->meta;
}
bool Tensor::requires_grad() const { return defined() && impl_->meta.requires_grad; }
Tensor& Tensor::set_requires_grad(bool on) {
  if (on && !is_floating(dtype()))
    throw std::invalid_argument(std::string("only floating-point tensors can require gradients, not ") +
                                dtype_name(dtype()));
  if (!is_leaf()) throw std::logic_error("set_requires_grad: only leaf tensors (no grad_fn) can be marked");
  meta().requires_grad = on;
  return *this;
}
Tensor Tensor::grad() const { return meta().grad; }
void Tensor::set_grad(const Tensor& g) { meta().grad = g; }
void Tensor::zero_grad() { meta().grad = Tensor(); }
bool Tensor::is_leaf() const { return meta().grad_fn == nullptr; }
const std::shared_ptr<autograd::Node>& Tensor::grad_fn() const { return meta().grad_fn; }
uint32_t Tensor::output_nr() const { return meta().output_nr; }
void Tensor::set_history(std::shared_ptr<autograd::Node> fn, uint32_t nr) {
  meta().grad_fn = std::move(fn);
  meta().output_nr = nr;
  meta().requires_grad = true;
}
Tensor Tensor::detach() const { return as_strided(shape(), strides(), offset()); }

// ---- strided copy with dtype conversion ----
namespace {

template <class T> double load(const void* p) {
  if constexpr (std::is_same_v<T, bf16>) return from_bf16(*static_cast<const bf16*>(p));
  else return static_cast<double>(*static_cast<const T*>(p));
}
template <class T> void store(void* p, double v) {
  if constexpr (std::is_same_v<T, bf16>) *static_cast<bf16*>(p) = to_bf16(static_cast<float>(v));
  else if constexpr (std::is_same_v<T, bool>) *static_cast<bool*>(p) = v != 0.0;
  else *static_cast<T*>(p) = static_cast<T>(v);
}
using LoadFn = double (*)(const void*);
using StoreFn = void (*)(void*, double);
LoadFn loader(DType t) {
  switch (t) {
    case DType::f32: return load<float>;
    case DType::f64: return load<double>;
    case DType::bf16: return load<bf16>;
    case DType::i64: return load<int64_t>;
    case DType::i32: return load<int32_t>;
    case DType::u8: return load<uint8_t>;
    case DType::boolean: return load<bool>;
  }
  return nullptr;
}
StoreFn storer(DType t) {
  switch (t) {
    case DType::f32: return store<float>;
    case DType::f64: return store<double>;
    case DType::bf16: return store<bf16>;
    case DType::i64: return store<int64_t>;
    case DType::i32: return store<int32_t>;
    case DType::u8: return store<uint8_t>;
    case DType::boolean: return store<bool>;
  }
  return nullptr;
}

}  // namespace

void strided_copy(const Tensor& src, const Tensor& dst) {
  if (src.shape() != dst.shape())
    throw std::invalid_argument("strided_copy: shape " + shape_str(src.shape()) + " vs " + shape_str(dst.shape()));
  const int64_t n = src.numel();
  if (n == 0) return;
  const size_t ses = dtype_size(src.dtype()), des = dtype_size(dst.dtype());
  const char* sbase = static_cast<const char*>(src.storage()->data()) + src.offset() * static_cast<int64_t>(ses);
  char* dbase = static_cast<char*>(dst.storage()->data()) + dst.offset() * static_cast<int64_t>(des);
  const bool same_type = src.dtype() == dst.dtype();
  if (same_type && src.is_contiguous() && dst.is_contiguous()) {
    std::memmove(dbase, sbase, static_cast<size_t>(n) * ses);
    return;
  }
  const Shape& shape = src.shape();
  const int64_t nd = static_cast<int64_t>(shape.size());
  // Iterate all dims but the last with a counter; the last dim is the inner loop.
  const int64_t inner = nd ? shape[nd - 1] : 1;
  const int64_t s_in = nd ? src.strides()[nd - 1] : 0, d_in = nd ? dst.strides()[nd - 1] : 0;
  LoadFn ld = loader(src.dtype());
  StoreFn st = storer(dst.dtype());
  std::vector<int64_t> idx(static_cast<size_t>(std::max<int64_t>(nd - 1, 0)), 0);
  for (int64_t row = 0, rows = n / inner; row < rows; ++row) {
    int64_t so = 0, dof = 0;
    for (int64_t d = 0; d + 1 < nd; ++d) {
      so += idx[d] * src.strides()[d];
      dof += idx[d] * dst.strides()[d];
    }
    const char* s = sbase + so * static_cast<int64_t>(ses);
    char* dd = dbase + dof * static_cast<int64_t>(des);
    if (same_type && ses == 4) {
      for (int64_t i = 0; i < inner; ++i)
        std::memcpy(dd + i * d_in * 4, s + i * s_in * 4, 4);
    } else if (same_type && ses == 8) {
      for (int64_t i = 0; i < inner; ++i)
        std::memcpy(dd + i * d_in * 8, s + i * s_in * 8, 8);
    } else {
      for (int64_t i = 0; i < inner; ++i)
        st(dd + i * d_in * static_cast<int64_t>(des), ld(s + i * s_in * static_cast<int64_t>(ses)));
    }
    for (int64_t d = nd - 2; d >= 0; --d) {  // advance the counter
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace thorax
