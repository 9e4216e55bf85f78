#include "autograd/profile.h"

#include <algorithm>

namespace thorax::autograd {

namespace {

thread_local OpProfile* t_active = nullptr;

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

OpProfile::OpProfile() : previous_(t_active), last_(std::chrono::steady_clock::now()) { t_active = this; }

OpProfile::~OpProfile() { t_active = previous_; }

OpProfile* OpProfile::active() { return t_active; }

void OpProfile::mark() { last_ = std::chrono::steady_clock::now(); }

OpTime& OpProfile::row(const std::string& name) {
  OpTime& r = rows_[name];
  if (r.name.empty()) r.name = name;
  return r;
}

void OpProfile::op_recorded(const std::string& name) {
  const auto now = std::chrono::steady_clock::now();
  OpTime& r = row(name);
  r.forward_seconds += seconds_between(last_, now);
  ++r.forward_calls;
  last_ = now;
}

void OpProfile::node_applied(const std::string& name, double seconds) {
  OpTime& r = row(name);
  r.backward_seconds += seconds;
  ++r.backward_calls;
}

void OpProfile::engine_spent(double seconds) {
  OpTime& r = row(kEngineName);
  r.backward_seconds += seconds;
  ++r.backward_calls;
}

std::vector<OpTime> OpProfile::totals() const {
  std::vector<OpTime> out;
  out.reserve(rows_.size());
  for (const auto& [name, r] : rows_) out.push_back(r);
  std::sort(out.begin(), out.end(), [](const OpTime& a, const OpTime& b) {
    const double ta = a.forward_seconds + a.backward_seconds, tb = b.forward_seconds + b.backward_seconds;
    return ta != tb ? ta > tb : a.name < b.name;
  });
  return out;
}

}  // namespace thorax::autograd
