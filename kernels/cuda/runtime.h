// The CUDA runtime as thorax sees it. Compiled only in CUDA builds.
#pragma once
#include <string>

namespace thorax::cuda {

// Number of usable GPUs (0 when the driver or the device is missing: never throws).
int device_count();
// One sentence describing why CUDA cannot be used here, or "" when it can.
std::string unavailable_reason();

}  // namespace thorax::cuda
