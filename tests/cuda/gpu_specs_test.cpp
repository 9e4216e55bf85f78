// The GPU spec table of the CUDA benches (bench/cuda/gpu_specs.h): every datasheet number must agree with the
// peak computed from the same GPU's SM count and clocks, so a mistyped entry fails here, and the formula used
// for GPUs missing from the table is checked against seven datasheets at once.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "bench/cuda/gpu_specs.h"

using namespace thorax::cuda::bench;

namespace {

// What the runtime would report for each GPU of the table: SMs, boost clock and memory interface from the
// architecture whitepapers and datasheets. memory_mhz 0: the datasheet rounds its bandwidth too coarsely
// (2 TB/s, 3.9 TB/s) to check.
struct Reported {
  const char* name;
  int major, minor, sms, boost_mhz, memory_mhz, bus_bits;
};
const Reported kReported[] = {
    {"NVIDIA A100-PCIE-40GB", 8, 0, 108, 1410, 1215, 5120},
    {"NVIDIA A100-SXM4-40GB", 8, 0, 108, 1410, 1215, 5120},
    {"NVIDIA A100 80GB PCIe", 8, 0, 108, 1410, 1512, 5120},
    {"NVIDIA A100-SXM4-80GB", 8, 0, 108, 1410, 1593, 5120},
    {"NVIDIA H100 80GB HBM3", 9, 0, 132, 1980, 2619, 5120},
    {"NVIDIA H100 PCIe", 9, 0, 114, 1755, 0, 0},
    {"NVIDIA H100 NVL", 9, 0, 132, 1785, 0, 0},
    {"NVIDIA L4", 8, 9, 58, 2040, 6251, 192},
    {"Tesla T4", 7, 5, 40, 1590, 5001, 256},
    {"NVIDIA GeForce RTX 4090", 8, 9, 128, 2520, 10501, 384},
    {"NVIDIA GeForce RTX 3090", 8, 6, 82, 1695, 9751, 384},
    {"Tesla V100-SXM2-16GB", 7, 0, 80, 1530, 877, 4096},
    {"Tesla V100-SXM2-32GB", 7, 0, 80, 1530, 877, 4096},
    {"Tesla V100-PCIE-16GB", 7, 0, 80, 1380, 877, 4096},
    {"Tesla V100-PCIE-32GB", 7, 0, 80, 1380, 877, 4096},
    {"Tesla V100S-PCIE-32GB", 7, 0, 80, 1601, 1107, 4096},
};

const Reported* reported(const std::string& name) {
  for (const Reported& r : kReported)
    if (name == r.name) return &r;
  return nullptr;
}

thorax::cuda::DeviceInfo info(const Reported& r) {
  thorax::cuda::DeviceInfo d;
  d.name = r.name;
  d.major = r.major;
  d.minor = r.minor;
  d.sm_count = r.sms;
  d.clock_khz = r.boost_mhz * 1000;
  d.memory_clock_khz = r.memory_mhz * 1000;
  d.memory_bus_bits = r.bus_bits;
  return d;
}

}  // namespace

TEST_CASE("gpu specs: every datasheet peak agrees with SMs x lanes x 2 x boost clock within 1.5%") {
  REQUIRE(gpu_spec_table().size() == std::size(kReported));
  for (const GpuSpec& s : gpu_spec_table()) {
    CAPTURE(s.device_name);
    const Reported* r = reported(s.device_name);
    REQUIRE_MESSAGE(r != nullptr, "a table entry without its SM count and clocks in this test");
    const double tflops = computed_fp32_tflops(r->sms, r->boost_mhz * 1000, r->major, r->minor);
    CHECK(std::fabs(tflops - s.fp32_tflops) <= 0.015 * s.fp32_tflops);
    if (r->memory_mhz > 0) {
      const double gbps = computed_memory_gb_per_s(r->memory_mhz * 1000, r->bus_bits);
      CHECK(std::fabs(gbps - s.memory_gb_per_s) <= 0.015 * s.memory_gb_per_s);
    }
    CHECK(std::string(s.source).find("NVIDIA") == 0);
  }
}

TEST_CASE("gpu specs: a known GPU takes its datasheet numbers, an unknown one the computed peak") {
  const Peak a100 = device_peak(info(*reported("NVIDIA A100-SXM4-80GB")));
  CHECK(a100.fp32_tflops == 19.5);
  CHECK(a100.memory_gb_per_s == 2039);
  CHECK(a100.source == "NVIDIA A100 datasheet");

  // A GPU missing from the table (an RTX A6000: GA102, 84 SMs, 1800 MHz, 384-bit GDDR6 at 8001 MHz).
  thorax::cuda::DeviceInfo d;
  d.name = "NVIDIA RTX A6000";
  d.major = 8;
  d.minor = 6;
  d.sm_count = 84;
  d.clock_khz = 1800000;
  d.memory_clock_khz = 8001000;
  d.memory_bus_bits = 384;
  const Peak other = device_peak(d);
  CHECK(other.fp32_tflops == doctest::Approx(2.0 * 84 * 128 * 1.8e9 / 1e12));
  CHECK(other.memory_gb_per_s == doctest::Approx(2.0 * 8.001e9 * 48 / 1e9));
  CHECK(other.source == "computed: 84 SMs x 128 FP32 lanes x 2 x 1800 MHz; memory 8001 MHz x 2 x 384 bits");

  // A compute capability the lane table does not know: no peak rather than a wrong one.
  d.major = 5;
  CHECK(device_peak(d).fp32_tflops == 0);
  CHECK(find_gpu_spec("NVIDIA GeForce RTX 3090 Ti") == nullptr);  // exact names only: the Ti is faster
}
