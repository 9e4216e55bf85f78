// `embedded?n=..&res=..&seed=..`: a phantom set generated on first use into a cache folder, then read as NIH.
// Two processes asking for the same set at once never see half of it: each generates into its own temporary
// folder and renames it into place; the loser of the race deletes its copy and uses the winner's.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <thread>

#include "data/dataset.h"
#include "data/files.h"
#include "data/phantom.h"
#include "data/random.h"

namespace fs = std::filesystem;

namespace thorax::data {

namespace {

std::string cache_root(const DatasetSpec& spec, const OpenOptions& options) {
  if (spec.has("cache")) return spec.get("cache");
  if (!options.cache_dir.empty()) return options.cache_dir;
  if (const char* c = std::getenv("THORAX_CACHE"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/thorax";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/thorax";
  throw std::runtime_error("embedded: no cache folder (set THORAX_CACHE, or add cache=DIR to the spec)");
}

}  // namespace

PhantomConfig phantom_config_from(const DatasetSpec& spec) {
  // Checked here, before the numbers name a cache folder or are narrowed: a spec is typed by hand.
  PhantomConfig c;
  c.n = spec.get_int("n", 1000);
  if (c.n < 1) throw std::invalid_argument("embedded: n=" + std::to_string(c.n) + " must be at least 1");
  const long long res = spec.get_int("res", 128);
  if (res < 64 || res > 4096)
    throw std::invalid_argument("embedded: res=" + std::to_string(res) + " is outside 64..4096 pixels");
  c.res = static_cast<int>(res);
  const long long seed = spec.get_int("seed", 1);
  if (seed < 0) throw std::invalid_argument("embedded: seed=" + std::to_string(seed) + " must not be negative");
  c.seed = static_cast<uint64_t>(seed);
  for (const auto& [name, value] : spec.with_prefix("prevalence")) {
    if (c.prevalence.find(name) == c.prevalence.end())
      throw std::invalid_argument("embedded: prevalence." + name + " names no phantom finding (" +
                                  join(phantom_findings()) + ")");
    const double p = spec.get_double("prevalence." + name, 0.0);
    if (!(p >= 0 && p <= 1))
      throw std::invalid_argument("embedded: prevalence." + name + "=" + value + " is outside [0, 1]");
    c.prevalence[name] = p;
  }
  return c;
}

std::string phantom_cache_name(const PhantomConfig& c) {
  std::string name = "phantom-v" + std::to_string(kPhantomVersion) + "-n" + std::to_string(c.n) + "-r" +
                     std::to_string(c.res) + "-s" + std::to_string(c.seed);
  if (c.prevalence != default_prevalence()) {
    uint64_t h = 0;
    for (const auto& [k, v] : c.prevalence)
      h = stream_id(h, std::hash<std::string>{}(k), static_cast<uint64_t>(v * 1e9));
    char buf[24];
    std::snprintf(buf, sizeof buf, "-p%016llx", static_cast<unsigned long long>(h));
    name += buf;
  }
  return name;
}

Dataset read_embedded(const DatasetSpec& spec, const OpenOptions& options) {
  const PhantomConfig config = phantom_config_from(spec);
  const std::string root = cache_root(spec, options);
  const std::string dir = root + "/" + phantom_cache_name(config);
  bool generated = false;
  if (!is_file(dir + "/phantom.json")) {
    fs::create_directories(root);
    const std::string tmp = dir + ".tmp-" + std::to_string(::getpid()) + "-" +
                            std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()) % 100000);
    fs::remove_all(tmp);
    std::function<void(int64_t, int64_t)> progress;
    if (options.progress) progress = [&](int64_t d, int64_t t) { options.progress("generating phantoms", d, t); };
    try {
      write_phantom_set(config, tmp, options.threads, progress);
    } catch (...) {
      std::error_code ec;
      fs::remove_all(tmp, ec);
      throw;
    }
    std::error_code ec;
    fs::rename(tmp, dir, ec);
    if (ec) {  // another process finished first: use its set
      fs::remove_all(tmp, ec);
      if (!is_file(dir + "/phantom.json"))
        throw std::runtime_error("embedded: cannot move the generated set into " + dir);
    } else {
      generated = true;
    }
  }
  DatasetSpec nih;
  nih.text = spec.text;
  nih.kind = "nih";
  nih.path = dir;
  nih.options = {{"csv", "Data_Entry_2017.csv"},
                 {"images", "images"},
                 {"lungs", "lungs"},
                 {"labels", join(phantom_findings(), ",")}};
  Dataset d = read_nih(nih, options);
  d.report.note(std::string(generated ? "generated" : "reused") + " the phantom set in " + dir);
  return d;
}

}  // namespace thorax::data
