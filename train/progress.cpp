#include "train/progress.h"

#include <unistd.h>

#include <cstdio>

namespace thorax::train {

Progress::Progress(std::string label, int64_t total, bool enabled, double log_every)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      terminal_(::isatty(2) != 0),
      log_every_(log_every),
      // A log's first line comes after log_every seconds: short work prints only its final line.
      last_draw_(terminal_ ? -1e9 : 0.0),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  if (!finished_ && enabled_ && terminal_ && last_draw_ > -1e9) std::fputc('\n', stderr);
}

double Progress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(int64_t done, const std::string& text) {
  done_ = done;
  text_ = text;
  const double now = elapsed();
  // A terminal redraws at most 10 times a second; a log gets a line every log_every seconds.
  if (now - last_draw_ < (terminal_ ? 0.1 : log_every_)) return;
  last_draw_ = now;
  draw(false);
}

void Progress::finish(const std::string& text) {
  if (finished_) return;
  if (total_ > 0) done_ = total_;
  if (!text.empty()) text_ = text;
  draw(true);
  finished_ = true;
}

void Progress::draw(bool final_line) {
  if (!enabled_) return;
  std::string line = label_;
  if (total_ > 0) {
    constexpr int width = 24;
    const int filled = static_cast<int>(width * done_ / total_);
    line += " [" + std::string(filled, '=') + (filled < width ? ">" : "") +
            std::string(width - filled - (filled < width ? 1 : 0), ' ') + "] " + std::to_string(done_) + "/" +
            std::to_string(total_);
  }
  if (!text_.empty()) line += " · " + text_;
  const double t = elapsed();
  if (final_line) {
    line += " · " + format_duration(t);
  } else if (done_ > 0 && total_ > 0) {
    line += " · ETA " + format_duration(t / done_ * (total_ - done_));
  }
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

std::string format_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else if (seconds < 10)
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

std::string format_number(const char* printf_format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, printf_format, value);
  return buf;
}

}  // namespace thorax::train
