// The kernel registry: every op's versions (the plain-loop reference, CPU variants, later CUDA variants)
// under one name. Tests compare every version with the reference, benches time every version side by
// side, and a meta-test fails unless every version was checked in the run — so a version cannot be added
// without being tested.
//
// Tables are constants built on first use (no registration side effects, nothing for a static-library
// linker to drop); `registry()` lists them all for enumeration.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace thorax::kernels {

enum class Backend { Reference, CPU, CUDA };
const char* backend_name(Backend b);

template <class Fn> struct Version {
  Version() = default;
  Version(std::string n, Backend b, Fn f, std::string alias = "")
      : name(std::move(n)), backend(b), fn(f), alias_of(std::move(alias)) {}

  std::string name;  // "reference", "blocked", "im2col_gemm", ...
  Backend backend = Backend::Reference;
  Fn fn{};
  // Non-empty when this version runs the same code as another (e.g. a CPU slot still served by the
  // reference). The tests still run it and report it as an alias instead of counting it as a kernel.
  std::string alias_of;
};

template <class Fn> struct Op {
  std::string name;
  std::vector<Version<Fn>> versions;  // versions[0] is the reference
  std::string default_cpu;            // the version autograd runs for float32 on the CPU
  // Versions built into thorax that this CPU cannot run ("packed_avx512: needs avx512f ..."): left out
  // of `versions`, so no test, bench or default ever calls them; `thorax kernels` lists them.
  std::vector<std::string> unavailable = {};

  const Version<Fn>& reference() const { return versions.front(); }
  const Version<Fn>& get(const std::string& version) const {
    for (const auto& v : versions)
      if (v.name == version) return v;
    throw std::invalid_argument("kernel op '" + name + "' has no version '" + version + "'");
  }
  Fn cpu() const { return get(default_cpu).fn; }
};

// One row per (op, version), for tests, benches and the coverage meta-test.
struct VersionInfo {
  std::string op, version;
  Backend backend;
  std::string alias_of;
  bool is_default_cpu = false;  // the version autograd runs for float32 on the CPU
};
std::vector<VersionInfo> registry();
// Every op's `unavailable` versions on this CPU, as "op/version: needs ...".
std::vector<std::string> unavailable_versions();

// Helper for the tables: lists the versions of `op` as VersionInfo rows.
template <class Fn> void describe(const Op<Fn>& op, std::vector<VersionInfo>& out) {
  for (const auto& v : op.versions) out.push_back({op.name, v.name, v.backend, v.alias_of, v.name == op.default_cpu});
}

}  // namespace thorax::kernels
