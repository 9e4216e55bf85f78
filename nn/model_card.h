// The model card: what a weights file says about itself (DESIGN.md, Contracts: "Weights file"). Stored as
// one JSON string under __metadata__["thorax.card"], so any safetensors reader can see it:
//   {"format": "thorax.card/1", "architecture": "resnet18", "arguments": {"in_channels": 1, ...},
//    "label_space": {"kind": "multi-label", "classes": [...]}, "preprocessing": ..., "training_data": ...,
//    "created_at": "2025-01-31T12:00:00Z", "thorax_version": "0.1.0", "tensor_sha256": "<64 hex digits>"}
// tensor_sha256 is the SHA-256 of the file's whole data section (every tensor's bytes, in file order);
// readers recompute it and refuse a file that does not match. Unknown fields are kept on a round trip.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace thorax::nn {

inline constexpr const char* kCardKey = "thorax.card";

struct ModelCard {
  std::string architecture;                                 // a models/ registry name, or "" when unknown
  nlohmann::json arguments = nlohmann::json::object();      // the architecture's constructor arguments
  std::string label_kind;                                   // "multi-class", "multi-label", or "" (unknown)
  std::vector<std::string> classes;                         // in output order
  nlohmann::json preprocessing;                             // the pipeline (data/), null when not recorded
  nlohmann::json training_data;                             // summary of the data and split, null when unknown
  std::string created_at;                                   // ISO 8601, UTC
  std::string thorax_version;
  std::string tensor_sha256;
  nlohmann::json extra = nlohmann::json::object();          // any other fields, kept as read

  std::string to_json() const;
  // `what` names the file in errors.
  static ModelCard from_json(const std::string& text, const std::string& what);
};

// Now, as ISO 8601 UTC ("2025-01-31T12:00:00Z").
std::string utc_timestamp();
// The version this library was built as (CMake's project version).
std::string thorax_version();

}  // namespace thorax::nn
