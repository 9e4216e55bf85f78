// Federated training's parts: the ChaCha20 keystream of the masks, secure aggregation's exact sum and hiding,
// and the ledger's detection of an edited record, a removed round and a swapped model file.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>

#include "nn/sha256.h"
#include "train/chacha20.h"
#include "train/ledger.h"
#include "train/secure_aggregation.h"

using namespace thorax;
using namespace thorax::train;
namespace fs = std::filesystem;

TEST_CASE("ChaCha20 keystream: RFC 8439's block test vector, and the block after it") {
  ChaChaKey key;
  for (int i = 0; i < 32; ++i) key[i] = static_cast<uint8_t>(i);
  const ChaChaNonce nonce = {0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0};
  std::vector<uint32_t> words(20);
  chacha20_keystream(key, nonce, 1, words);
  // RFC 8439 2.3.2 (serialized block 10 f1 e7 e4 d1 3b 59 15 ...); block 2 from Python's `cryptography`.
  const uint32_t expected[20] = {0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3, 0xc7f4d1c7, 0x0368c033, 0x9aaa2204,
                                 0x4e6cd4c3, 0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9, 0xd19c12b5, 0xb94e16de,
                                 0xe883d0cb, 0x4e3c50a2, 0x7783880a, 0x4ebfd739, 0xb0acccf8, 0xd6b92bea};
  for (int i = 0; i < 20; ++i) CHECK(words[i] == expected[i]);
}

TEST_CASE("secure aggregation: the masks cancel exactly in the sum, and a masked update reveals nothing") {
  const int sites = 5;
  const size_t n = 100000;
  const FixedPoint fp = FixedPoint::for_sites(sites);
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 0.01f);
  std::vector<std::vector<float>> updates(sites, std::vector<float>(n));
  for (auto& u : updates)
    for (float& v : u) v = normal(rng);
  std::vector<PairKeys> keys(sites);
  for (int i = 0; i < sites; ++i)
    for (int j = i + 1; j < sites; ++j) keys[i][j] = keys[j][i] = random_key();

  std::vector<uint32_t> masked_sum(n, 0), plain_sum(n, 0);
  std::vector<std::vector<uint32_t>> masked(sites);
  for (int k = 0; k < sites; ++k) {
    const std::vector<uint32_t> q = quantize(updates[k], fp);
    add_into(plain_sum, q);
    masked[k] = q;
    add_pairwise_masks(masked[k], k, keys[k], 3);
    add_into(masked_sum, masked[k]);
  }
  CHECK(masked_sum == plain_sum);  // bit for bit
  // The dequantized sum is the true sum to within the rounding of each site's values.
  const std::vector<float> sum = dequantize(masked_sum, fp);
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    double truth = 0;
    for (int k = 0; k < sites; ++k) truth += updates[k][i];
    worst = std::max(worst, std::abs(sum[i] - truth));
  }
  CHECK(worst <= sites * 0.5 / fp.scale + 1e-7);

  // Site 0's masked update against its true update: Pearson correlation of the values as int32.
  auto correlation = [&](const std::vector<uint32_t>& a, const std::vector<float>& b) {
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; ++i) {
      ma += static_cast<int32_t>(a[i]);
      mb += b[i];
    }
    ma /= n;
    mb /= n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; ++i) {
      const double da = static_cast<int32_t>(a[i]) - ma, db = b[i] - mb;
      sab += da * db;
      saa += da * da;
      sbb += db * db;
    }
    return sab / std::sqrt(saa * sbb);
  };
  const double masked_r = correlation(masked[0], updates[0]);
  MESSAGE("correlation of a masked update with its true update: " << masked_r);
  CHECK(std::abs(masked_r) < 0.01);
  CHECK(correlation(quantize(updates[0], fp), updates[0]) > 0.99);  // control: unmasked, it is the update

  // Without one site's contribution the masks no longer cancel: the partial sum is noise.
  std::vector<uint32_t> partial(n, 0);
  for (int k = 1; k < sites; ++k) add_into(partial, masked[k]);
  std::vector<float> other_sum(n, 0.0f);
  for (int k = 1; k < sites; ++k)
    for (size_t i = 0; i < n; ++i) other_sum[i] += updates[k][i];
  CHECK(std::abs(correlation(partial, other_sum)) < 0.01);
}

TEST_CASE("secure aggregation: values beyond the fixed-point range are clipped and counted; NaN is refused") {
  const FixedPoint fp = FixedPoint::for_sites(4);
  const std::vector<float> v = {0.5f, static_cast<float>(fp.limit * 2), -static_cast<float>(fp.limit * 3)};
  int64_t clipped = 0;
  const std::vector<float> back = dequantize(quantize(v, fp, &clipped), fp);
  CHECK(clipped == 2);
  CHECK(back[0] == doctest::Approx(0.5));
  CHECK(back[1] == doctest::Approx(fp.limit));
  CHECK(back[2] == doctest::Approx(-fp.limit));
  CHECK_THROWS_WITH(quantize(std::vector<float>{NAN}, fp), doctest::Contains("NaN"));
}

namespace {

// A ledger of three rounds over small stand-in model files, in a fresh folder.
std::string make_ledger(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("thorax_ledger_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (int r = 1; r <= 3; ++r) {
    const std::string file = "round-00" + std::to_string(r) + ".safetensors";
    std::ofstream(dir / file) << "model of round " << r;
    LedgerRecord rec;
    rec.round = r;
    rec.sites = {"site-1", "site-2"};
    rec.samples = {100, 120};
    rec.update_sha256 = {std::string(64, 'a'), std::string(64, 'b')};
    rec.model_file = file;
    rec.model_sha256 = sha256_file((dir / file).string());
    append_ledger(dir.string(), rec);
  }
  return dir.string();
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const auto& l : lines) out << l << "\n";
}

bool mentions(const LedgerCheck& c, const std::string& text) {
  for (const auto& p : c.problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("ledger: an intact chain verifies; an edit, a removed round and a swapped model file are each found") {
  const std::string dir = make_ledger("intact");
  const LedgerCheck ok = verify_ledger(dir);
  CHECK(ok.ok());
  CHECK(ok.rounds == 3);
  const std::string ledger = (fs::path(dir) / kLedgerFile).string();
  const std::vector<std::string> lines = lines_of(ledger);
  REQUIRE(lines.size() == 3);

  SUBCASE("an edited record") {
    std::vector<std::string> edited = lines;
    const size_t at = edited[1].find("120");
    REQUIRE(at != std::string::npos);
    edited[1].replace(at, 3, "999");
    write_lines(ledger, edited);
    CHECK(mentions(verify_ledger(dir), "record 2 was edited"));
  }
  SUBCASE("a round removed from the middle") {
    write_lines(ledger, {lines[0], lines[2]});
    const LedgerCheck c = verify_ledger(dir);
    CHECK(mentions(c, "record 2 does not link"));
    CHECK(mentions(c, "round-002.safetensors has no record"));
  }
  SUBCASE("the last round removed: the chain is consistent, its model file gives it away") {
    write_lines(ledger, {lines[0], lines[1]});
    CHECK(mentions(verify_ledger(dir), "round-003.safetensors has no record"));
  }
  SUBCASE("a model file that does not match") {
    std::ofstream(fs::path(dir) / "round-002.safetensors") << "another model";
    CHECK(mentions(verify_ledger(dir), "round-002.safetensors does not match"));
  }
  SUBCASE("a record re-sealed after editing still breaks the next record's link") {
    // Whoever edits a record and recomputes its hash must rewrite every later record too.
    std::vector<std::string> edited = lines;
    nlohmann::json r = nlohmann::json::parse(edited[0]);
    r["samples"][0] = 1;
    r.erase("hash");
    r["hash"] = nn::sha256_hex(r.dump());
    edited[0] = r.dump();
    write_lines(ledger, edited);
    const LedgerCheck c = verify_ledger(dir);
    CHECK_FALSE(mentions(c, "record 1 was edited"));
    CHECK(mentions(c, "record 2 does not link"));
  }
  fs::remove_all(dir);
}
