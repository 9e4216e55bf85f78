// Whether ops record the graph. On by default; off inside a NoGrad scope and while backward runs.
// Per thread, so a data-loading thread never affects training.
#pragma once

namespace thorax::autograd {

bool grad_enabled();
void set_grad_enabled(bool on);

class NoGrad {
 public:
  NoGrad();
  ~NoGrad();
  NoGrad(const NoGrad&) = delete;
  NoGrad& operator=(const NoGrad&) = delete;

 private:
  bool previous_;
};

}  // namespace thorax::autograd
