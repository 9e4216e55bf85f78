// Writes the seed corpus of every fuzz target into OUT/<target>/, from data thorax itself generates: a small
// phantom set (write_phantom_set, the same generator as `thorax data synth`) and files thorax's own writers make
// from it (PNG encoder, .npy, safetensors, weights files with a model card, a run's config.json). The formats
// thorax reads but never writes (BMP, ZIP, the CheXpert and COVID tables) are written here from the same phantoms,
// field by field as their readers expect. No byte comes from anywhere else.
//
//   make_seeds OUT
#include <zlib.h>

#include <cstdio>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/label_space.h"
#include "data/phantom.h"
#include "data/pipeline.h"
#include "data/png_writer.h"
#include "nn/linear.h"
#include "nn/safetensors.h"
#include "nn/weights_file.h"
#include "tensor/npy.h"
#include "train/train_config.h"

namespace fs = std::filesystem;
using namespace thorax;

namespace {

std::string out_root;

void put(const std::string& target, const std::string& name, const std::string& bytes) {
  fs::create_directories(out_root + "/" + target);
  write_file_atomic(out_root + "/" + target + "/" + name, bytes);
}

void le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

// An uncompressed bottom-up BMP with a 40-byte info header: 24-bit BGR or 32-bit BGRA.
std::string bmp(const std::vector<uint8_t>& gray, int w, int h, int bits) {
  const int bytes_pp = bits / 8, stride = (w * bytes_pp + 3) / 4 * 4;
  std::string out = "BM";
  le(out, 54 + static_cast<uint64_t>(stride) * h, 4);
  le(out, 0, 4);
  le(out, 54, 4);  // pixel data offset
  le(out, 40, 4);
  le(out, static_cast<uint32_t>(w), 4);
  le(out, static_cast<uint32_t>(h), 4);
  le(out, 1, 2);
  le(out, static_cast<uint64_t>(bits), 2);
  le(out, 0, 4);  // no compression
  le(out, static_cast<uint64_t>(stride) * h, 4);
  le(out, 2835, 4);
  le(out, 2835, 4);
  le(out, 0, 4);
  le(out, 0, 4);
  for (int y = h - 1; y >= 0; --y) {
    std::string row;
    for (int x = 0; x < w; ++x) {
      const uint8_t v = gray[static_cast<size_t>(y) * w + x];
      row += static_cast<char>(v);
      row += static_cast<char>(v / 2);
      row += static_cast<char>(255 - v);
      if (bytes_pp == 4) row += static_cast<char>(255);
    }
    row.resize(static_cast<size_t>(stride), '\0');
    out += row;
  }
  return out;
}

std::string raw_deflate(const std::string& in) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflate");
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// A ZIP archive laid out as NumPy's savez writes one: local header + data per entry, central directory, end record.
std::string zip(const std::vector<std::pair<std::string, std::string>>& entries, bool deflated) {
  std::string body, directory;
  for (const auto& entry : entries) {
    const std::string& name = entry.first;  // named, not a structured binding: clang 14 cannot capture those
    const std::string& data = entry.second;
    const std::string stored = deflated ? raw_deflate(data) : data;
    const uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data.data()),
                                                     static_cast<uInt>(data.size())));
    const uint64_t offset = body.size();
    auto common = [&](std::string& out) {
      le(out, 20, 2);                 // version needed
      le(out, 0, 2);                  // flags
      le(out, deflated ? 8 : 0, 2);   // method
      le(out, 0, 4);                  // time, date
      le(out, crc, 4);
      le(out, stored.size(), 4);
      le(out, data.size(), 4);
      le(out, name.size(), 2);
      le(out, 0, 2);                  // extra length
    };
    le(body, 0x04034b50, 4);
    common(body);
    body += name + stored;
    le(directory, 0x02014b50, 4);
    le(directory, 20, 2);             // version made by
    common(directory);
    le(directory, 0, 2);              // comment length
    le(directory, 0, 4);              // disk, internal attributes
    le(directory, 0, 4);              // external attributes
    le(directory, offset, 4);
    directory += name;
  }
  std::string out = body + directory;
  le(out, 0x06054b50, 4);
  le(out, 0, 4);
  le(out, entries.size(), 2);
  le(out, entries.size(), 2);
  le(out, directory.size(), 4);
  le(out, body.size(), 4);
  le(out, 0, 2);
  return out;
}

std::string gzip(const std::string& text) {
  const std::string path = out_root + "/.tmp.gz";
  gzFile gz = gzopen(path.c_str(), "wb");
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  const std::string bytes = read_file_bytes(path);
  fs::remove(path);
  return bytes;
}

// Rows a..b of a tensor (first dimension), as a dense copy.
Tensor rows(const Tensor& t, int64_t a, int64_t b) {
  Shape shape = t.shape();
  shape[0] = b - a;
  return t.as_strided(shape, t.strides(), t.offset() + a * t.strides()[0]).contiguous();
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string& f = fields[i];
    const bool quote = f.find_first_of(",\"\n") != std::string::npos;
    std::string q = f;
    if (quote) {
      q = "\"";
      for (char c : f) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      q += "\"";
    }
    line += (i ? "," : "") + q;
  }
  return line + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds OUT\n");
    return 2;
  }
  out_root = argv[1];
  fs::create_directories(out_root);
  const std::string set = out_root + "/.phantoms";
  fs::remove_all(set);
  data::PhantomConfig config;
  config.n = 8;
  config.res = 64;  // the generator's smallest
  config.seed = 11;
  data::write_phantom_set(config, set, 1);

  // Images: the phantoms as written, and re-encoded in every layout the decoder takes.
  std::vector<data::PhantomCase> cases;
  const auto slots = data::phantom_slots(config);
  for (int64_t i = 0; i < 3; ++i) cases.push_back(data::render_phantom(config, slots[i], i));
  put("image", "phantom.png", read_file_bytes(set + "/images/" + cases[0].image_id));
  put("image", "lungs.png", read_file_bytes(set + "/lungs/" + cases[0].image_id));
  // Re-encoded seeds use the central 24×24 pixels: small inputs keep the fuzzer fast.
  const int r = 24, offset = (config.res - r) / 2;
  std::vector<uint8_t> gray;
  const std::vector<uint8_t> full = data::to_u8_interleaved(cases[1].image);
  for (int y = 0; y < r; ++y)
    for (int x = 0; x < r; ++x) gray.push_back(full[static_cast<size_t>(y + offset) * config.res + x + offset]);
  std::vector<uint8_t> ga, rgb, rgba;
  std::vector<uint16_t> gray16;
  for (uint8_t v : gray) {
    ga.insert(ga.end(), {v, 255});
    rgb.insert(rgb.end(), {v, static_cast<uint8_t>(v / 2), static_cast<uint8_t>(255 - v)});
    rgba.insert(rgba.end(), {v, v, v, static_cast<uint8_t>(128 + v / 2)});
    gray16.push_back(static_cast<uint16_t>(v * 257));
  }
  put("image", "gray_alpha.png", data::encode_png(ga, r, r, 2));
  put("image", "rgb.png", data::encode_png(rgb, r, r, 3));
  put("image", "rgba.png", data::encode_png(rgba, r, r, 4));
  put("image", "gray16.png", data::encode_png16(gray16, r, r, 1));
  put("image", "small.png", data::encode_png(std::vector<uint8_t>(gray.begin(), gray.begin() + 12), 4, 3, 1));
  put("image", "rgb24.bmp", bmp(gray, r, r, 24));
  put("image", "bgra32.bmp", bmp(gray, 5, 3, 32));

  // Label tables: the phantom set's own, then the same phantoms as CheXpert and COVID tables.
  const std::string entries = read_file_bytes(set + "/Data_Entry_2017.csv");
  put("csv", "Data_Entry_2017.csv", entries);
  put("csv", "BBox_List_2017.csv", read_file_bytes(set + "/BBox_List_2017.csv"));
  put("csv", "Data_Entry_2017.csv.gz", gzip(entries));
  put("csv", "quoted.csv", csv_line({"a", "b,c", "say \"hi\"", "two\nlines"}) + "1,2,3,4\r\n\xEF\xBB\xBF,,,\n");
  put("nih", "Data_Entry_2017.csv", entries);

  std::string chexpert = csv_line([] {
    std::vector<std::string> h = {"Path", "Sex", "Age", "Frontal/Lateral", "AP/PA"};
    for (const auto& o : data::chexpert_observations()) h.push_back(o);
    return h;
  }());
  std::string covid = csv_line({"patientid", "sex", "age", "finding", "view", "modality", "folder", "filename"});
  const char* covid_names[] = {"a.png", "b.jpg", "c.png"};
  const char* covid_findings[] = {"Pneumonia/Viral/COVID-19", "No Finding", "todo"};
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& pc = cases[i];
    const auto findings = pc.findings();
    std::vector<std::string> row = {"train/patient0000" + std::to_string(pc.patient) + "/study1/view1_frontal.jpg",
                                    pc.sex == "M" ? "Male" : "Female", std::to_string(pc.age),
                                    i == 1 ? "Lateral" : "Frontal", i == 1 ? "" : pc.view};
    for (const auto& o : data::chexpert_observations()) {
      const bool has = std::find(findings.begin(), findings.end(), o) != findings.end();
      row.push_back(has ? (i == 2 ? "-1.0" : "1.0") : (o == "No Finding" && findings.empty() ? "1.0" : ""));
    }
    chexpert += csv_line(row);
    covid += csv_line({std::to_string(pc.patient), pc.sex, std::to_string(pc.age), covid_findings[i], pc.view,
                       "X-ray", "images", covid_names[i]});
  }
  put("chexpert", "train.csv", chexpert);
  put("covid", "metadata.csv", covid);

  // Arrays: phantom pixels and labels through thorax's .npy writer, then packed as MedMNIST-style .npz files.
  const int64_t n = static_cast<int64_t>(cases.size());
  const int64_t res = config.res;
  Tensor images = Tensor::empty({n, res, res}, DType::u8);
  Tensor labels = Tensor::empty({n, 1}, DType::i64);
  Tensor multi = Tensor::empty({n, 14}, DType::i64);
  for (int64_t i = 0; i < n; ++i) {
    const auto px = data::to_u8_interleaved(cases[static_cast<size_t>(i)].image);
    std::memcpy(images.data<uint8_t>() + i * res * res, px.data(), px.size());
    labels.data<int64_t>()[i] = cases[static_cast<size_t>(i)].findings().empty() ? 0 : 1;
    for (int c = 0; c < 14; ++c) multi.data<int64_t>()[i * 14 + c] = (i + c) % 3 == 0;
  }
  const Tensor small = images.as_strided({n, 6, 6}, images.strides(), 0).contiguous();  // 6×6 corners
  put("npy", "images_u8.npy", npy_serialize(small));
  put("npy", "labels_i64.npy", npy_serialize(labels));
  put("npy", "pixels_f32.npy", npy_serialize(small.to(DType::f32)));
  put("npy", "pixels_f64.npy", npy_serialize(rows(small.to(DType::f64), 0, 1)));
  put("npy", "labels_i32.npy", npy_serialize(multi.to(DType::i32)));
  put("npy", "mask_bool.npy", npy_serialize(rows(multi, 0, 1).to(DType::boolean)));
  put("npy", "scalar.npy", npy_serialize(Tensor::scalar(0.5)));
  put("npy", "empty.npy", npy_serialize(Tensor::empty({0, 3}, DType::f32)));

  const std::vector<std::pair<std::string, std::string>> medmnist = {
      {"train_images.npy", npy_serialize(rows(small, 0, 2))},
      {"train_labels.npy", npy_serialize(rows(labels, 0, 2))},
      {"val_images.npy", npy_serialize(rows(small, 2, 3))},
      {"val_labels.npy", npy_serialize(rows(labels, 2, 3))}};
  Tensor small_rgb = Tensor::empty({2, 4, 4, 3}, DType::u8);
  for (int64_t i = 0; i < small_rgb.numel(); ++i) small_rgb.data<uint8_t>()[i] = images.data<uint8_t>()[i * 5 % images.numel()];
  const std::vector<std::pair<std::string, std::string>> chestmnist = {
      {"test_images.npy", npy_serialize(small_rgb)},
      {"test_labels.npy", npy_serialize(rows(multi, 0, 2))}};
  for (const char* target : {"npz", "zip_reader"}) {
    put(target, "pneumoniamnist_stored.npz", zip(medmnist, false));
    put(target, "pneumoniamnist_deflated.npz", zip(medmnist, true));
    put(target, "chestmnist_rgb.npz", zip(chestmnist, true));
  }

  // Weights: thorax's safetensors writer over every dtype, and a weights file with a model card and pipeline.
  nn::NamedTensors tensors = {{"pixels", small.to(DType::f32)}, {"f64", rows(small.to(DType::f64), 0, 1)},
                              {"bf16", rows(small.to(DType::bf16), 0, 1)}, {"labels", labels},
                              {"i32", multi.to(DType::i32)}, {"u8", rows(small, 0, 1)},
                              {"mask", rows(multi, 0, 1).to(DType::boolean)}, {"empty", Tensor::empty({0}, DType::f32)}};
  put("safetensors", "dtypes.safetensors", nn::safetensors_serialize(nn::safetensors_pack(tensors), {{"note", "seed"}}));
  put("safetensors", "one.safetensors", nn::safetensors_serialize(nn::safetensors_pack({{"w", Tensor::arange(6)}}), {}));
  Generator gen(5);
  nn::Linear linear(4, 2);
  nn::reset_parameters(linear, gen);
  nn::ModelCard card;
  card.architecture = "linear";
  card.label_kind = "multi-class";
  card.classes = {"Normal", "Pneumonia"};
  card.preprocessing = data::default_pipeline(32).to_json();
  const std::string weights = out_root + "/.weights.safetensors";
  nn::save_weights(weights, linear, card, {{"optim.step", Tensor::scalar(3)}});
  put("weights_file", "card.safetensors", read_file_bytes(weights));
  put("safetensors", "card.safetensors", read_file_bytes(weights));
  nn::safetensors_save(weights, {{"w", small.to(DType::f32)}});
  put("weights_file", "no_card.safetensors", read_file_bytes(weights));
  fs::remove(weights);

  // A run's config.json, with the keys `thorax train` writes (train/trainer.cpp).
  train::TrainConfig tc;
  tc.data = "nih:" + set + "?images=images";
  data::LabelSpace space;
  space.kind = data::LabelKind::multi_label;
  space.names = {"Atelectasis", "Effusion"};
  const nlohmann::json run = {{"command", "train"},
                              {"config", tc.to_json()},
                              {"labels", space.to_json()},
                              {"pipeline", data::default_pipeline(64).to_json()},
                              {"thorax_version", nn::thorax_version()},
                              {"created_at", nn::utc_timestamp()}};
  put("run_config", "config.json", run.dump(2) + "\n");

  // Pipelines: the default one, and one step of every kind.
  put("pipeline", "default.json", data::default_pipeline(64).to_json().dump());
  put("pipeline", "every_op.json",
      R"([{"op": "channels", "n": 1}, {"op": "lung_crop", "margin": 0.1}, {"op": "resize", "size": [16, 12], "method": "bilinear"},)"
      R"( {"op": "center_crop", "size": 8}, {"op": "clahe", "clip_limit": 2.0, "tiles": [2, 2]}, {"op": "equalize"},)"
      R"( {"op": "gaussian_blur", "sigma": 1.5}, {"op": "bilateral", "sigma_space": 2, "sigma_range": 0.1},)"
      R"( {"op": "normalize", "mean": [0.5], "std": [0.25]}])");

  // Dataset specs: the examples of DESIGN.md, and the phantom set as `thorax data synth` says to read it.
  int i = 0;
  for (const char* spec : {"nih:/data/nih?split=official&views=PA,AP",
                           "chexpert:/d/train.csv?uncertain=ones&uncertain.Atelectasis=zeros&frontal=1",
                           "folder:/d/train?mode=kermany3", "npz:/d/pneumoniamnist.npz?split=train", "covid:/d",
                           "embedded?n=4000&res=128&seed=1&prevalence.Mass=0.2",
                           "nih:/d%3Fx?images=images&lungs=lungs&labels=Atelectasis,Effusion&no_finding=1"})
    put("spec", "spec" + std::to_string(i++) + ".txt", spec);

  fs::remove_all(set);
  std::printf("make_seeds: wrote the seed corpora into %s\n", out_root.c_str());
  return 0;
}
