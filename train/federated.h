// Federated training (`thorax federate`, seed 001's problem 3): sites that cannot share images train one model
// together. FedAvg (McMahan et al. 2017) weighted by site size: each round every site starts from the global
// model, trains `local_epochs` on its own data (a thorax train run of its own, train/trainer.h), and sends its
// update (local − global weights, times its share of all training images) through secure aggregation
// (train/secure_aggregation.h): the server sees only the exact sum, which it adds to the global model. Every
// round appends to the tamper-evident ledger (train/ledger.h). Per round: the global model's macro AUROC on the
// sites' pooled test splits, bytes sent and received, and time; at the end a centralized run on the union of the
// sites' data (same splits, the same number of epochs in all) for comparison, in federation.json and report.md.
//
// Sites live either in one process, training one after another (a quick run, a test), or one per MPI rank
// (`mpirun -np <sites> thorax federate --mpi ...`): then a site's images are opened only by its own rank, pair keys
// go from rank to rank, the masked updates meet in an allreduce, and rank 0 writes the models, the ledger and the
// report. The centralized comparison needs every site's data in one place, so it runs only in one process.
// Integer buffers (batch norm's step counts) are not averaged.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "train/train_config.h"

namespace thorax::train {

struct FederatedConfig {
  std::vector<std::string> sites;  // dataset specs sharing one label space
  int rounds = 5;
  int local_epochs = 1;
  bool centralized = true;  // also train on the union of the sites for comparison (one process only)
  bool mpi = false;         // one site per MPI rank
  TrainConfig base;         // model, resolution, optimizer, batch, seed, threads...; its data and epochs unused
};

struct FederatedRound {
  int round = 0;
  double macro_auroc = 0;  // the new global model on the sites' pooled test splits
  int64_t bytes_up = 0;    // masked updates sent by all sites (4 bytes per value)
  int64_t bytes_down = 0;  // the global model sent to all sites
  int64_t clipped = 0;     // update values beyond the fixed-point range
  double seconds = 0;
};

struct FederatedSummary {
  std::vector<FederatedRound> rounds;
  double centralized_auroc = -1;  // -1 when not run
  double centralized_seconds = 0;
};

FederatedSummary federate(const FederatedConfig& config, const std::string& out_dir,
                          const std::function<void(const std::string&)>& print);

}  // namespace thorax::train
