#include "apps/model_command.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "autograd/grad_mode.h"
#include "models/model_spec.h"
#include "models/registry.h"
#include "models/summary.h"
#include "models/weights.h"
#include "nn/weights_file.h"
#include "tensor/npy.h"

namespace thorax::apps {

namespace {

void print_card(const nn::ModelCard& c) {
  std::printf("model card\n");
  std::printf("  architecture    %s\n", c.architecture.empty() ? "(not recorded)" : c.architecture.c_str());
  std::printf("  arguments       %s\n", c.arguments.dump().c_str());
  std::string classes;
  for (size_t i = 0; i < c.classes.size() && i < 20; ++i) classes += (i ? ", " : "") + c.classes[i];
  if (c.classes.size() > 20) classes += ", ... (" + std::to_string(c.classes.size() - 20) + " more)";
  std::printf("  label space     %s%s%zu classes%s%s\n", c.label_kind.c_str(), c.label_kind.empty() ? "" : ", ",
              c.classes.size(), classes.empty() ? "" : ": ", classes.c_str());
  std::printf("  preprocessing   %s\n", c.preprocessing.is_null() ? "(not recorded)" : c.preprocessing.dump().c_str());
  std::printf("  training data   %s\n", c.training_data.is_null() ? "(not recorded)" : c.training_data.dump().c_str());
  std::printf("  created at      %s\n", c.created_at.c_str());
  std::printf("  thorax version  %s\n", c.thorax_version.c_str());
  // read_weights refuses a file whose data does not match a recorded hash, so a printed hash was verified.
  std::printf("  tensor sha256   %s\n", c.tensor_sha256.empty() ? "(none recorded)" : (c.tensor_sha256 + " (verified)").c_str());
  for (auto it = c.extra.begin(); it != c.extra.end(); ++it)
    std::printf("  %-15s %s\n", it.key().c_str(), it.value().dump().c_str());
}

void print_summary(models::Model& model, int64_t res) {
  models::ModelSummary s = models::summarize(model, res);
  std::printf("%-48s %-22s %-20s %12s %14s\n", "layer", "type", "output", "params", "FLOPs");
  for (const nn::LayerRecord& r : s.layers)
    if (r.leaf)
      std::printf("%-48s %-22s %-20s %12lld %14lld\n", r.name.c_str(), r.type.c_str(), shape_str(r.output).c_str(),
                  static_cast<long long>(r.params), static_cast<long long>(r.flops));
  std::string stages;
  for (const std::string& st : model.stages()) stages += (stages.empty() ? "" : ", ") + st;
  std::printf("architecture     %s (in_channels %lld, num_classes %lld)\n",
              models::model_spec_string(model.architecture(), model.args()).c_str(),
              static_cast<long long>(model.args().in_channels), static_cast<long long>(model.args().num_classes));
  std::printf("parameters       %lld (%.2f M), trainable %lld\n", static_cast<long long>(s.parameters),
              static_cast<double>(s.parameters) / 1e6, static_cast<long long>(s.trainable));
  std::printf("FLOPs            %.3f G per %lldx%lld image (%.3f G multiply-adds in conv/linear layers)\n",
              static_cast<double>(s.flops) / 1e9, static_cast<long long>(res), static_cast<long long>(res),
              static_cast<double>(s.flops) / 2e9);
  std::printf("logits           %s, features %s\n", shape_str(s.logits).c_str(), shape_str(s.features).c_str());
  std::printf("stages           %s (Grad-CAM default: %s)\n", stages.c_str(), model.stages().back().c_str());
}

struct ArgsFlags {
  int64_t in_channels = 0, num_classes = 0;  // 0: not given
  models::ModelArgs resolve() const {
    models::ModelArgs a;
    if (in_channels) a.in_channels = in_channels;
    if (num_classes) a.num_classes = num_classes;
    return a;
  }
};

void add_args_flags(CLI::App* cmd, ArgsFlags& f, const std::string& from) {
  cmd->add_option("--in-channels", f.in_channels, "Input channels: 1 (grayscale) or 3 (default: " + from + ")")
      ->check(CLI::IsMember({1, 3}));
  cmd->add_option("--num-classes", f.num_classes, "Number of outputs (default: " + from + ")")->check(CLI::PositiveNumber);
}

models::LoadModelOptions load_options(const std::string& arch, const ArgsFlags& f) {
  models::LoadModelOptions o;
  o.architecture = arch;
  if (f.in_channels) o.in_channels = f.in_channels;
  if (f.num_classes) o.num_classes = f.num_classes;
  return o;
}

void add_list(CLI::App* parent) {
  auto* cmd = parent->add_subcommand("list", "List the architectures (parameters counted for 3 channels, 1000 classes)");
  cmd->callback([] {
    std::printf("%-20s %12s  %s\n", "name", "parameters", "description");
    const auto zoo = models::model_zoo();
    for (const models::ModelInfo& info : zoo) {
      auto m = info.make(models::ModelArgs{});
      std::printf("%-20s %12lld  %s (min %lldx%lld)\n", info.name.c_str(), static_cast<long long>(m->num_parameters()),
                  info.description.c_str(), static_cast<long long>(m->min_size()), static_cast<long long>(m->min_size()));
    }
    std::printf("%zu models\n", zoo.size());
  });
}

void add_summary(CLI::App* parent) {
  auto* cmd = parent->add_subcommand("summary", "Parameters, FLOPs and per-layer output shapes of a model; for a "
                                                "weights file also its model card");
  struct Opts {
    std::string target, model;
    int64_t res = 224;
    ArgsFlags args;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("target", o->target, "A model name (see `thorax model list`) or a .safetensors weights file")->required();
  cmd->add_option("--res", o->res, "Input height and width in pixels")->check(CLI::PositiveNumber);
  cmd->add_option("--model", o->model, "Architecture of a weights file without a model card");
  add_args_flags(cmd, o->args, "the file's, else 3 and 1000");
  cmd->callback([o] {
    if (std::filesystem::is_regular_file(o->target)) {
      models::LoadedModel loaded = models::load_model(o->target, load_options(o->model, o->args));
      std::printf("weights file     %s (%zu tensors loaded)\n", o->target.c_str(), loaded.report.loaded.size());
      if (loaded.card) print_card(*loaded.card);
      else std::printf("model card       none (exported without one)\n");
      print_summary(*loaded.model, o->res);
      return;
    }
    // A name or spec ("dual_stream?recon_weight=0.5"), or else a path that does not exist.
    const std::string name = o->target.substr(0, o->target.find('?'));
    if (name.find('.') != std::string::npos || name.find('/') != std::string::npos)
      throw std::invalid_argument("no such file: " + o->target);
    if (!o->model.empty()) throw std::invalid_argument("--model only applies to a weights file");
    print_summary(*models::create_model_for_loading(o->target, o->args.resolve()), o->res);
  });
}

void add_forward(CLI::App* parent) {
  auto* cmd = parent->add_subcommand("forward", "Run a model with given weights on a float32 NCHW .npy batch and "
                                                "write its logits as .npy");
  struct Opts {
    std::string model, weights, input, output, features;
    bool train_mode = false;
    ArgsFlags args;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--model", o->model, "Architecture (default: the weights file's model card)");
  cmd->add_option("--weights", o->weights, "A .safetensors weights file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--input", o->input, "float32 .npy of shape (N, C, H, W)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--output", o->output, "Where to write the logits (.npy, float32 (N, classes))")->required();
  cmd->add_option("--features", o->features, "Also write the pooled features (.npy)");
  cmd->add_flag("--train-mode", o->train_mode,
                "Batch norm uses the batch's statistics (dropout stays off, so the output is reproducible)");
  add_args_flags(cmd, o->args, "the weights file's");
  cmd->callback([o] {
    models::LoadedModel loaded = models::load_model(o->weights, load_options(o->model, o->args));
    models::Model& model = *loaded.model;
    Tensor x = npy_load(o->input);
    if (x.dtype() != DType::f32)
      throw std::invalid_argument(o->input + " holds " + dtype_name(x.dtype()) + "; thorax models take float32 images");
    models::set_reproducible_mode(model, o->train_mode);
    autograd::NoGrad no_grad;
    models::ModelOutput out = model.run(x);
    npy_save(o->output, out.logits);
    if (!o->features.empty()) npy_save(o->features, out.features);
    std::printf("%s: %s logits %s -> %s (%s mode)\n", model.architecture().c_str(), o->input.c_str(),
                shape_str(out.logits.shape()).c_str(), o->output.c_str(), o->train_mode ? "train" : "eval");
  });
}

void add_init(CLI::App* parent) {
  auto* cmd = parent->add_subcommand("init", "Write a freshly initialized model (torchvision's initialization) as a "
                                             "weights file with its model card");
  struct Opts {
    std::string model, output, classes, label_kind;
    uint64_t seed = 0;
    ArgsFlags args;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("model", o->model, "Architecture (see `thorax model list`)")->required();
  cmd->add_option("--output", o->output, "The .safetensors file to write")->required();
  cmd->add_option("--seed", o->seed, "Seed of the initialization");
  cmd->add_option("--classes", o->classes, "Comma-separated class names, in output order");
  cmd->add_option("--label-kind", o->label_kind, "multi-class or multi-label")
      ->check(CLI::IsMember({"multi-class", "multi-label"}));
  add_args_flags(cmd, o->args, "3 and 1000, or the number of --classes");
  cmd->callback([o] {
    nn::ModelCard card;
    for (size_t start = 0; !o->classes.empty() && start <= o->classes.size();) {
      size_t comma = o->classes.find(',', start);
      card.classes.push_back(o->classes.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      start = comma == std::string::npos ? o->classes.size() + 1 : comma + 1;
    }
    models::ModelArgs args = o->args.resolve();
    if (!card.classes.empty() && !o->args.num_classes) args.num_classes = static_cast<int64_t>(card.classes.size());
    if (!card.classes.empty() && args.num_classes != static_cast<int64_t>(card.classes.size()))
      throw std::invalid_argument(std::to_string(card.classes.size()) + " class names given for --num-classes " +
                                  std::to_string(args.num_classes));
    card.label_kind = o->label_kind;
    Generator gen(o->seed);
    auto model = models::create_model(o->model, args, gen);
    card = models::save_model(o->output, *model, card);
    std::printf("wrote %s: %s, %lld parameters, seed %llu, sha256 %s\n", o->output.c_str(), o->model.c_str(),
                static_cast<long long>(model->num_parameters()), static_cast<unsigned long long>(o->seed),
                card.tensor_sha256.c_str());
  });
}

}  // namespace

void add_model_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("model", "The model zoo: list, summary, forward, init");
  cmd->require_subcommand(1);
  add_list(cmd);
  add_summary(cmd);
  add_forward(cmd);
  add_init(cmd);
}

}  // namespace thorax::apps
