// The federated run's tamper-evident ledger (ledger.jsonl in the run directory): one record per round — round,
// sites, their sample counts, the SHA-256 of each site's masked update and of the new global model's file, and
// the hash of the previous record — each record sealed by the SHA-256 of its own canonical JSON. Seed 001's
// "blockchain verification" made honest: a hash chain anyone can check with `thorax ledger verify DIR`, not a
// consensus network. Editing a record breaks its seal, removing one breaks the next record's link (or leaves its
// model file without a record), and a swapped model file no longer matches its hash.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace thorax::train {

struct LedgerRecord {
  int64_t round = 0;
  std::vector<std::string> sites;
  std::vector<int64_t> samples;
  std::vector<std::string> update_sha256;  // per site, of its masked update's bytes
  std::string model_file;                  // relative to the run directory
  std::string model_sha256;
};

inline constexpr const char* kLedgerFile = "ledger.jsonl";

// The SHA-256 of a file's bytes (64 hex digits); throws naming the file when it cannot be read.
std::string sha256_file(const std::string& path);

// Appends the record (linked to the last one, sealed) and rewrites ledger.jsonl atomically.
void append_ledger(const std::string& run_dir, const LedgerRecord& record);

struct LedgerCheck {
  int64_t rounds = 0;
  std::vector<std::string> problems;  // empty: the chain is intact and every model file matches
  bool ok() const { return problems.empty(); }
};
// Checks every seal and link, that rounds run 1, 2, ... without a gap, that every model file named matches its
// hash, and that no round-*.safetensors of the folder lacks a record.
LedgerCheck verify_ledger(const std::string& run_dir);

}  // namespace thorax::train
