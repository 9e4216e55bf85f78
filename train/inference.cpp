#include "train/inference.h"

#include <cmath>
#include <limits>

#include "autograd/grad_mode.h"
#include "train/progress.h"

namespace thorax::train {

namespace {

Tensor matrix(const std::vector<float>& values, size_t rows, int cols) {
  return Tensor::from_vector(values, {static_cast<int64_t>(rows), static_cast<int64_t>(cols)});
}

}  // namespace

Tensor InferenceResult::logits_tensor() const { return matrix(logits, predictions.rows(), predictions.classes()); }

Tensor InferenceResult::targets_tensor() const {
  std::vector<float> t = predictions.target;
  for (float& v : t) v = std::isnan(v) ? 0.0f : v;
  return matrix(t, predictions.rows(), predictions.classes());
}

Tensor InferenceResult::masks_tensor() const {
  std::vector<float> m(predictions.target.size());
  for (size_t i = 0; i < m.size(); ++i) m[i] = std::isnan(predictions.target[i]) ? 0.0f : 1.0f;
  return matrix(m, predictions.rows(), predictions.classes());
}

Inference::Inference(const data::Dataset& dataset, std::vector<size_t> indices, const data::Pipeline& pipeline,
                     const data::LabelSpace& model_labels, int batch_size, int threads, bool cache)
    : dataset_(dataset),
      indices_(std::move(indices)),
      model_labels_(model_labels),
      class_map_(data::map_label_space(dataset.labels, model_labels)) {
  data::LoaderOptions o;
  o.batch_size = batch_size;
  o.shuffle = false;
  o.threads = threads;
  o.channels = 1;  // X-rays are gray; the pipeline's channels step makes what the model takes
  o.pipeline = pipeline;
  o.cache = cache;
  loader_ = std::make_unique<data::Loader>(dataset_, indices_, o);
}

InferenceResult Inference::run(models::Model& model, const std::vector<std::string>& split, const std::string& label) {
  autograd::NoGrad no_grad;
  model.eval();
  const int k = model_labels_.size();
  const bool softmax = model_labels_.kind == data::LabelKind::multi_class;
  InferenceResult r;
  Predictions& p = r.predictions;
  p.labels = model_labels_;
  Progress progress(label, static_cast<int64_t>(indices_.size()), !label.empty());
  loader_->start_epoch(0);
  data::Batch batch;
  while (loader_->next(batch)) {
    const Tensor logits = model.run(batch.images).logits.contiguous();
    const float* z = logits.data<float>();
    const int64_t n = logits.size(0);
    for (int64_t b = 0; b < n; ++b) {
      const float* row = z + b * k;
      r.logits.insert(r.logits.end(), row, row + k);
      if (softmax) {
        float top = row[0];
        for (int c = 1; c < k; ++c) top = std::max(top, row[c]);
        double sum = 0;
        for (int c = 0; c < k; ++c) sum += std::exp(static_cast<double>(row[c] - top));
        for (int c = 0; c < k; ++c) p.prob.push_back(static_cast<float>(std::exp(static_cast<double>(row[c] - top)) / sum));
      } else {
        for (int c = 0; c < k; ++c) p.prob.push_back(static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(row[c])))));
      }
      const size_t i = batch.indices[b];
      const data::Sample& s = dataset_.samples[i];
      std::vector<float> y(k, std::numeric_limits<float>::quiet_NaN());
      for (size_t dc = 0; dc < class_map_.size(); ++dc)
        if (class_map_[dc] >= 0 && s.mask[dc]) y[class_map_[dc]] = s.target[dc];
      p.target.insert(p.target.end(), y.begin(), y.end());
      p.image.push_back(s.id);
      p.patient_id.push_back(s.patient_id);
      p.split.push_back(i < split.size() ? split[i] : "");
      p.sex.push_back(s.sex);
      p.age.push_back(s.age);
      p.view.push_back(s.view);
    }
    progress.update(static_cast<int64_t>(p.rows()));
  }
  progress.finish();
  return r;
}

}  // namespace thorax::train
