// The thorax command line. Thin: parse, call the library, print. Errors are caught here once and
// printed as one sentence, without a stack trace.
#include <CLI/CLI.hpp>

#include <iostream>

#include "apps/bench_command.h"
#include "apps/compare_command.h"
#include "apps/cv_command.h"
#include "apps/data_command.h"
#include "apps/ensemble_command.h"
#include "apps/eval_command.h"
#include "apps/explain_command.h"
#include "apps/federate_command.h"
#include "apps/kernels_command.h"
#include "apps/model_command.h"
#include "apps/predict_command.h"
#include "apps/pretrain_command.h"
#include "apps/report_command.h"
#include "apps/train_command.h"
#include "train/comm/communicator.h"

int main(int argc, char** argv) {
  CLI::App app{"thorax: a from-scratch deep learning framework for chest X-ray classifiers"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "thorax " THORAX_VERSION);
  // One line per subcommand; each lives in apps/<name>_command.cpp.
  thorax::apps::add_kernels_command(app);
  thorax::apps::add_data_command(app);
  thorax::apps::add_model_command(app);
  thorax::apps::add_bench_command(app);
  thorax::apps::add_pretrain_command(app);
  thorax::apps::add_train_command(app);
  thorax::apps::add_eval_command(app);
  thorax::apps::add_cv_command(app);
  thorax::apps::add_ensemble_command(app);
  thorax::apps::add_explain_command(app);
  thorax::apps::add_predict_command(app);
  thorax::apps::add_federate_command(app);
  thorax::apps::add_ledger_command(app);
  thorax::apps::add_compare_command(app);
  thorax::apps::add_report_command(app);
  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      std::cerr << app.help() << "\nthorax: name a subcommand (listed above)\n";
      return 2;
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    if (thorax::train::in_mpi_job()) {
      // The other ranks would wait for this one forever: stop the whole job, saying which rank failed and why.
      auto& world = thorax::train::mpi_world();
      std::cerr << "thorax (rank " << world.rank() << " of " << world.size() << "): " << e.what()
                << " — stopping every rank of the job\n";
      world.abort(1);
    }
    std::cerr << "thorax: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
