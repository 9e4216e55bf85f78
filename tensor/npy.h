// NumPy .npy files (format versions 1.0-3.0, little-endian, C order) for float32/float64/uint8/
// int32/int64/bool. Used by the CLI (`thorax model forward`) and by the PyTorch parity tests.
#pragma once
#include <string>

#include "tensor/tensor.h"

namespace thorax {

// Parses a whole .npy image held in memory; `what` names it in error messages.
Tensor npy_parse(const std::string& bytes, const std::string& what);
Tensor npy_load(const std::string& path);
std::string npy_serialize(const Tensor& t);
// Writes to `path` through a temporary file and a rename: the file is whole or absent.
void npy_save(const std::string& path, const Tensor& t);

// Reads a whole file; throws naming the path when it cannot.
std::string read_file_bytes(const std::string& path);
// Writes `bytes` to `path` atomically (temporary name in the same folder, then rename).
void write_file_atomic(const std::string& path, const std::string& bytes);

}  // namespace thorax
