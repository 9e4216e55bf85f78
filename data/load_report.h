// What a dataset reader did with its input: rows used, rows skipped and why (DESIGN.md: nothing is skipped
// silently). Problems (damaged images, bad values, unknown labels, duplicates, malformed rows) are counted by kind
// with the first few sentences kept for printing; `strict` turns the first one into an error. Rows whose image is
// absent are normal for a partial copy and are counted in one line; `require_images` makes them errors instead.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace thorax::data {

enum class Problem { unreadable_image, malformed_row, bad_value, unknown_label, duplicate_row, unexpected_file };
const char* problem_name(Problem p);  // "unreadable image", ...

struct LoadPolicy {
  bool strict = false;          // any problem is an error
  bool require_images = false;  // a row whose image is absent is an error
};

class LoadReport {
 public:
  LoadReport() = default;
  LoadReport(std::string source, LoadPolicy policy) : source_(std::move(source)), policy_(policy) {}

  void problem(Problem kind, const std::string& sentence);
  void missing_image(const std::string& image_name, const std::string& table);
  // Left out on purpose by an option (e.g. views=PA): not a problem, counted so the numbers add up.
  void excluded(const std::string& reason, int64_t n = 1);
  // A fact worth printing that is not a skip (e.g. which of two copies of an image was used).
  void note(const std::string& sentence);
  void set_used(int64_t n) { used_ = n; }

  const std::string& source() const { return source_; }
  const LoadPolicy& policy() const { return policy_; }
  int64_t used() const { return used_; }
  int64_t missing_images() const { return missing_; }
  int64_t problems() const;
  int64_t count(Problem kind) const;
  int64_t excluded_count() const;
  int64_t skipped() const { return problems() + missing_ + excluded_count(); }
  const std::vector<std::string>& examples(Problem kind) const;  // the first few sentences kept
  const std::vector<std::string>& notes() const { return notes_; }

  std::string summary() const;  // several lines, ready to print
  nlohmann::json to_json() const;

  static constexpr size_t kExamplesKept = 5;

 private:
  struct Tally {
    int64_t count = 0;
    std::vector<std::string> examples;
  };
  std::string source_;
  LoadPolicy policy_;
  int64_t used_ = 0, missing_ = 0;
  std::string first_missing_, missing_table_;
  std::map<Problem, Tally> problems_;
  std::map<std::string, int64_t> excluded_;
  std::vector<std::string> notes_;
};

}  // namespace thorax::data
