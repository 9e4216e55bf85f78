#include "apps/federate_command.h"

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "apps/train_options.h"
#include "train/federated.h"
#include "train/ledger.h"

namespace thorax::apps {

void add_federate_command(CLI::App& app) {
  struct Options {
    train::FederatedConfig f;
    std::string out;
    bool epochs_given = false, semi = false, no_centralized = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "federate",
      "Federated training: every round each site trains on its own data from the global model and sends a masked "
      "update (secure aggregation); the server adds the sum to the global model and appends to a hash-chained "
      "ledger. Reports per-round test AUROC, bytes and time beside a centralized run on the union.\n"
      "Example: thorax federate --site 'embedded?n=300&seed=1&prevalence.Mass=0.4' --site 'embedded?n=300&seed=2' "
      "--rounds 5 --local-epochs 1 --model small_cnn --res 64 --out runs/fed");
  cmd->add_option("--site", o->f.sites, "A site's dataset spec (repeat: two or more sites sharing one label space)")
      ->required()->group("Federation");
  cmd->add_option("--rounds", o->f.rounds, "Federated rounds")->group("Federation");
  cmd->add_option("--local-epochs", o->f.local_epochs, "Epochs each site trains per round")->group("Federation");
  cmd->add_flag("--mpi", o->f.mpi, "One site per MPI rank: mpirun -np <number of sites> thorax federate --mpi ... "
                                  "(rank k opens only site k's data; rank 0 writes the run)")->group("Federation");
  cmd->add_flag("--no-centralized", o->no_centralized, "Skip the centralized comparison run on the union of the sites")
      ->group("Federation");
  cmd->add_option("--out", o->out, "Run directory to create: round-NNN.safetensors, ledger.jsonl, federation.json, "
                                   "report.md, one folder per site")->required();
  add_data_options(cmd, o->f.base);
  add_supervised_options(cmd, o->f.base, &o->semi, &o->epochs_given);
  // The sites replace --data; rounds × local epochs replace --epochs.
  cmd->remove_option(cmd->get_option("--data"));
  cmd->remove_option(cmd->get_option("--epochs"));
  cmd->callback([o] {
    if (o->semi) throw std::runtime_error("federate trains supervised only (--semi-supervised is not supported)");
    o->f.centralized = !o->no_centralized;
    train::federate(o->f, o->out, [](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    });
  });
}

void add_ledger_command(CLI::App& app) {
  auto* ledger = app.add_subcommand("ledger", "The ledger of a federated run (thorax federate)");
  ledger->require_subcommand(1);
  auto dir = std::make_shared<std::string>();
  auto* verify = ledger->add_subcommand(
      "verify", "Check every record's hash, the chain of links, the round numbers, and every model file against its "
                "hash; exit 1 naming each problem");
  verify->add_option("DIR", *dir, "Run directory of thorax federate")->required();
  verify->callback([dir] {
    const train::LedgerCheck check = train::verify_ledger(*dir);
    if (check.ok()) {
      std::printf("ledger %s: %lld rounds, every record sealed and linked, every model file matches its hash\n",
                  dir->c_str(), static_cast<long long>(check.rounds));
      return;
    }
    for (const auto& p : check.problems) std::printf("problem: %s\n", p.c_str());
    throw std::runtime_error("ledger " + *dir + ": " + std::to_string(check.problems.size()) +
                             " problem(s) found — the run's record cannot be trusted");
  });
}

}  // namespace thorax::apps
