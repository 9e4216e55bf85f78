#include "train/ledger.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <stdexcept>

#include "nn/sha256.h"
#include "train/run_dir.h"

namespace thorax::train {

namespace fs = std::filesystem;

namespace {

const std::string kGenesis(64, '0');  // the "previous hash" of round 1

using nn::sha256_hex;

// nlohmann's dump of an object orders keys alphabetically: a canonical text to hash.
std::string seal(const nlohmann::json& record_without_hash) { return sha256_hex(record_without_hash.dump()); }

std::vector<nlohmann::json> read_records(const std::string& path, std::vector<std::string>* problems) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  if (!in) return out;
  std::string line;
  for (int64_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    try {
      out.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception&) {
      if (!problems) throw std::runtime_error(path + ": line " + std::to_string(n) + " is not JSON");
      problems->push_back("line " + std::to_string(n) + " is not JSON");
    }
  }
  return out;
}

}  // namespace

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + " to hash it");
  nn::Sha256 h;
  std::vector<char> chunk(1 << 20);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    h.update(chunk.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw std::runtime_error("reading " + path + " failed while hashing it");
  return h.hex_digest();
}

void append_ledger(const std::string& run_dir, const LedgerRecord& r) {
  const std::string path = (fs::path(run_dir) / kLedgerFile).string();
  std::vector<nlohmann::json> records = read_records(path, nullptr);
  nlohmann::json j = {{"round", r.round},
                      {"sites", r.sites},
                      {"samples", r.samples},
                      {"update_sha256", r.update_sha256},
                      {"model_file", r.model_file},
                      {"model_sha256", r.model_sha256},
                      {"prev_hash", records.empty() ? kGenesis : records.back().value("hash", "")}};
  j["hash"] = seal(j);
  records.push_back(j);
  write_jsonl_file(path, records);
}

LedgerCheck verify_ledger(const std::string& run_dir) {
  LedgerCheck check;
  const std::string path = (fs::path(run_dir) / kLedgerFile).string();
  if (!fs::exists(path)) {
    check.problems.push_back(path + " does not exist");
    return check;
  }
  const std::vector<nlohmann::json> records = read_records(path, &check.problems);
  std::string prev = kGenesis;
  std::set<std::string> recorded_files;
  for (size_t i = 0; i < records.size(); ++i) {
    const nlohmann::json& r = records[i];
    const std::string where = "record " + std::to_string(i + 1);
    if (!r.is_object() || !r.contains("hash") || !r.contains("round") || !r.contains("model_file")) {
      check.problems.push_back(where + " lacks its round, model file or hash");
      continue;
    }
    nlohmann::json body = r;
    body.erase("hash");
    const std::string stored = r["hash"].is_string() ? r["hash"].get<std::string>() : "";
    if (seal(body) != stored) check.problems.push_back(where + " was edited: its contents no longer give its hash");
    if (r.value("prev_hash", "") != prev)
      check.problems.push_back(where + " does not link to the record before it (a round was removed or reordered)");
    if (!r["round"].is_number_integer() || r["round"].get<int64_t>() != static_cast<int64_t>(i + 1))
      check.problems.push_back(where + " is round " + r["round"].dump() + ", expected " + std::to_string(i + 1));
    const std::string file = r["model_file"].is_string() ? r["model_file"].get<std::string>() : "";
    // A record names a file of the run directory, never a path elsewhere.
    if (file.empty() || file.find('/') != std::string::npos || file.find("..") != std::string::npos) {
      check.problems.push_back(where + " names the model file '" + file + "', not a file of the run directory");
    } else {
      recorded_files.insert(file);
      const fs::path model = fs::path(run_dir) / file;
      if (!fs::exists(model))
        check.problems.push_back(where + ": its model file " + file + " is missing");
      else if (sha256_file(model.string()) != r.value("model_sha256", ""))
        check.problems.push_back(where + ": " + file + " does not match the hash recorded for it");
    }
    prev = stored;
    ++check.rounds;
  }
  // A removed last round leaves a consistent but shorter chain: its model file gives it away.
  const std::regex round_file(R"(round-\d+\.safetensors)");
  for (const auto& entry : fs::directory_iterator(run_dir)) {
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, round_file) && name != "round-000.safetensors" && !recorded_files.count(name))
      check.problems.push_back(name + " has no record in the ledger (a round was removed)");
  }
  return check;
}

}  // namespace thorax::train
