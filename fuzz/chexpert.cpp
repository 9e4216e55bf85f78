// The CheXpert reader (data/chexpert.cpp): the input is train.csv beside a CheXpert-style image tree
// (train/patientNNNNN/studyN/viewN_frontal.jpg), read with per-class uncertainty policies.
#include "fuzz/dataset_check.h"

namespace {

const std::string& chexpert_dir() {
  static const std::string dir = [] {
    const std::string d = thorax::fuzz::scratch_path("chexpert");
    for (const char* name : {"train/patient00001/study1/view1_frontal.jpg", "train/patient00001/study1/view2_lateral.jpg",
                             "train/patient00002/study1/view1_frontal.jpg"})
      thorax::fuzz::write_bytes(d + "/" + name, "\xFF\xD8\xFF");
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string csv = chexpert_dir() + "/train.csv";
  thorax::fuzz::write_bytes(csv, thorax::fuzz::as_string(data, size));
  thorax::fuzz::open_and_check("chexpert:" + csv + "?uncertain=smooth:0.7&uncertain.Atelectasis=ones&blank=ignore", csv);
  return 0;
}
