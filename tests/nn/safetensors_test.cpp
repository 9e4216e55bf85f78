// safetensors I/O: round trips of every dtype, files written by the Python tools, float16 decoding,
// each validation rule with its message, truncated and corrupted files (never a crash), SHA-256
// known answers, and weights files with their model cards.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "autograd/ops.h"
#include "nn/linear.h"
#include "nn/safetensors.h"
#include "nn/sha256.h"
#include "nn/weights_file.h"
#include "tensor/npy.h"
#include "tests/support/check.h"

using namespace thorax;
using namespace thorax::nn;

namespace {

// A file with the given header JSON and `data_bytes` bytes of data.
std::string file_with(const std::string& header, size_t data_bytes) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  return out + header + std::string(data_bytes, '\0');
}

std::string parse_error(const std::string& bytes) {
  try {
    safetensors_parse(bytes, "t.safetensors");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("thorax_st_" + std::to_string(::getpid()) + "_" + name)).string();
}

}  // namespace

TEST_CASE("safetensors round trip: every dtype, scalars, empty tensors, metadata, 8-byte aligned data") {
  Generator gen(2);
  Tensor f = randn({3, 4}, DType::f32, &gen);
  Tensor d = randn({2, 1, 3}, DType::f64, &gen);
  Tensor b = f.to(DType::bf16);
  Tensor i64 = Tensor::arange(5, DType::i64);
  Tensor i32 = Tensor::arange(6, DType::i32);
  Tensor u8 = Tensor::arange(7, DType::u8);
  Tensor flags = Tensor::from_vector(std::vector<double>{1, 0, 1}, {3}).to(DType::boolean);
  Tensor scalar = Tensor::scalar(2.5);
  Tensor empty = Tensor::zeros({0, 4});
  Tensor strided = transpose(f, 0, 1);  // written in its logical (row-major) order
  NamedTensors in = {{"f", f},     {"d", d},         {"b", b},         {"i64", i64},    {"i32", i32},
                     {"u8", u8},   {"flags", flags}, {"scalar", scalar}, {"empty", empty}, {"strided", strided}};
  const std::string bytes = safetensors_serialize(safetensors_pack(in), {{"k", "v"}, {"card", "{\"a\": 1}"}});
  uint64_t header_len;
  std::memcpy(&header_len, bytes.data(), 8);
  CHECK(header_len % 8 == 0);
  Safetensors out = safetensors_parse(bytes, "mem");
  CHECK(out.metadata == Metadata{{"k", "v"}, {"card", "{\"a\": 1}"}});
  REQUIRE(out.tensors.size() == in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    INFO(in[i].first);
    CHECK(out.tensors[i].first == in[i].first);
    CHECK(out.tensors[i].second.dtype() == in[i].second.dtype());
    CHECK(out.tensors[i].second.shape() == in[i].second.shape());
    CHECK(out.tensors[i].second.to_vector() == in[i].second.to_vector());
  }
  CHECK(out.data_sha256 == sha256_hex(bytes.substr(8 + header_len)));

  // The streaming file reader gives the same tensors and hash.
  const std::string path = temp_path("roundtrip.safetensors");
  safetensors_save(path, in, {{"k", "v"}});
  Safetensors from_file = safetensors_load(path);
  CHECK(from_file.tensors.size() == in.size());
  CHECK(from_file.tensors[9].second.to_vector() == strided.to_vector());
  CHECK(safetensors_read_header(path).entries.size() == in.size());
  std::filesystem::remove(path);
}

TEST_CASE("float16 tensors load as float32, exactly") {
  // 1, -2, 65504 (largest half), 2^-24 (smallest subnormal), 2^-14 (smallest normal), +inf
  const uint16_t halves[] = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x0400, 0x7C00};
  std::string header = R"({"h":{"dtype":"F16","shape":[6],"data_offsets":[0,12]}})";
  std::string bytes = file_with(header, 0);
  bytes.append(reinterpret_cast<const char*>(halves), sizeof halves);
  Tensor t = safetensors_parse(bytes, "half").tensors[0].second;
  CHECK(t.dtype() == DType::f32);
  std::vector<double> v = t.to_vector();
  CHECK(v[0] == 1.0);
  CHECK(v[1] == -2.0);
  CHECK(v[2] == 65504.0);
  CHECK(v[3] == std::ldexp(1.0, -24));
  CHECK(v[4] == std::ldexp(1.0, -14));
  CHECK(std::isinf(v[5]));
}

TEST_CASE("safetensors validation: each rule fails with a message naming the file and the tensor") {
  const std::string ok = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  CHECK(parse_error(file_with(ok, 8)).empty());
  CHECK(parse_error("1234").find("too short") != std::string::npos);
  std::string huge = file_with(ok, 8);
  const uint64_t too_long = 1000;
  std::memcpy(huge.data(), &too_long, 8);
  CHECK(parse_error(huge).find("header length 1000 does not fit a file of") != std::string::npos);
  CHECK(parse_error(file_with("{\"a\":", 0)).find("not valid JSON") != std::string::npos);
  CHECK(parse_error(file_with("[1,2]", 0)).find("must be a JSON object") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8))
            .find("repeats the key 'a'") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}})", 4))
            .find("repeats the key 'dtype'") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}})", 8))
            .find("t.safetensors: tensor 'a' has dtype 'C64'") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8))
            .find("tensor 'a' has shape [3] of F32 (12 bytes) but its data_offsets span 8 bytes") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 4))
            .find("end at byte 8 but the data section has 4 bytes") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8))
            .find("end before they begin") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8))
            .find("non-negative integer") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", 8))
            .find("more elements than fit in 64 bits") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F64","shape":[4294967296,1073741824],"data_offsets":[0,8]}})", 8))
            .find("more bytes than fit in 64 bits") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8))
            .find("tensor 'b' (bytes 4..8) overlaps tensor 'a'") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8))
            .find("4 unused bytes between the start of the data section and tensor 'a'") != std::string::npos);
  CHECK(parse_error(file_with(ok, 12)).find("extra bytes after tensor 'a'") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}})", 8))
            .find("unknown field 'x'") != std::string::npos);
  CHECK(parse_error(file_with(R"({"a":{"dtype":"F32","shape":[2]}})", 8)).find("has no 'data_offsets'") != std::string::npos);
  CHECK(parse_error(file_with(R"({"__metadata__":{"k":1},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 8))
            .find("__metadata__ value 'k' must be a string") != std::string::npos);
  std::string bad_bool = file_with(R"({"b":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}})", 0) + std::string("\x01\x07", 2);
  CHECK(parse_error(bad_bool).find("BOOL byte 1 is 7") != std::string::npos);
}

TEST_CASE("truncated and corrupted files fail cleanly, never crash") {
  Generator gen(4);
  NamedTensors in = {{"w", randn({5, 3}, DType::f32, &gen)}, {"b", randn({5}, DType::f32, &gen)},
                     {"n", Tensor::zeros({}, DType::i64)}};
  const std::string good = safetensors_serialize(safetensors_pack(in), {{"x", "y"}});
  int failures = 0;
  for (size_t len = 0; len < good.size(); ++len) {  // every strict prefix
    if (!parse_error(good.substr(0, len)).empty()) ++failures;
  }
  CHECK(failures == static_cast<int>(good.size()));
  // Single-byte corruptions of the header: each parses to a consistent file or fails with a message.
  uint64_t header_len;
  std::memcpy(&header_len, good.data(), 8);
  Generator pick(11);
  Tensor u = rand({600}, DType::f64, &pick);
  std::vector<double> r = u.to_vector();
  int rejected = 0;
  for (size_t i = 0; i + 1 < r.size(); i += 2) {
    std::string bad = good;
    const size_t at = 8 + static_cast<size_t>(r[i] * static_cast<double>(header_len));
    bad[at] = static_cast<char>(static_cast<int>(r[i + 1] * 256));
    std::string err = parse_error(bad);
    if (!err.empty()) {
      ++rejected;
      CHECK(err.find("t.safetensors") == 0);
    }
  }
  CHECK(rejected > 0);
}

TEST_CASE("SHA-256 matches the FIPS 180-2 known answers, in one piece or streamed, with and without the CPU's SHA extensions") {
  INFO("SHA extensions on this CPU: " << sha256_hardware_available());
  auto digest = [](const std::string& s, bool hardware) {
    Sha256 h(hardware);
    h.update(s);
    return h.hex_digest();
  };
  for (bool hardware : {false, true}) {
    CHECK(digest("", hardware) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(digest("abc", hardware) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", hardware) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Sha256 million(hardware);
    const std::string chunk(977, 'a');  // an odd chunk size crosses block boundaries at every offset
    size_t fed = 0;
    for (; fed + chunk.size() <= 1000000; fed += chunk.size()) million.update(chunk);
    million.update(std::string(1000000 - fed, 'a'));
    CHECK(million.hex_digest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
  // Both compressions agree on random bytes of every length around the block and padding boundaries.
  Generator gen(12);
  std::vector<double> r = rand({300}, DType::f64, &gen).to_vector();
  std::string bytes;
  for (double v : r) bytes += static_cast<char>(static_cast<int>(v * 256));
  for (size_t n = 0; n <= bytes.size(); n += (n < 140 ? 1 : 37)) {
    INFO("length " << n);
    CHECK(digest(bytes.substr(0, n), false) == digest(bytes.substr(0, n), true));
  }
}

TEST_CASE("weights files: the card records the hash, and a changed byte is refused") {
  Linear layer(3, 2);
  Generator gen(6);
  reset_parameters(layer, gen);
  const std::string path = temp_path("card.safetensors");
  ModelCard card;
  card.architecture = "toy";
  card.arguments = {{"in", 3}};
  card.classes = {"normal", "pneumonia"};
  card.label_kind = "multi-class";
  ModelCard written = save_weights(path, layer, card);
  CHECK(written.tensor_sha256.size() == 64);
  CHECK(written.thorax_version == thorax_version());
  CHECK(written.created_at.size() == 20);

  WeightsFile w = read_weights(path);
  REQUIRE(w.card.has_value());
  CHECK(w.card->architecture == "toy");
  CHECK(w.card->classes == std::vector<std::string>{"normal", "pneumonia"});
  CHECK(w.card->tensor_sha256 == written.tensor_sha256);
  CHECK(w.tensors.size() == 2);
  CHECK(testing::compare(w.tensors[0].second, layer.weight, {0, 0}).ok);
  CHECK(read_card(path)->created_at == written.created_at);

  std::string bytes = read_file_bytes(path);
  bytes[bytes.size() - 1] ^= 0x01;  // one bit of the last tensor
  write_file_atomic(path, bytes);
  try {
    read_weights(path);
    FAIL("a corrupted file was accepted");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("SHA-256") != std::string::npos);
  }
  std::filesystem::remove(path);
}

TEST_CASE("files written by the Python tools read back with their PyTorch names") {
  const char* refs = std::getenv("THORAX_TORCH_REFS");
  REQUIRE_MESSAGE(refs != nullptr, "THORAX_TORCH_REFS is not set (run through ctest)");
  // resnet18 exported by tools/torchvision_to_safetensors.py: its card's hash was computed by hashlib.
  WeightsFile w = read_weights(std::string(refs) + "/models/resnet18/weights.safetensors");
  REQUIRE(w.card.has_value());
  CHECK(w.card->architecture == "resnet18");
  CHECK(w.card->extra.contains("exported_from"));
  CHECK(w.tensors.front().first == "conv1.weight");
  CHECK(w.tensors.front().second.shape() == Shape{64, 3, 7, 7});
}
