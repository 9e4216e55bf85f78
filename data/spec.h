// The dataset spec of the Contracts, parsed in this one place:
//
//   KIND[:PATH][?key=value&key=value...]
//   nih:/data/nih?split=official&views=PA,AP     chexpert:/d/train.csv?uncertain=ones&uncertain.Atelectasis=zeros
//   folder:/d/train     npz:/d/pneumoniamnist.npz?split=train     covid:/d     embedded?n=4000&res=128&seed=1
//
// The first '?' ends the path (write %3F for a literal '?', %26 for '&' in a value). Each kind accepts a fixed
// set of keys (table in spec.cpp); an unknown or repeated key is an error naming it and the allowed ones.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace thorax::data {

struct DatasetSpec {
  std::string text;  // as the user wrote it (quoted in errors)
  std::string kind;
  std::string path;
  std::vector<std::pair<std::string, std::string>> options;  // in the order given

  bool has(const std::string& key) const;
  std::string get(const std::string& key, const std::string& fallback = "") const;
  long long get_int(const std::string& key, long long fallback) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  // Comma-separated values, trimmed, empty items dropped.
  std::vector<std::string> get_list(const std::string& key) const;
  // Options whose key is PREFIX.NAME, as (NAME, value) pairs (e.g. uncertain.Atelectasis=zeros).
  std::vector<std::pair<std::string, std::string>> with_prefix(const std::string& prefix) const;
};

DatasetSpec parse_spec(const std::string& text);

// The keys a kind accepts ("uncertain.*" stands for any uncertain.NAME); empty for an unknown kind.
std::vector<std::string> spec_keys(const std::string& kind);
std::vector<std::string> spec_kinds();

// Splits on `sep`, trimming spaces; empty items are dropped.
std::vector<std::string> split_list(const std::string& text, char sep = ',');
std::string join(const std::vector<std::string>& items, const std::string& sep = ", ");

}  // namespace thorax::data
