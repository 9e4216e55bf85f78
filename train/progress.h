// A progress bar for long work (epochs, evaluation passes, bootstrap): "label [=====>    ] 412/1000 · text ·
// ETA 1m20s". On a terminal it redraws one line; in a log (stderr not a terminal) it prints a plain line every
// `log_every` seconds and at the end, so CI logs and tests stay short but still show that work goes on.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace thorax::train {

class Progress {
 public:
  Progress(std::string label, int64_t total, bool enabled = true, double log_every = 30.0);
  ~Progress();  // ends the line if finish() was not called
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `done` items of `total`; `text` is shown after the counts (e.g. "loss 0.412 · 38 img/s").
  void update(int64_t done, const std::string& text = "");
  void finish(const std::string& text = "");
  double elapsed() const;  // seconds since construction

 private:
  void draw(bool final_line);

  std::string label_, text_;
  int64_t total_, done_ = 0;
  bool enabled_, terminal_, finished_ = false;
  double log_every_, last_draw_;
  std::chrono::steady_clock::time_point start_;
};

// "1h02m", "3m20s", "12s".
std::string format_duration(double seconds);
// One number through a printf format ("%.4f"): the lines the training commands print.
std::string format_number(const char* printf_format, double value);

}  // namespace thorax::train
