#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace thorax::train {

LrSchedule::LrSchedule(std::string kind, int64_t total_steps, int64_t warmup_steps, int plateau_patience,
                       double plateau_factor)
    : kind_(std::move(kind)),
      total_(std::max<int64_t>(total_steps, 1)),
      warmup_(std::max<int64_t>(warmup_steps, 0)),
      patience_(plateau_patience),
      plateau_factor_(plateau_factor) {}

double LrSchedule::factor(int64_t step) const {
  // Warm-up reaches the full rate on its last step (step + 1 of warmup), never 0 on the first.
  if (step < warmup_) return static_cast<double>(step + 1) / static_cast<double>(warmup_);
  if (kind_ == "cosine") {
    const double t = static_cast<double>(step - warmup_) / static_cast<double>(std::max<int64_t>(total_ - warmup_, 1));
    return 0.5 * (1.0 + std::cos(M_PI * std::min(t, 1.0)));
  }
  if (kind_ == "plateau") return plateau_scale_;
  return 1.0;
}

void LrSchedule::end_epoch(bool improved) {
  if (kind_ != "plateau") return;
  if (improved) {
    bad_epochs_ = 0;
  } else if (++bad_epochs_ > patience_) {
    plateau_scale_ *= plateau_factor_;
    bad_epochs_ = 0;
  }
}

nlohmann::json LrSchedule::state() const { return {{"plateau_scale", plateau_scale_}, {"bad_epochs", bad_epochs_}}; }

void LrSchedule::load_state(const nlohmann::json& j) {
  plateau_scale_ = j.value("plateau_scale", 1.0);
  bad_epochs_ = j.value("bad_epochs", 0);
}

}  // namespace thorax::train
