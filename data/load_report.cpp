#include "data/load_report.h"

#include <stdexcept>

namespace thorax::data {

const char* problem_name(Problem p) {
  switch (p) {
    case Problem::unreadable_image: return "unreadable image";
    case Problem::malformed_row: return "malformed row";
    case Problem::bad_value: return "bad value";
    case Problem::unknown_label: return "unknown label";
    case Problem::duplicate_row: return "duplicate row";
    case Problem::unexpected_file: return "unexpected file";
  }
  return "problem";
}

void LoadReport::problem(Problem kind, const std::string& sentence) {
  if (policy_.strict) throw std::runtime_error(sentence + " (--strict: stopping at the first problem)");
  Tally& t = problems_[kind];
  ++t.count;
  if (t.examples.size() < kExamplesKept) t.examples.push_back(sentence);
}

void LoadReport::missing_image(const std::string& image_name, const std::string& table) {
  if (policy_.require_images)
    throw std::runtime_error(table + ": image " + image_name + " is not in " + source_ +
                             " (--require-images: every row needs its image)");
  if (missing_++ == 0) {
    first_missing_ = image_name;
    missing_table_ = table;
  }
}

void LoadReport::excluded(const std::string& reason, int64_t n) { excluded_[reason] += n; }

void LoadReport::note(const std::string& sentence) { notes_.push_back(sentence); }

int64_t LoadReport::problems() const {
  int64_t n = 0;
  for (const auto& [kind, t] : problems_) n += t.count;
  return n;
}

int64_t LoadReport::count(Problem kind) const {
  auto it = problems_.find(kind);
  return it == problems_.end() ? 0 : it->second.count;
}

int64_t LoadReport::excluded_count() const {
  int64_t n = 0;
  for (const auto& [reason, count] : excluded_) n += count;
  return n;
}

const std::vector<std::string>& LoadReport::examples(Problem kind) const {
  static const std::vector<std::string> none;
  auto it = problems_.find(kind);
  return it == problems_.end() ? none : it->second.examples;
}

std::string LoadReport::summary() const {
  std::string out = source_ + ": " + std::to_string(used_) + " used, " + std::to_string(skipped()) + " skipped";
  if (problems() == 0) out += " (no problems found)";
  out += "\n";
  if (missing_ > 0)
    out += "  " + std::to_string(missing_) + " row" + (missing_ > 1 ? "s" : "") + " of " + missing_table_ +
           " whose image is not in this copy (first: " + first_missing_ + ")\n";
  for (const auto& [reason, count] : excluded_) out += "  " + std::to_string(count) + " left out: " + reason + "\n";
  for (const auto& [kind, t] : problems_) {
    out += "  " + std::to_string(t.count) + " " + problem_name(kind) + (t.count > 1 ? "s" : "") + ":\n";
    for (const auto& e : t.examples) out += "    " + e + "\n";
    if (t.count > static_cast<int64_t>(t.examples.size()))
      out += "    ... and " + std::to_string(t.count - static_cast<int64_t>(t.examples.size())) + " more\n";
  }
  for (const auto& n : notes_) out += "  note: " + n + "\n";
  return out;
}

nlohmann::json LoadReport::to_json() const {
  nlohmann::json j = {{"source", source_}, {"used", used_}, {"skipped", skipped()}, {"missing_images", missing_}};
  nlohmann::json problems = nlohmann::json::object();
  for (const auto& [kind, t] : problems_) problems[problem_name(kind)] = {{"count", t.count}, {"examples", t.examples}};
  j["problems"] = problems;
  j["excluded"] = excluded_;
  j["notes"] = notes_;
  return j;
}

}  // namespace thorax::data
