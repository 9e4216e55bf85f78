// --device cpu|cuda[:N], for the commands that compute (train, pretrain, eval, predict, bench model).
#pragma once
#include <CLI/CLI.hpp>

#include <string>

namespace thorax::apps {

// Adds --device to `cmd`. The value is checked as soon as it is parsed, before the command does any work:
// anything but the CPU throws one sentence saying why it cannot be used here (check_device).
void add_device_option(CLI::App* cmd);
// Throws the sentence for a device this thorax cannot run on: a malformed name, CUDA in a build without it,
// CUDA on a machine without a usable GPU (thorax::cuda::unavailable_reason()), and, for now, any CUDA
// device at all, since the commands compute on the CPU only.
void check_device(const std::string& device);

}  // namespace thorax::apps
