// Wall time per autograd op name, for `thorax bench model --profile`: where a training step's time goes.
//
// While an OpProfile lives, on the thread that created it:
//   - forward: every recorded op is charged the time since the previous recorded op (or since mark()).
//     An op computes its output and then records itself, so that interval is the op's own work plus the
//     little that ran between two ops (module calls, views that record nothing);
//   - backward: every graph node is charged the time of its own apply (AccumulateGrad included); what the
//     engine spends around them (walking the graph, summing gradients that meet) goes to kEngineName.
// Only ops that record count, so a forward under NoGrad shows nothing. Off, the cost is one thread-local
// pointer test per op. Like grad mode, the active profile is per thread: other threads are never timed.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace thorax::autograd {

struct OpTime {
  std::string name;
  int64_t forward_calls = 0, backward_calls = 0;
  double forward_seconds = 0, backward_seconds = 0;
};

class OpProfile {
 public:
  static constexpr const char* kEngineName = "(backward engine)";

  OpProfile();   // starts timing this thread
  ~OpProfile();  // stops
  OpProfile(const OpProfile&) = delete;
  OpProfile& operator=(const OpProfile&) = delete;

  // Starts the next forward interval now: call it just before a forward pass, so the first op is not
  // charged with whatever ran before.
  void mark();
  // One row per op name, the largest forward + backward time first.
  std::vector<OpTime> totals() const;

  // The profile timing this thread, or null: what record() and backward() report to.
  static OpProfile* active();
  void op_recorded(const std::string& name);
  void node_applied(const std::string& name, double seconds);
  void engine_spent(double seconds);

 private:
  OpTime& row(const std::string& name);

  OpProfile* previous_;
  std::chrono::steady_clock::time_point last_;
  std::unordered_map<std::string, OpTime> rows_;
};

}  // namespace thorax::autograd
