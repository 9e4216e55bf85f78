#include "tensor/storage.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

namespace thorax {

static constexpr size_t kAlignment = 64;

Storage::Storage(size_t nbytes, Device device, bool zero) : nbytes_(nbytes), device_(device) {
  if (!device.is_cpu())
    throw std::runtime_error("device " + device.str() + " is not available: this build of thorax runs on the CPU only");
  size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  data_ = std::aligned_alloc(kAlignment, rounded);
  if (!data_) throw std::bad_alloc();
  if (zero) std::memset(data_, 0, rounded);
}

Storage::~Storage() { std::free(data_); }

}  // namespace thorax
