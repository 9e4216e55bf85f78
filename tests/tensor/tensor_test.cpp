#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "tensor/npy.h"
#include "tensor/rng.h"
#include "tensor/tensor.h"

using namespace thorax;

TEST_CASE("shapes: contiguous strides, broadcasting, dim wrapping") {
  CHECK(contiguous_strides({2, 3, 4}) == Shape{12, 4, 1});
  CHECK(broadcast_shapes({4, 1, 6}, {5, 1}) == Shape{4, 5, 6});
  CHECK(broadcast_shapes({}, {3}) == Shape{3});
  CHECK_THROWS_WITH_AS(broadcast_shapes({2, 3}, {4}), "shapes [2, 3] and [4] cannot be broadcast together",
                       std::invalid_argument);
  CHECK(wrap_dim(-1, 3) == 2);
  CHECK_THROWS(wrap_dim(3, 3));
}

TEST_CASE("tensor: factories, views share storage, contiguous copies only when needed") {
  Tensor t = Tensor::arange(6).as_strided({2, 3}, {3, 1}, 0);
  CHECK(t.is_contiguous());
  CHECK(t.to_vector() == std::vector<double>{0, 1, 2, 3, 4, 5});
  Tensor tt = t.as_strided({3, 2}, {1, 3}, 0);  // transpose view
  CHECK_FALSE(tt.is_contiguous());
  CHECK(tt.to_vector() == std::vector<double>{0, 3, 1, 4, 2, 5});
  Tensor c = tt.contiguous();
  CHECK(c.is_contiguous());
  CHECK(c.storage() != tt.storage());
  CHECK(t.contiguous().storage() == t.storage());
  t.data<float>()[0] = 42;  // a view sees writes through its storage
  CHECK(tt.to_vector()[0] == 42);
  CHECK_THROWS_AS(t.as_strided({3, 3}, {3, 1}, 0), std::out_of_range);  // past the end of storage
  CHECK_THROWS_WITH(t.data<double>(), "tensor holds float32, asked for float64");
  Tensor z = Tensor::zeros({0, 4});
  CHECK(z.numel() == 0);
  CHECK(Tensor::full({2}, 2.5).to_vector() == std::vector<double>{2.5, 2.5});
}

TEST_CASE("dtype conversion: float64, integers, bool and bfloat16 rounding to nearest even") {
  Tensor x = Tensor::from_vector(std::vector<float>{1.5f, -2.25f, 0.0f, 3.0f}, {4});
  CHECK(x.to(DType::i64).to_vector() == std::vector<double>{1, -2, 0, 3});
  CHECK(x.to(DType::boolean).to_vector() == std::vector<double>{1, 1, 0, 1});
  CHECK(x.to(DType::f64).to(DType::f32).to_vector() == x.to_vector());
  // 1 + 2^-8 lies exactly between two bf16 values (1 and 1 + 2^-7): ties go to the even mantissa (1).
  CHECK(from_bf16(to_bf16(1.0f + 1.0f / 256)) == 1.0f);
  CHECK(from_bf16(to_bf16(1.0f + 3.0f / 256)) == 1.0f + 4.0f / 256);
  CHECK(std::isnan(from_bf16(to_bf16(NAN))));
  CHECK(std::isinf(from_bf16(to_bf16(INFINITY))));
  Tensor b = x.to(DType::bf16).to(DType::f32);
  CHECK(b.to_vector() == x.to_vector());  // these values are exact in bf16
}

TEST_CASE("philox: known-answer vectors of Philox-4x32-10 (Random123)") {
  auto r = philox4x32(0, 0, 0);
  CHECK(r == std::array<uint32_t, 4>{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
  auto s = philox4x32(~0ull, ~0ull, ~0ull);
  CHECK(s == std::array<uint32_t, 4>{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
  auto p = philox4x32(0x85a308d3243f6a88ull, 0x0370734413198a2eull, 0x299f31d0a4093822ull);
  CHECK(p == std::array<uint32_t, 4>{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
}

TEST_CASE("generator: same seed, same stream; draws never overlap; moments are right") {
  Generator a(7), b(7);
  Tensor x = Tensor::empty({1000}), y = Tensor::empty({1000});
  a.uniform_(x);
  b.uniform_(y);
  CHECK(x.to_vector() == y.to_vector());
  Tensor x2 = Tensor::empty({1000});
  a.uniform_(x2);
  CHECK(x2.to_vector() != x.to_vector());
  // Element i depends only on (seed, offset, i): a longer draw starts with the shorter one.
  Generator c(7);
  Tensor big = Tensor::empty({1003});
  c.uniform_(big);
  auto bv = big.to_vector();
  CHECK(std::vector<double>(bv.begin(), bv.begin() + 1000) == x.to_vector());

  Generator g(123);
  Tensor n = Tensor::empty({200000}, DType::f64);
  g.normal_(n);
  double m = 0, s2 = 0;
  for (double v : n.to_vector()) m += v, s2 += v * v;
  m /= n.numel();
  s2 = s2 / n.numel() - m * m;
  CHECK(std::abs(m) < 0.01);
  CHECK(std::abs(s2 - 1.0) < 0.02);
}

TEST_CASE("npy: round trip of every supported dtype, atomic save, clear errors on bad files") {
  auto dir = std::filesystem::temp_directory_path() / ("thorax_npy_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (DType dt : {DType::f32, DType::f64, DType::u8, DType::i32, DType::i64, DType::boolean}) {
    Tensor t = Tensor::arange(24).to(dt).as_strided({2, 3, 4}, {12, 4, 1}, 0);
    std::string path = (dir / "t.npy").string();
    npy_save(path, t);
    Tensor back = npy_load(path);
    CHECK(back.dtype() == dt);
    CHECK(back.shape() == t.shape());
    CHECK(back.to_vector() == t.to_vector());
  }
  npy_save((dir / "s.npy").string(), Tensor::scalar(3.5));
  CHECK(npy_load((dir / "s.npy").string()).item() == 3.5);
  std::string good = npy_serialize(Tensor::ones({4}));
  CHECK_THROWS_WITH(npy_parse("hello", "x.npy"), "x.npy: not a .npy file (bad magic)");
  CHECK_THROWS_WITH(npy_parse(good.substr(0, good.size() - 3), "x.npy"),
                    "x.npy: .npy data truncated (13 bytes for 16 expected)");
  std::filesystem::remove_all(dir);
}
