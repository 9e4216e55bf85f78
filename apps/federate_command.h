// `thorax federate`: federated training across sites with secure aggregation and a ledger (train/federated.h),
// and `thorax ledger verify DIR`, which checks a federated run's hash chain (train/ledger.h).
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_federate_command(CLI::App& app);
void add_ledger_command(CLI::App& app);

}  // namespace thorax::apps
