#include "train/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "tensor/rng.h"

namespace thorax::train {

ResampleUnits ResampleUnits::of(const std::vector<std::string>& patient_id) {
  ResampleUnits u;
  std::unordered_map<std::string, uint32_t> index;
  u.unit_of_row.reserve(patient_id.size());
  for (const std::string& id : patient_id) {
    auto [it, fresh] = index.emplace(id, static_cast<uint32_t>(index.size()));
    u.unit_of_row.push_back(it->second);
  }
  u.patients = index.size() < patient_id.size();
  if (!u.patients)
    for (size_t r = 0; r < u.unit_of_row.size(); ++r) u.unit_of_row[r] = static_cast<uint32_t>(r);
  u.units = static_cast<uint32_t>(u.patients ? index.size() : patient_id.size());
  return u;
}

void resample_weights(const ResampleUnits& u, uint64_t seed, int64_t index, std::vector<double>& weight,
                      std::vector<uint32_t>& count) {
  count.assign(u.units, 0);
  for (uint32_t j = 0; j < u.units; j += 4) {
    const std::array<uint32_t, 4> bits = philox4x32(j / 4, static_cast<uint64_t>(index), seed);
    for (uint32_t k = 0; k < 4 && j + k < u.units; ++k)
      ++count[(static_cast<uint64_t>(bits[k]) * u.units) >> 32];  // uniform over units (bias < units / 2^32)
  }
  weight.resize(u.unit_of_row.size());
  for (size_t r = 0; r < weight.size(); ++r) weight[r] = count[u.unit_of_row[r]];
}

BootstrapSamples run_bootstrap(const ResampleUnits& units, size_t statistics, const Statistics& compute,
                               const BootstrapOptions& options) {
  if (options.resamples < 0) throw std::invalid_argument("bootstrap: the number of resamples cannot be negative");
  const int resamples = options.resamples;
  BootstrapSamples samples(statistics, std::vector<std::optional<double>>(static_cast<size_t>(resamples)));
  if (resamples == 0 || units.units == 0) return samples;
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, resamples);
  // Each resample writes only its own column, so the threads share nothing but read-only inputs.
  std::vector<std::exception_ptr> failed(static_cast<size_t>(threads));
  auto work = [&](int first) {
    try {
      std::vector<double> weight;
      std::vector<uint32_t> count;
      std::vector<std::optional<double>> out(statistics);
      for (int b = first; b < resamples; b += threads) {
        resample_weights(units, options.seed, b, weight, count);
        std::fill(out.begin(), out.end(), std::nullopt);
        compute(weight, out);
        for (size_t s = 0; s < statistics; ++s) samples[s][b] = out[s];
      }
    } catch (...) {
      failed[static_cast<size_t>(first)] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
  return samples;
}

double quantile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) throw std::invalid_argument("quantile of no values");
  const double h = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

Interval percentile_interval(std::span<const std::optional<double>> samples, double level) {
  Interval iv;
  std::vector<double> values;
  for (const auto& v : samples) {
    if (v)
      values.push_back(*v);
    else
      ++iv.skipped;
  }
  iv.used = static_cast<int>(values.size());
  if (values.empty()) return iv;
  std::sort(values.begin(), values.end());
  iv.low = quantile_sorted(values, (1 - level) / 2);
  iv.high = quantile_sorted(values, (1 + level) / 2);
  return iv;
}

std::optional<double> fraction_at_most(std::span<const std::optional<double>> samples, double x) {
  size_t used = 0, at_most = 0;
  for (const auto& v : samples)
    if (v) {
      ++used;
      at_most += *v <= x;
    }
  if (used == 0) return std::nullopt;
  return static_cast<double>(at_most) / static_cast<double>(used);
}

}  // namespace thorax::train
