// cat, stack, split and pad have no kernel (strided copies and a gather); their values and gradients are
// checked by the op cases (finite differences and PyTorch). Here: what those cases cannot show — views,
// non-float dtypes, and errors a user can act on.
#include <doctest/doctest.h>

#include <functional>

#include "autograd/join.h"
#include "autograd/pad.h"

using namespace thorax;

namespace {

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("split: views of the input, the last chunk shorter") {
  Tensor x = Tensor::arange(7);
  auto parts = split(x, 3);
  REQUIRE(parts.size() == 3);
  CHECK(parts[2].shape() == Shape{1});
  CHECK(parts[1].storage() == x.storage());
  CHECK(parts[1].to_vector() == std::vector<double>{3, 4, 5});
  CHECK(message_of([&] { split_with_sizes(x, {2, 2}); }) == "split_with_sizes: sizes [2, 2] add up to 4 but dim 0 of [7] has 7");
}

TEST_CASE("cat and stack: any dtype; shapes must agree") {
  Tensor a = Tensor::arange(3, DType::i64), b = Tensor::arange(2, DType::i64);
  Tensor c = cat({a, b});
  CHECK(c.dtype() == DType::i64);
  CHECK(c.to_vector() == std::vector<double>{0, 1, 2, 0, 1});
  CHECK(stack({a, a}, 1).shape() == Shape{3, 2});
  CHECK(message_of([&] { cat({Tensor::zeros({2, 3}), Tensor::zeros({3, 3})}, 1); }) ==
        "cat: tensor 1 has shape [3, 3] but tensor 0 has [2, 3]; they may differ only in dim 1");
  CHECK(message_of([&] { stack({Tensor::zeros({2}), Tensor::zeros({3})}); }) ==
        "stack: tensor 1 has shape [3] but tensor 0 has [2]; all must match");
  CHECK(message_of([&] { cat({Tensor::zeros({2}), Tensor::zeros({2}, DType::f64)}); }).find("convert") !=
        std::string::npos);
}

TEST_CASE("pad: reflect mirrors without the edge, replicate repeats it; bad amounts are refused") {
  Tensor x = Tensor::from_vector(std::vector<float>{1, 2, 3, 4}, {1, 4});
  CHECK(pad(x, {2, 1}, PadMode::reflect).to_vector() == std::vector<double>{3, 2, 1, 2, 3, 4, 3});
  CHECK(pad(x, {2, 1}, PadMode::replicate).to_vector() == std::vector<double>{1, 1, 1, 2, 3, 4, 4});
  CHECK(pad(x, {-1, 1}, PadMode::constant, 9).to_vector() == std::vector<double>{2, 3, 4, 9});
  CHECK(message_of([&] { pad(x, {4, 0}, PadMode::reflect); }).find("reflect padding must be smaller") !=
        std::string::npos);
  CHECK(message_of([&] { pad(x, {1}); }).find("pairs") != std::string::npos);
  CHECK(message_of([&] { pad(x, {1, 1, 1, 1, 1, 1}); }).find("3 dims to pad but the input has 2") != std::string::npos);
}
