// A reader for ZIP archives as NumPy writes them (.npz): the central directory (with ZIP64 sizes and offsets),
// entries stored or deflated (raw deflate via zlib), CRC-32 checked. Every offset is bounds-checked against the
// archive, and entry names are only ever compared, never used as paths.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace thorax::data {

struct ZipEntry {
  std::string name;
  uint16_t method = 0;  // 0 stored, 8 deflated
  uint16_t flags = 0;
  uint32_t crc = 0;
  uint64_t compressed_size = 0, size = 0, local_offset = 0;
};

class ZipReader {
 public:
  // `what` names the archive in error messages.
  ZipReader(std::string bytes, std::string what);
  static ZipReader open(const std::string& path);

  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(const std::string& name) const;  // null when absent
  std::string read(const ZipEntry& entry) const;

 private:
  std::string bytes_, what_;
  std::vector<ZipEntry> entries_;
};

}  // namespace thorax::data
