#include "tensor/device.h"

#include <stdexcept>

namespace thorax {

Device parse_device(const std::string& s) {
  if (s == "cpu") return Device::cpu();
  if (s == "cuda") return Device::cuda(0);
  if (s.rfind("cuda:", 0) == 0) {
    try {
      size_t used = 0;
      int i = std::stoi(s.substr(5), &used);
      if (used == s.size() - 5 && i >= 0) return Device::cuda(i);
    } catch (const std::exception&) {
    }
  }
  throw std::invalid_argument("unknown device '" + s + "': use cpu, cuda or cuda:N");
}

}  // namespace thorax
