#include "data/zip_reader.h"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

#include "tensor/npy.h"

namespace thorax::data {

namespace {

constexpr uint32_t kEndOfDirectory = 0x06054b50, kZip64End = 0x06064b50, kZip64Locator = 0x07064b50;
constexpr uint32_t kDirectoryEntry = 0x02014b50, kLocalHeader = 0x04034b50;

// Little-endian reads that refuse to run past the end of the archive.
struct Cursor {
  const std::string& bytes;
  const std::string& what;
  uint64_t get(uint64_t at, int width) const {
    if (at > bytes.size() || bytes.size() - at < static_cast<uint64_t>(width))
      throw std::runtime_error(what + ": damaged ZIP archive (a record at byte " + std::to_string(at) +
                               " runs past the end of the " + std::to_string(bytes.size()) + "-byte file)");
    uint64_t v = 0;
    for (int i = width - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  }
  uint16_t u16(uint64_t at) const { return static_cast<uint16_t>(get(at, 2)); }
  uint32_t u32(uint64_t at) const { return static_cast<uint32_t>(get(at, 4)); }
  uint64_t u64(uint64_t at) const { return get(at, 8); }
};

}  // namespace

ZipReader ZipReader::open(const std::string& path) { return ZipReader(read_file_bytes(path), path); }

ZipReader::ZipReader(std::string bytes, std::string what) : bytes_(std::move(bytes)), what_(std::move(what)) {
  Cursor in{bytes_, what_};
  if (bytes_.size() < 22) throw std::runtime_error(what_ + ": not a ZIP archive (" + std::to_string(bytes_.size()) +
                                                   " bytes, too short for one)");
  // The end-of-directory record sits in the last 22 + up to 65535 (comment) bytes.
  uint64_t eocd = UINT64_MAX;
  uint64_t lowest = bytes_.size() > 22 + 65535 ? bytes_.size() - 22 - 65535 : 0;
  for (uint64_t at = bytes_.size() - 22 + 1; at-- > lowest;)
    if (in.u32(at) == kEndOfDirectory) {
      eocd = at;
      break;
    }
  if (eocd == UINT64_MAX) throw std::runtime_error(what_ + ": not a ZIP archive (no end-of-directory record)");
  uint64_t count = in.u16(eocd + 10), dir_offset = in.u32(eocd + 16);
  if ((count == 0xFFFF || dir_offset == 0xFFFFFFFF) && eocd >= 20 && in.u32(eocd - 20) == kZip64Locator) {
    uint64_t z64 = in.u64(eocd - 20 + 8);
    if (in.u32(z64) != kZip64End) throw std::runtime_error(what_ + ": damaged ZIP64 end-of-directory record");
    count = in.u64(z64 + 32);
    dir_offset = in.u64(z64 + 48);
  }
  uint64_t at = dir_offset;
  for (uint64_t i = 0; i < count; ++i) {
    if (in.u32(at) != kDirectoryEntry)
      throw std::runtime_error(what_ + ": damaged ZIP directory (entry " + std::to_string(i) + " has a bad signature)");
    ZipEntry e;
    e.flags = in.u16(at + 8);
    e.method = in.u16(at + 10);
    e.crc = in.u32(at + 16);
    e.compressed_size = in.u32(at + 20);
    e.size = in.u32(at + 24);
    uint64_t name_len = in.u16(at + 28), extra_len = in.u16(at + 30), comment_len = in.u16(at + 32);
    e.local_offset = in.u32(at + 42);
    if (at + 46 + name_len > bytes_.size()) throw std::runtime_error(what_ + ": damaged ZIP directory (name past end)");
    e.name = bytes_.substr(at + 46, name_len);
    // ZIP64: the sizes and offset that overflowed 32 bits are in extra field 0x0001, in this order.
    for (uint64_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
      uint16_t id = in.u16(x), len = in.u16(x + 2);
      uint64_t field = x + 4;
      if (id == 0x0001) {
        for (uint64_t* value : {&e.size, &e.compressed_size, &e.local_offset})
          if (*value == 0xFFFFFFFF) {
            *value = in.u64(field);
            field += 8;
          }
      }
      x += 4 + len;
    }
    entries_.push_back(std::move(e));
    at += 46 + name_len + extra_len + comment_len;
  }
}

const ZipEntry* ZipReader::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

std::string ZipReader::read(const ZipEntry& e) const {
  Cursor in{bytes_, what_};
  const std::string where = what_ + " entry " + e.name;
  if (e.flags & 1) throw std::runtime_error(where + ": encrypted entries are not supported");
  if (in.u32(e.local_offset) != kLocalHeader) throw std::runtime_error(where + ": damaged local header");
  uint64_t data = e.local_offset + 30 + in.u16(e.local_offset + 26) + in.u16(e.local_offset + 28);
  if (data > bytes_.size() || bytes_.size() - data < e.compressed_size)
    throw std::runtime_error(where + ": truncated (the archive ends inside its data)");
  if (e.size > (uint64_t{1} << 34)) throw std::runtime_error(where + ": claims " + std::to_string(e.size) +
                                                              " bytes, more than the 16 GiB we accept");
  std::string out;
  if (e.method == 0) {
    if (e.compressed_size != e.size) throw std::runtime_error(where + ": stored entry with mismatched sizes");
    out = bytes_.substr(data, e.size);
  } else if (e.method == 8) {
    // Deflate expands at most about 1032-fold, so a larger claim is damage (or a bomb): refused before allocating.
    constexpr uint64_t kMaxDeflateRatio = 1032;
    if (e.size > e.compressed_size * kMaxDeflateRatio + 64)
      throw std::runtime_error(where + ": claims " + std::to_string(e.size) + " bytes from " +
                               std::to_string(e.compressed_size) + " deflated bytes, more than deflate can expand to "
                               "(the archive is damaged)");
    out.resize(e.size);
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw std::runtime_error(where + ": zlib could not start inflating");
    // Inflate in pieces: zlib counts in 32-bit words.
    uint64_t in_done = 0, out_done = 0;
    int rc = Z_OK;
    while (rc == Z_OK) {
      uInt in_chunk = static_cast<uInt>(std::min<uint64_t>(e.compressed_size - in_done, 1u << 30));
      uInt out_chunk = static_cast<uInt>(std::min<uint64_t>(e.size - out_done, 1u << 30));
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes_.data() + data + in_done));
      z.avail_in = in_chunk;
      z.next_out = reinterpret_cast<Bytef*>(out.data() + out_done);
      z.avail_out = out_chunk;
      rc = inflate(&z, Z_NO_FLUSH);
      in_done += in_chunk - z.avail_in;
      out_done += out_chunk - z.avail_out;
      if (rc == Z_OK && z.avail_in == in_chunk && z.avail_out == out_chunk) rc = Z_BUF_ERROR;  // no progress
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END || out_done != e.size)
      throw std::runtime_error(where + ": cannot inflate (damaged or truncated deflate data)");
  } else {
    throw std::runtime_error(where + ": compression method " + std::to_string(e.method) +
                             " is not supported (only stored and deflated)");
  }
  uint32_t crc = 0;
  for (uint64_t done = 0; done < out.size();) {
    uInt piece = static_cast<uInt>(std::min<uint64_t>(out.size() - done, 1u << 30));
    crc = static_cast<uint32_t>(crc32(crc, reinterpret_cast<const Bytef*>(out.data() + done), piece));
    done += piece;
  }
  if (crc != e.crc) throw std::runtime_error(where + ": CRC-32 mismatch (the archive is damaged)");
  return out;
}

}  // namespace thorax::data
