#include "models/model.h"

#include <algorithm>
#include <stdexcept>

#include "nn/dropout.h"

namespace thorax::models {

Model::Model(std::string architecture, ModelArgs args, int64_t min_size, std::vector<std::string> option_keys)
    : arch_(std::move(architecture)), args_(std::move(args)), min_size_(min_size) {
  if (args_.in_channels < 1 || args_.num_classes < 1)
    throw std::invalid_argument(arch_ + ": in_channels and num_classes must be positive, got " +
                                std::to_string(args_.in_channels) + " and " + std::to_string(args_.num_classes));
  auto takes = [&](const std::string& key) {
    return std::find(option_keys.begin(), option_keys.end(), key) != option_keys.end();
  };
  std::string known;
  for (const std::string& k : option_keys) known += (known.empty() ? "" : ", ") + k;
  known = known.empty() ? "it takes none" : "it takes: " + known;
  if (args_.width < 0) throw std::invalid_argument(arch_ + ": width must be positive (0: the default), got " +
                                                   std::to_string(args_.width));
  if (args_.width != 0 && !takes("width"))
    throw std::invalid_argument(arch_ + ": width " + std::to_string(args_.width) + " is not an option of this model (" +
                                known + ")");
  for (const auto& [key, value] : args_.options)
    if (key == "width" || !takes(key))
      throw std::invalid_argument(arch_ + ": unknown option '" + key + "' (" + known + ")");
}

ModelOutput Model::run(const Tensor& x, const Tensor& labels) {
  if (x.dim() != 4 || x.size(1) != args_.in_channels)
    throw std::invalid_argument(arch_ + " takes images (N, " + std::to_string(args_.in_channels) +
                                ", H, W), got " + shape_str(x.shape()) +
                                (x.dim() == 4 ? " (the model was built for " + std::to_string(args_.in_channels) +
                                                    " input channels)"
                                              : ""));
  if (x.size(2) < min_size_ || x.size(3) < min_size_)
    throw std::invalid_argument(arch_ + " needs images of at least " + std::to_string(min_size_) + "x" +
                                std::to_string(min_size_) + " pixels, got " + std::to_string(x.size(2)) + "x" +
                                std::to_string(x.size(3)));
  return forward_output(x, labels);
}

void set_reproducible_mode(Model& model, bool batch_statistics) {
  model.train(batch_statistics);
  for (auto& [name, m] : model.named_modules())
    if (dynamic_cast<nn::Dropout*>(m) || dynamic_cast<nn::StochasticDepth*>(m)) m->eval();
}

namespace {

class StageCapture : public nn::ForwardObserver {
 public:
  explicit StageCapture(std::map<const nn::Module*, std::string> wanted) : wanted_(std::move(wanted)) {}
  void on_forward(const nn::Module& m, const Tensor&, const Tensor& output) override {
    auto it = wanted_.find(&m);
    if (it != wanted_.end()) got[it->second] = output;  // a module called twice keeps its last output
  }
  std::map<std::string, Tensor> got;

 private:
  std::map<const nn::Module*, std::string> wanted_;
};

}  // namespace

StagedOutput run_with_stages(Model& model, const Tensor& x, const std::vector<std::string>& names) {
  std::map<const nn::Module*, std::string> wanted;
  for (const std::string& name : names) {
    try {
      wanted[&model.at(name)] = name;
    } catch (const std::invalid_argument& e) {
      std::string stages;
      for (const std::string& s : model.stages()) stages += (stages.empty() ? "" : ", ") + s;
      throw std::invalid_argument(model.architecture() + " has no layer '" + name + "' (its stages: " + stages + "; " +
                                  e.what() + ")");
    }
  }
  StageCapture capture(wanted);
  StagedOutput out;
  {
    nn::ObserverScope scope(model, capture);
    out.output = model.run(x);
  }
  for (const std::string& name : names)
    if (!capture.got.count(name))
      throw std::invalid_argument(model.architecture() + ": the layer '" + name +
                                  "' did not run in this forward pass (e.g. an auxiliary head in eval mode)");
  out.stages = std::move(capture.got);
  return out;
}

}  // namespace thorax::models
