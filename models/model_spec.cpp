#include "models/model_spec.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace thorax::models {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

ModelSpec parse_model_spec(const std::string& text) {
  ModelSpec spec;
  const size_t q = text.find('?');
  spec.name = text.substr(0, q);
  if (spec.name.empty()) throw std::invalid_argument("model spec '" + text + "' has no model name before '?'");
  if (q == std::string::npos) return spec;
  for (const std::string& pair : split(text.substr(q + 1), '&')) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size())
      throw std::invalid_argument("model spec '" + text + "': '" + pair + "' is not key=value");
    const std::string key = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (key == "width") {
      char* end = nullptr;
      const long long w = std::strtoll(value.c_str(), &end, 10);
      if (*end != '\0' || w < 1)
        throw std::invalid_argument("model spec '" + text + "': width must be a positive integer, got '" + value + "'");
      spec.width = w;
    } else if (!spec.options.emplace(key, value).second) {
      throw std::invalid_argument("model spec '" + text + "' gives '" + key + "' twice");
    }
  }
  return spec;
}

std::string model_spec_string(const std::string& name, const ModelArgs& args) {
  std::string query;
  if (args.width) query = "width=" + std::to_string(args.width);
  for (const auto& [key, value] : args.options) query += (query.empty() ? "" : "&") + key + "=" + value;
  return query.empty() ? name : name + "?" + query;
}

std::string option_text(const ModelArgs& args, const std::string& arch, const std::string& key,
                        const std::string& fallback, const std::vector<std::string>& allowed) {
  auto it = args.options.find(key);
  const std::string value = it == args.options.end() ? fallback : it->second;
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), value) == allowed.end())
    throw std::invalid_argument(arch + ": option " + key + "='" + value + "' is not one of: " + joined(allowed));
  return value;
}

double option_number(const ModelArgs& args, const std::string& arch, const std::string& key, double fallback,
                     double lo, double hi) {
  auto it = args.options.find(key);
  if (it == args.options.end()) return fallback;
  char* end = nullptr;
  const double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0' || !(v >= lo && v <= hi))
    throw std::invalid_argument(arch + ": option " + key + "='" + it->second + "' must be a number in [" +
                                number(lo) + ", " + number(hi) + "]");
  return v;
}

std::vector<std::string> option_list(const ModelArgs& args, const std::string& arch, const std::string& key,
                                     const std::vector<std::string>& fallback) {
  auto it = args.options.find(key);
  if (it == args.options.end()) return fallback;
  std::vector<std::string> items = split(it->second, ',');
  for (const std::string& item : items)
    if (item.empty()) throw std::invalid_argument(arch + ": option " + key + "='" + it->second + "' has an empty item");
  return items;
}

}  // namespace thorax::models
