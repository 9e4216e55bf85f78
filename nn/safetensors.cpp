#include "nn/safetensors.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "nn/sha256.h"
#include "tensor/npy.h"

namespace thorax::nn {

static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes a little-endian host");

namespace {

using json = nlohmann::json;

// The safetensors library refuses headers above 100 MB; a larger length is a corrupt file, not a model.
constexpr uint64_t kMaxHeader = 100'000'000;

struct FileType {
  const char* name;
  size_t bytes;
  DType loads_as;
};

// F16 is read (converted to float32) but has no thorax dtype to be written from.
const FileType* file_type(const std::string& name) {
  static constexpr FileType kTypes[] = {
      {"F32", 4, DType::f32}, {"F64", 8, DType::f64}, {"BF16", 2, DType::bf16}, {"F16", 2, DType::f32},
      {"I64", 8, DType::i64}, {"I32", 4, DType::i32}, {"U8", 1, DType::u8},     {"BOOL", 1, DType::boolean}};
  for (const FileType& t : kTypes)
    if (name == t.name) return &t;
  return nullptr;
}

const char* file_type_name(DType t) {
  switch (t) {
    case DType::f32: return "F32";
    case DType::f64: return "F64";
    case DType::bf16: return "BF16";
    case DType::i64: return "I64";
    case DType::i32: return "I32";
    case DType::u8: return "U8";
    case DType::boolean: return "BOOL";
  }
  throw std::logic_error("unknown dtype");
}

// IEEE half to float: exact (every half is a float).
float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, bits;
  if (exp == 0x1f) bits = sign | 0x7f800000u | (mant << 13);  // inf, NaN
  else if (exp != 0) bits = sign | ((exp + 112) << 23) | (mant << 13);
  else if (mant == 0) bits = sign;
  else {  // subnormal: normalize
    int e = -1;
    do {
      mant <<= 1;
      ++e;
    } while ((mant & 0x400u) == 0);
    bits = sign | ((112 - e) << 23) | ((mant & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// A header nests three levels (header, entry, shape); anything far deeper is refused while parsing, before the
// recursive parts of the JSON library (printing a value in an error) could exhaust the stack on it.
constexpr int kMaxHeaderDepth = 16;

// Duplicate keys at the top level or inside an entry are refused: JSON parsers disagree on which wins.
json parse_strict_json(const std::string& text, const std::string& what) {
  std::vector<std::set<std::string>> keys_at_depth;
  std::string duplicate;
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxHeaderDepth)
      throw std::runtime_error(what + ": the safetensors header nests deeper than " + std::to_string(kMaxHeaderDepth) +
                               " levels");
    if (event == json::parse_event_t::object_start) {
      if (static_cast<int>(keys_at_depth.size()) <= depth) keys_at_depth.resize(static_cast<size_t>(depth) + 1);
      keys_at_depth[static_cast<size_t>(depth)].clear();
    } else if (event == json::parse_event_t::key && depth >= 1) {
      auto& seen = keys_at_depth[static_cast<size_t>(depth - 1)];
      const std::string key = parsed.get<std::string>();
      if (!seen.insert(key).second && duplicate.empty()) duplicate = key;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(text, callback);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number beyond double's range
    throw std::runtime_error(what + ": the safetensors header is not valid JSON (" + e.what() + ")");
  }
  if (!duplicate.empty()) throw std::runtime_error(what + ": the safetensors header repeats the key '" + duplicate + "'");
  return j;
}

uint64_t as_u64(const json& v, const std::string& what, const std::string& field) {
  if (!v.is_number_unsigned()) throw std::runtime_error(what + ": " + field + " must be a non-negative integer, got " + v.dump());
  return v.get<uint64_t>();
}

SafetensorsEntry parse_entry(const std::string& name, const json& spec, uint64_t data_size, const std::string& what) {
  const std::string where = what + ": tensor '" + name + "'";
  if (name.empty()) throw std::runtime_error(what + ": a tensor has an empty name");
  if (!spec.is_object()) throw std::runtime_error(where + " must be described by an object, got " + spec.dump());
  for (auto it = spec.begin(); it != spec.end(); ++it)
    if (it.key() != "dtype" && it.key() != "shape" && it.key() != "data_offsets")
      throw std::runtime_error(where + " has an unknown field '" + it.key() + "' (expected dtype, shape, data_offsets)");
  for (const char* f : {"dtype", "shape", "data_offsets"})
    if (!spec.contains(f)) throw std::runtime_error(where + " has no '" + f + "'");
  SafetensorsEntry e;
  e.name = name;
  if (!spec["dtype"].is_string()) throw std::runtime_error(where + ": dtype must be a string");
  e.dtype = spec["dtype"].get<std::string>();
  const FileType* type = file_type(e.dtype);
  if (!type)
    throw std::runtime_error(where + " has dtype '" + e.dtype +
                             "', which thorax does not read (it reads F32, F64, F16, BF16, I64, I32, U8, BOOL)");
  if (!spec["shape"].is_array()) throw std::runtime_error(where + ": shape must be an array");
  // `span` multiplies every dimension, zeros counted as ones: a [0, 2^62, 4] tensor holds nothing, yet its strides
  // would overflow, so it is refused like a shape whose element count overflows.
  uint64_t count = 1, span = 1;
  for (const json& d : spec["shape"]) {
    uint64_t n = as_u64(d, where, "each shape dim");
    if (n > static_cast<uint64_t>(INT64_MAX) || __builtin_mul_overflow(count, n, &count) ||
        __builtin_mul_overflow(span, std::max<uint64_t>(n, 1), &span) || span > static_cast<uint64_t>(INT64_MAX))
      throw std::runtime_error(where + ": shape " + spec["shape"].dump() + " has more elements than fit in 64 bits");
    e.shape.push_back(static_cast<int64_t>(n));
  }
  uint64_t nbytes = 0;
  if (__builtin_mul_overflow(count, static_cast<uint64_t>(type->bytes), &nbytes))
    throw std::runtime_error(where + ": shape " + spec["shape"].dump() + " has more bytes than fit in 64 bits");
  const json& off = spec["data_offsets"];
  if (!off.is_array() || off.size() != 2) throw std::runtime_error(where + ": data_offsets must be [begin, end]");
  e.begin = as_u64(off[0], where, "data_offsets");
  e.end = as_u64(off[1], where, "data_offsets");
  if (e.end < e.begin)
    throw std::runtime_error(where + ": data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                             "] end before they begin");
  if (e.end > data_size)
    throw std::runtime_error(where + ": data_offsets end at byte " + std::to_string(e.end) + " but the data section has " +
                             std::to_string(data_size) + " bytes (truncated file?)");
  if (e.end - e.begin != nbytes)
    throw std::runtime_error(where + " has shape " + shape_str(e.shape) + " of " + e.dtype + " (" + std::to_string(nbytes) +
                             " bytes) but its data_offsets span " + std::to_string(e.end - e.begin) + " bytes");
  return e;
}

// Copies (or converts, for F16) the bytes of one entry into a new tensor.
Tensor make_tensor(const SafetensorsEntry& e, const char* bytes) {
  const FileType* type = file_type(e.dtype);
  Tensor t = Tensor::empty(e.shape, type->loads_as);
  const size_t n = static_cast<size_t>(e.end - e.begin);
  if (e.dtype == "F16") {
    float* out = t.data<float>();
    for (size_t i = 0; i < n / 2; ++i) {
      uint16_t h;
      std::memcpy(&h, bytes + 2 * i, 2);
      out[i] = half_to_float(h);
    }
  } else if (n > 0) {
    std::memcpy(t.storage()->data(), bytes, n);
  }
  if (e.dtype == "BOOL")
    for (size_t i = 0; i < n; ++i)
      if (static_cast<uint8_t>(bytes[i]) > 1)
        throw std::runtime_error("tensor '" + e.name + "': BOOL byte " + std::to_string(i) + " is " +
                                 std::to_string(static_cast<uint8_t>(bytes[i])) + ", not 0 or 1");
  return t;
}

uint64_t read_u64_le(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

SafetensorsHeader parse_safetensors_header(const std::string& text, uint64_t data_size, const std::string& what) {
  json j = parse_strict_json(text, what);
  if (!j.is_object()) throw std::runtime_error(what + ": the safetensors header must be a JSON object");
  SafetensorsHeader h;
  h.data_size = data_size;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object()) throw std::runtime_error(what + ": __metadata__ must be an object of strings");
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (!m.value().is_string())
          throw std::runtime_error(what + ": __metadata__ value '" + m.key() + "' must be a string, got " + m.value().dump());
        h.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    h.entries.push_back(parse_entry(it.key(), it.value(), data_size, what));
  }
  // The tensors must tile the data section: sorted by offset, each begins where the previous ended.
  std::stable_sort(h.entries.begin(), h.entries.end(), [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t at = 0;
  std::string previous = "the start of the data section";
  for (const SafetensorsEntry& e : h.entries) {
    if (e.begin < at)
      throw std::runtime_error(what + ": tensor '" + e.name + "' (bytes " + std::to_string(e.begin) + ".." +
                               std::to_string(e.end) + ") overlaps " + previous);
    if (e.begin > at)
      throw std::runtime_error(what + ": " + std::to_string(e.begin - at) + " unused bytes between " + previous +
                               " and tensor '" + e.name + "'");
    at = e.end;
    previous = "tensor '" + e.name + "'";
  }
  if (at != data_size)
    throw std::runtime_error(what + ": the data section has " + std::to_string(data_size) + " bytes but the tensors use " +
                             std::to_string(at) + " (extra bytes after " + previous + ")");
  return h;
}

Safetensors safetensors_parse(const std::string& bytes, const std::string& what) {
  if (bytes.size() < 8) throw std::runtime_error(what + ": too short for a safetensors file (" + std::to_string(bytes.size()) + " bytes)");
  const uint64_t n = read_u64_le(bytes.data());
  if (n > kMaxHeader || n > bytes.size() - 8)
    throw std::runtime_error(what + ": header length " + std::to_string(n) + " does not fit a file of " +
                             std::to_string(bytes.size()) + " bytes (not a safetensors file, or truncated)");
  SafetensorsHeader h = parse_safetensors_header(bytes.substr(8, n), bytes.size() - 8 - n, what);
  Safetensors out;
  out.metadata = h.metadata;
  const char* data = bytes.data() + 8 + n;
  for (const SafetensorsEntry& e : h.entries) {
    try {
      out.tensors.emplace_back(e.name, make_tensor(e, data + e.begin));
    } catch (const std::runtime_error& err) {
      throw std::runtime_error(what + ": " + err.what());
    }
  }
  Sha256 sha;
  sha.update(data, static_cast<size_t>(h.data_size));
  out.data_sha256 = sha.hex_digest();
  return out;
}

namespace {

struct OpenFile {
  std::ifstream in;
  uint64_t size = 0;
  std::string header;
};

OpenFile open_and_read_header(const std::string& path) {
  OpenFile f;
  f.in.open(path, std::ios::binary);
  if (!f.in) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  f.in.seekg(0, std::ios::end);
  f.size = static_cast<uint64_t>(f.in.tellg());
  f.in.seekg(0);
  char len[8];
  if (f.size < 8 || !f.in.read(len, 8))
    throw std::runtime_error(path + ": too short for a safetensors file (" + std::to_string(f.size) + " bytes)");
  const uint64_t n = read_u64_le(len);
  if (n > kMaxHeader || n > f.size - 8)
    throw std::runtime_error(path + ": header length " + std::to_string(n) + " does not fit a file of " +
                             std::to_string(f.size) + " bytes (not a safetensors file, or truncated)");
  f.header.resize(static_cast<size_t>(n));
  if (!f.in.read(f.header.data(), static_cast<std::streamsize>(n))) throw std::runtime_error(path + ": cannot read the header");
  return f;
}

}  // namespace

SafetensorsHeader safetensors_read_header(const std::string& path) {
  OpenFile f = open_and_read_header(path);
  SafetensorsHeader h = parse_safetensors_header(f.header, f.size - 8 - f.header.size(), path);
  h.data_start = 8 + f.header.size();
  return h;
}

Safetensors safetensors_load(const std::string& path) {
  OpenFile f = open_and_read_header(path);
  SafetensorsHeader h = parse_safetensors_header(f.header, f.size - 8 - f.header.size(), path);
  Safetensors out;
  out.metadata = h.metadata;
  Sha256 sha;
  std::string buffer;
  // Entries tile the data section in order, so one sequential pass reads and hashes everything.
  for (const SafetensorsEntry& e : h.entries) {
    const FileType* type = file_type(e.dtype);
    const size_t n = static_cast<size_t>(e.end - e.begin);
    Tensor t;
    if (e.dtype == "F16" || e.dtype == "BOOL") {  // converted or checked on the way in
      buffer.resize(n);
      if (n && !f.in.read(buffer.data(), static_cast<std::streamsize>(n)))
        throw std::runtime_error(path + ": cannot read tensor '" + e.name + "' (file truncated?)");
      sha.update(buffer.data(), n);
      try {
        t = make_tensor(e, buffer.data());
      } catch (const std::runtime_error& err) {
        throw std::runtime_error(path + ": " + err.what());
      }
    } else {
      t = Tensor::empty(e.shape, type->loads_as);
      char* dst = static_cast<char*>(t.storage()->data());
      if (n && !f.in.read(dst, static_cast<std::streamsize>(n)))
        throw std::runtime_error(path + ": cannot read tensor '" + e.name + "' (file truncated?)");
      sha.update(dst, n);
    }
    out.tensors.emplace_back(e.name, t);
  }
  out.data_sha256 = sha.hex_digest();
  return out;
}

SafetensorsData safetensors_pack(const NamedTensors& tensors) {
  SafetensorsData d;
  std::set<std::string> names;
  size_t total = 0;
  for (const auto& [name, t] : tensors) total += static_cast<size_t>(t.numel()) * dtype_size(t.dtype());
  d.bytes.reserve(total);
  for (const auto& [name, t] : tensors) {
    if (name.empty() || name == "__metadata__")
      throw std::invalid_argument("safetensors: '" + name + "' cannot be a tensor name");
    if (!names.insert(name).second) throw std::invalid_argument("safetensors: the tensor name '" + name + "' appears twice");
    if (!t.device().is_cpu()) throw std::invalid_argument("safetensors: tensor '" + name + "' is not on the CPU");
    Tensor c = t.contiguous();
    SafetensorsEntry e{name, file_type_name(t.dtype()), t.shape(), d.bytes.size(), 0};
    const size_t n = static_cast<size_t>(c.numel()) * dtype_size(c.dtype());
    if (n) d.bytes.append(static_cast<const char*>(c.storage()->data()) + c.offset() * dtype_size(c.dtype()), n);
    e.end = d.bytes.size();
    d.entries.push_back(e);
  }
  return d;
}

std::string safetensors_serialize(const SafetensorsData& data, const Metadata& metadata) {
  nlohmann::ordered_json h = nlohmann::ordered_json::object();
  if (!metadata.empty()) h["__metadata__"] = metadata;
  for (const SafetensorsEntry& e : data.entries)
    h[e.name] = {{"dtype", e.dtype}, {"shape", e.shape}, {"data_offsets", {e.begin, e.end}}};
  std::string header = h.dump();
  header.append((8 - header.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned, as the library does
  std::string out(8, '\0');
  const uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  out.reserve(8 + header.size() + data.bytes.size());
  out += header;
  out += data.bytes;
  return out;
}

void safetensors_save(const std::string& path, const NamedTensors& tensors, const Metadata& metadata) {
  write_file_atomic(path, safetensors_serialize(safetensors_pack(tensors), metadata));
}

}  // namespace thorax::nn
