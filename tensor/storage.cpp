#include "tensor/storage.h"

#include "tensor/allocator.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace thorax {

Storage::Storage(size_t nbytes, Device device, bool zero) : nbytes_(nbytes), device_(device) {
  if (!device.is_cpu())
    throw std::runtime_error("device " + device.str() + " is not available: this build of thorax runs on the CPU only");
  data_ = cpu_allocator().allocate(nbytes);
  if (zero) std::memset(data_, 0, nbytes);
}

Storage::~Storage() { cpu_allocator().release(data_, nbytes_); }

}  // namespace thorax
