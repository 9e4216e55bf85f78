#include "data/spec.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <stdexcept>

namespace thorax::data {

namespace {

struct KindKeys {
  const char* kind;
  bool needs_path;
  std::vector<std::string> keys;
};

// Every kind and every key it accepts. Adding an option to a reader means adding it here first.
const std::vector<KindKeys>& kind_table() {
  static const std::vector<KindKeys> table = {
      {"nih", true, {"csv", "images", "split", "views", "labels", "no_finding", "lungs"}},
      {"chexpert", true, {"root", "uncertain", "uncertain.*", "blank", "frontal", "lateral", "views", "labels"}},
      {"folder", true, {"classes", "mode", "patient"}},
      {"npz", true, {"split", "classes"}},
      {"covid", true, {"classes", "views", "images"}},
      {"embedded", false, {"n", "res", "seed", "cache", "prevalence.*"}},
  };
  return table;
}

const KindKeys* find_kind(const std::string& kind) {
  for (const auto& k : kind_table())
    if (kind == k.kind) return &k;
  return nullptr;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s, const std::string& spec) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1, lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      throw std::invalid_argument("dataset spec '" + spec + "': '%' must be followed by two hex digits (e.g. %3F)");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool key_allowed(const std::string& key, const std::vector<std::string>& allowed) {
  for (const auto& a : allowed) {
    if (a == key) return true;
    if (a.size() > 2 && a.substr(a.size() - 2) == ".*") {
      std::string prefix = a.substr(0, a.size() - 1);  // "uncertain."
      if (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0) return true;
    }
  }
  return false;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

std::vector<std::string> split_list(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    std::string item = trim(text.substr(start, end - start));
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

std::vector<std::string> spec_kinds() {
  std::vector<std::string> out;
  for (const auto& k : kind_table()) out.push_back(k.kind);
  return out;
}

std::vector<std::string> spec_keys(const std::string& kind) {
  const KindKeys* k = find_kind(kind);
  return k ? k->keys : std::vector<std::string>{};
}

DatasetSpec parse_spec(const std::string& text) {
  DatasetSpec spec;
  spec.text = text;
  const std::string quoted = "dataset spec '" + text + "'";
  size_t q = text.find('?');
  std::string head = text.substr(0, q);
  std::string query = q == std::string::npos ? "" : text.substr(q + 1);
  size_t colon = head.find(':');
  spec.kind = head.substr(0, colon);
  if (colon != std::string::npos) spec.path = percent_decode(head.substr(colon + 1), text);

  const KindKeys* kind = find_kind(spec.kind);
  if (!kind)
    throw std::invalid_argument(quoted + ": unknown kind '" + spec.kind + "' (known: " + join(spec_kinds()) +
                                "; the form is KIND:PATH?key=value&key=value)");
  if (kind->needs_path && spec.path.empty())
    throw std::invalid_argument(quoted + ": kind '" + spec.kind + "' needs a path, as in " + spec.kind +
                                ":/path/to/data");
  if (!kind->needs_path && colon != std::string::npos)
    throw std::invalid_argument(quoted + ": kind '" + spec.kind + "' takes no path (write " + spec.kind +
                                "?key=value)");

  for (const auto& pair : split_list(query, '&')) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument(quoted + ": option '" + pair + "' is not of the form key=value");
    std::string key = trim(pair.substr(0, eq)), value = percent_decode(trim(pair.substr(eq + 1)), text);
    if (!key_allowed(key, kind->keys))
      throw std::invalid_argument(quoted + ": unknown option '" + key + "' for kind '" + spec.kind +
                                  "' (allowed: " + join(kind->keys) + ")");
    if (spec.has(key)) throw std::invalid_argument(quoted + ": option '" + key + "' is given twice");
    spec.options.emplace_back(key, value);
  }
  return spec;
}

bool DatasetSpec::has(const std::string& key) const {
  return std::any_of(options.begin(), options.end(), [&](const auto& kv) { return kv.first == key; });
}

std::string DatasetSpec::get(const std::string& key, const std::string& fallback) const {
  for (const auto& [k, v] : options)
    if (k == key) return v;
  return fallback;
}

long long DatasetSpec::get_int(const std::string& key, long long fallback) const {
  if (!has(key)) return fallback;
  std::string v = get(key);
  char* end = nullptr;
  long long x = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0')
    throw std::invalid_argument("dataset spec '" + text + "': option " + key + "=" + v + " is not an integer");
  return x;
}

double DatasetSpec::get_double(const std::string& key, double fallback) const {
  if (!has(key)) return fallback;
  std::string v = get(key);
  char* end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0')
    throw std::invalid_argument("dataset spec '" + text + "': option " + key + "=" + v + " is not a number");
  return x;
}

bool DatasetSpec::get_bool(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  std::string v = get(key);
  if (v == "1" || v == "true" || v == "yes") return true;
  if (v == "0" || v == "false" || v == "no") return false;
  throw std::invalid_argument("dataset spec '" + text + "': option " + key + "=" + v +
                              " must be 1 or 0 (or true/false, yes/no)");
}

std::vector<std::string> DatasetSpec::get_list(const std::string& key) const { return split_list(get(key)); }

std::vector<std::pair<std::string, std::string>> DatasetSpec::with_prefix(const std::string& prefix) const {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string p = prefix + ".";
  for (const auto& [k, v] : options)
    if (k.size() > p.size() && k.compare(0, p.size(), p) == 0) out.emplace_back(k.substr(p.size()), v);
  return out;
}

}  // namespace thorax::data
