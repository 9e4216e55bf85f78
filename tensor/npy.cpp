#include "tensor/npy.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "tensor/crash_point.h"

namespace thorax {

std::string read_file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
    const auto half = static_cast<std::streamsize>(bytes.size() / 2);
    f.write(bytes.data(), half);
    f.flush();
    crash_point("mid-write");
    f.write(bytes.data() + half, static_cast<std::streamsize>(bytes.size()) - half);
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      throw std::runtime_error("writing " + path + " failed (disk full?)");
    }
  }
  crash_point("before-rename");
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + why);
  }
  crash_point("after-rename");
}

static DType dtype_from_descr(const std::string& d, const std::string& what) {
  if (d == "<f4") return DType::f32;
  if (d == "<f8") return DType::f64;
  if (d == "|u1" || d == "<u1") return DType::u8;
  if (d == "<i4") return DType::i32;
  if (d == "<i8") return DType::i64;
  if (d == "|b1") return DType::boolean;
  throw std::runtime_error(what + ": unsupported .npy dtype '" + d + "' (thorax reads f4, f8, u1, i4, i8, b1)");
}

static std::string descr_of(DType t) {
  switch (t) {
    case DType::f32: return "<f4";
    case DType::f64: return "<f8";
    case DType::u8: return "|u1";
    case DType::i32: return "<i4";
    case DType::i64: return "<i8";
    case DType::boolean: return "|b1";
    case DType::bf16: break;
  }
  throw std::invalid_argument("bfloat16 has no .npy dtype: convert to float32 first");
}

// Finds `'key': value` in the header dict and returns the raw value text.
static std::string header_value(const std::string& h, const std::string& key, const std::string& what) {
  size_t k = h.find("'" + key + "'");
  if (k == std::string::npos) throw std::runtime_error(what + ": .npy header has no '" + key + "'");
  size_t colon = h.find(':', k);
  if (colon == std::string::npos) throw std::runtime_error(what + ": malformed .npy header");
  size_t start = h.find_first_not_of(' ', colon + 1);
  if (start == std::string::npos) throw std::runtime_error(what + ": malformed .npy header");
  size_t end;
  if (h[start] == '(') end = h.find(')', start) + 1;
  else if (h[start] == '\'') end = h.find('\'', start + 1) + 1;
  else end = h.find_first_of(",}", start);
  if (end == std::string::npos || end == 0) throw std::runtime_error(what + ": malformed .npy header");
  return h.substr(start, end - start);
}

Tensor npy_parse(const std::string& bytes, const std::string& what) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    throw std::runtime_error(what + ": not a .npy file (bad magic)");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t header_len, header_start;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw std::runtime_error(what + ": truncated .npy header");
    header_len = 0;
    for (int i = 0; i < 4; ++i) header_len |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    header_start = 12;
  } else {
    throw std::runtime_error(what + ": unsupported .npy version " + std::to_string(major));
  }
  if (header_start + header_len > bytes.size()) throw std::runtime_error(what + ": truncated .npy header");
  std::string h = bytes.substr(header_start, header_len);
  std::string descr = header_value(h, "descr", what);
  if (descr.size() < 2 || descr.front() != '\'' || descr.back() != '\'')
    throw std::runtime_error(what + ": .npy descr " + descr + " is not a quoted dtype such as '<f4'");
  DType dt = dtype_from_descr(descr.substr(1, descr.size() - 2), what);
  if (header_value(h, "fortran_order", what) != "False")
    throw std::runtime_error(what + ": Fortran-order .npy arrays are not supported; save with C order");
  std::string shp = header_value(h, "shape", what);
  if (shp.size() < 2 || shp.front() != '(' || shp.back() != ')')
    throw std::runtime_error(what + ": bad .npy shape " + shp + " (expected a tuple such as (3, 4))");
  Shape shape;
  for (size_t i = 1; i < shp.size();) {
    size_t j = shp.find_first_of(",)", i);
    std::string tok = shp.substr(i, j - i);
    size_t a = tok.find_first_not_of(' ');
    if (a != std::string::npos) {
      try {
        const std::string digits = tok.substr(a, tok.find_last_not_of(' ') + 1 - a);
        size_t used = 0;
        long long v = std::stoll(digits, &used);
        if (v < 0 || used != digits.size()) throw std::out_of_range("not a size");
        shape.push_back(v);
      } catch (const std::exception&) {
        throw std::runtime_error(what + ": bad .npy shape " + shp);
      }
    }
    if (j == std::string::npos || shp[j] == ')') break;
    i = j + 1;
  }
  // Overflow-safe size check before allocating anything. Every dimension counts, zero or not: a (0, 2^62, 4) array
  // holds nothing, yet its strides would overflow 64 bits.
  size_t elems = 1, span = 1;
  for (int64_t d : shape) {
    const size_t extent = std::max<size_t>(static_cast<size_t>(d), 1);
    if (span > (static_cast<size_t>(1) << 48) / extent)
      throw std::runtime_error(what + ": .npy shape " + shp + " is too large");
    span *= extent;
    elems *= static_cast<size_t>(d);
  }
  size_t payload = elems * dtype_size(dt);
  size_t data_start = header_start + header_len;
  if (bytes.size() - data_start < payload)
    throw std::runtime_error(what + ": .npy data truncated (" + std::to_string(bytes.size() - data_start) +
                             " bytes for " + std::to_string(payload) + " expected)");
  // A bool is one byte holding 0 or 1; any other byte would be a value no bool can have.
  if (dt == DType::boolean)
    for (size_t i = 0; i < payload; ++i)
      if (static_cast<unsigned char>(bytes[data_start + i]) > 1)
        throw std::runtime_error(what + ": .npy bool element " + std::to_string(i) + " is byte " +
                                 std::to_string(static_cast<unsigned char>(bytes[data_start + i])) + ", not 0 or 1");
  Tensor t = Tensor::empty(shape, dt);
  if (payload) std::memcpy(t.storage()->data(), bytes.data() + data_start, payload);
  return t;
}

Tensor npy_load(const std::string& path) { return npy_parse(read_file_bytes(path), path); }

std::string npy_serialize(const Tensor& t0) {
  Tensor t = t0.contiguous();
  std::string shp = "(";
  for (size_t i = 0; i < t.shape().size(); ++i) shp += std::to_string(t.shape()[i]) + (t.shape().size() == 1 ? "," : (i + 1 < t.shape().size() ? ", " : ""));
  shp += ")";
  std::string h = "{'descr': '" + descr_of(t.dtype()) + "', 'fortran_order': False, 'shape': " + shp + ", }";
  size_t total = 10 + h.size() + 1;
  h += std::string((64 - total % 64) % 64, ' ') + "\n";  // pad so the data starts 64-byte aligned
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(h.size() & 0xff);
  out += static_cast<char>((h.size() >> 8) & 0xff);
  out += h;
  size_t nbytes = static_cast<size_t>(t.numel()) * dtype_size(t.dtype());
  const char* p = static_cast<const char*>(t.storage()->data()) + t.offset() * static_cast<int64_t>(dtype_size(t.dtype()));
  out.append(p, nbytes);
  return out;
}

void npy_save(const std::string& path, const Tensor& t) { write_file_atomic(path, npy_serialize(t)); }

}  // namespace thorax
