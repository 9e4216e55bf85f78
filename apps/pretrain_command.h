// `thorax pretrain`: SimCLR self-supervised pretraining of an encoder on unlabeled images (train/trainer.h).
#pragma once
#include <CLI/CLI.hpp>

namespace thorax::apps {

void add_pretrain_command(CLI::App& app);

}  // namespace thorax::apps
