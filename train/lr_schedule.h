// Learning-rate schedules as a factor on each parameter group's base rate (nn::Optimizer::set_lr_factor):
//   cosine:  linear warm-up over the first warmup epochs' steps, then half a cosine from 1 to 0 over the rest;
//   plateau: ReduceLROnPlateau — multiply by `factor` after `patience` epochs without a better validation score;
//   none:    1 throughout (after the warm-up).
// Its state is a few numbers, saved in checkpoints so a resumed run continues the same curve.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace thorax::train {

class LrSchedule {
 public:
  LrSchedule(std::string kind, int64_t total_steps, int64_t warmup_steps, int plateau_patience, double plateau_factor);

  double factor(int64_t step) const;  // for the step about to be taken (0-based)
  // Plateau bookkeeping after each epoch's validation; `improved` says whether the score beat the best so far.
  void end_epoch(bool improved);

  nlohmann::json state() const;
  void load_state(const nlohmann::json& j);

 private:
  std::string kind_;
  int64_t total_, warmup_;
  int patience_;
  double plateau_factor_;
  double plateau_scale_ = 1.0;
  int bad_epochs_ = 0;
};

}  // namespace thorax::train
