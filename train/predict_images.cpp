#include "train/predict_images.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "autograd/grad_mode.h"
#include "data/image.h"
#include "data/pipeline.h"
#include "tensor/npy.h"

namespace thorax::train {

namespace {

// Warnings about how an image differs from the model's training images.
void inspect(const std::string& bytes, const std::string& path, const data::Image& gray, int model_size,
             std::vector<std::string>& warnings) {
  const data::ImageInfo info = data::probe_image(bytes, path);
  if (info.channels >= 3) {
    const data::Image rgb = data::decode_image(bytes, path, 3);
    const size_t plane = static_cast<size_t>(rgb.height) * rgb.width;
    double diff = 0;
    for (size_t i = 0; i < plane; ++i)
      diff += std::fabs(rgb.pixels[i] - rgb.pixels[plane + i]) + std::fabs(rgb.pixels[i] - rgb.pixels[2 * plane + i]);
    if (diff / plane > 0.02)
      warnings.push_back("it is a color image; the model was trained on gray X-rays (converted to luminance)");
  }
  if (model_size > 0 && std::min(info.width, info.height) < model_size / 2)
    warnings.push_back("it is " + std::to_string(info.width) + "x" + std::to_string(info.height) +
                       " pixels, far below the model's " + std::to_string(model_size) + " (upsampled)");
  std::vector<float> v = gray.pixels;
  std::sort(v.begin(), v.end());
  const float lo = v[v.size() / 100], hi = v[v.size() * 99 / 100];
  if (hi - lo < 0.25f)
    warnings.push_back("its intensities span only " + std::to_string(static_cast<int>((hi - lo) * 100 + 0.5f)) +
                       "% of the range (1st–99th percentile): a windowed or washed-out image?");
}

}  // namespace

std::vector<ImagePrediction> predict_images(models::Model& model, const nn::ModelCard& card,
                                            const std::vector<std::string>& paths, int batch_size) {
  const data::Pipeline pipeline = data::Pipeline::from_json(card.preprocessing);
  const bool softmax = card.label_kind == "multi-class";
  const int k = static_cast<int>(card.classes.size());
  autograd::NoGrad no_grad;
  model.eval();
  std::vector<ImagePrediction> out(paths.size());
  std::vector<size_t> ready;
  std::vector<data::Image> inputs;
  auto flush = [&] {
    if (ready.empty()) return;
    const data::Image& first = inputs.front();
    const int64_t per = static_cast<int64_t>(first.pixels.size());
    Tensor x = Tensor::empty({static_cast<int64_t>(ready.size()), first.channels, first.height, first.width});
    for (size_t b = 0; b < ready.size(); ++b)
      std::memcpy(x.data<float>() + b * per, inputs[b].pixels.data(), per * sizeof(float));
    const Tensor z = model.run(x).logits.contiguous();
    for (size_t b = 0; b < ready.size(); ++b) {
      const float* row = z.data<float>() + b * k;
      std::vector<float>& p = out[ready[b]].prob;
      if (softmax) {
        const float top = *std::max_element(row, row + k);
        double sum = 0;
        for (int c = 0; c < k; ++c) sum += std::exp(static_cast<double>(row[c] - top));
        for (int c = 0; c < k; ++c) p.push_back(static_cast<float>(std::exp(static_cast<double>(row[c] - top)) / sum));
      } else {
        for (int c = 0; c < k; ++c) p.push_back(static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(row[c])))));
      }
    }
    ready.clear();
    inputs.clear();
  };
  for (size_t i = 0; i < paths.size(); ++i) {
    out[i].image = paths[i];
    try {
      const std::string bytes = read_file_bytes(paths[i]);
      const data::Image gray = data::decode_image(bytes, paths[i], 1);
      inspect(bytes, paths[i], gray, pipeline.output_height(), out[i].warnings);
      data::Image input = pipeline.run(gray);
      // A pipeline without a resize step keeps each image's size: one batch per size.
      if (!inputs.empty() && (input.height != inputs.front().height || input.width != inputs.front().width)) flush();
      inputs.push_back(std::move(input));
    } catch (const std::exception& e) {
      out[i].error = e.what();
      continue;
    }
    ready.push_back(i);
    if (static_cast<int>(ready.size()) == batch_size) flush();
  }
  flush();
  return out;
}

}  // namespace thorax::train
