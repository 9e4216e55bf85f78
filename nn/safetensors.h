// safetensors files (https://github.com/huggingface/safetensors), read and written without the library:
//   8 bytes   little-endian u64 N, the header's length
//   N bytes   JSON object: {"__metadata__": {string: string}, "<name>": {"dtype": "F32", "shape": [..],
//             "data_offsets": [begin, end]}, ...}, padded with spaces
//   the rest  the data section; offsets are relative to its start
// Reading is strict: the header length must fit the file, the JSON must be an object without duplicate
// keys or unknown fields, each dtype known, each shape's byte count (overflow-checked) equal to its
// offsets' span, and the tensors must tile the data section exactly (in range, no overlap, no gap).
// Every error names the file and the tensor concerned.
// dtypes: F32, F64, BF16, I64, I32, U8, BOOL load as such; F16 loads converted to float32 (thorax has
// no float16 type). Writing supports every thorax dtype.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "nn/module.h"

namespace thorax::nn {

using Metadata = std::map<std::string, std::string>;

struct SafetensorsEntry {
  std::string name;
  std::string dtype;  // as in the file: "F32", "BF16", ...
  Shape shape;
  uint64_t begin = 0, end = 0;  // within the data section
};

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;  // in data order (by offset)
  Metadata metadata;
  uint64_t data_start = 0;  // 8 + header length
  uint64_t data_size = 0;
};

struct Safetensors {
  NamedTensors tensors;  // in data order
  Metadata metadata;
  std::string data_sha256;  // SHA-256 of the data section, computed while reading
};

// Validates a header against the size of the data section that follows it; `what` names the file.
SafetensorsHeader parse_safetensors_header(const std::string& json, uint64_t data_size, const std::string& what);

// A whole file held in memory (tests, fuzzing).
Safetensors safetensors_parse(const std::string& bytes, const std::string& what);
// Reads a file tensor by tensor into its final storage (no whole-file copy).
Safetensors safetensors_load(const std::string& path);
// Only the header: names, dtypes, shapes and metadata of a file, without reading its data.
SafetensorsHeader safetensors_read_header(const std::string& path);

// The data section of `tensors` and their entries, laid out in the given order. Built before the
// header so the header can carry the data's hash (the model card does).
struct SafetensorsData {
  std::string bytes;
  std::vector<SafetensorsEntry> entries;
};
SafetensorsData safetensors_pack(const NamedTensors& tensors);
// The whole file: length, header (8-byte aligned), data.
std::string safetensors_serialize(const SafetensorsData& data, const Metadata& metadata);
// Packs, serializes and writes atomically (temporary name, then rename).
void safetensors_save(const std::string& path, const NamedTensors& tensors, const Metadata& metadata = {});

}  // namespace thorax::nn
