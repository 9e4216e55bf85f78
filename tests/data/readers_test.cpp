// Every reader on the shared real data (counts from SOURCES.md) and on CheXpert-format rows written here.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

#include "data/dataset.h"
#include "data/files.h"
#include "data/stats.h"
#include "data_fixtures.h"

using namespace thorax;
using namespace thorax::data;

namespace {

int64_t positives(const Dataset& d, const std::string& name) {
  int c = d.labels.index(name);
  REQUIRE(c >= 0);
  return std::count_if(d.samples.begin(), d.samples.end(), [&](const Sample& s) { return s.target[c] >= 0.5f; });
}

}  // namespace

TEST_CASE("nih: the 256-pixel copy — every finding present, official split, rows without images in one count" * doctest::test_suite("real_data")) {
  const std::string dir = testing::data_dir();
  Dataset d = open_dataset("nih:" + dir + "/nih?images=images256");
  CHECK(d.size() == 546);
  CHECK(d.labels.names == nih_findings());
  CHECK(d.labels.kind == LabelKind::multi_label);
  CHECK(d.report.missing_images() == 112120 - 546);
  CHECK(d.report.problems() == 0);
  CHECK(d.report.summary().find("111574 rows of Data_Entry_2017_v2020.csv.gz whose image is not in this copy") !=
        std::string::npos);
  for (const auto& name : nih_findings()) CHECK(positives(d, name) > 0);
  std::set<std::string> patients;
  for (const auto& s : d.samples) {
    CHECK(s.official_split == "train_val");  // SOURCES.md: all from train_val_list.txt
    CHECK((s.sex == "M" || s.sex == "F"));
    CHECK(s.age >= 0);
    CHECK((s.view == "PA" || s.view == "AP"));
    patients.insert(s.patient_id);
  }
  CHECK(patients.size() == 546);  // one image per patient
  const Sample& first = d.samples.front();
  CHECK(first.id == "00000075_000.png");
  CHECK(first.image == dir + "/nih/images256/00000075_000.png");
}

TEST_CASE("nih: views filter, label subset, No Finding as a class, the folder choice noted" * doctest::test_suite("real_data")) {
  const std::string dir = testing::data_dir();
  Dataset all = open_dataset("nih:" + dir + "/nih?images=images256");
  Dataset pa = open_dataset("nih:" + dir + "/nih?images=images256&views=PA");
  int64_t n_pa = std::count_if(all.samples.begin(), all.samples.end(), [](const Sample& s) { return s.view == "PA"; });
  CHECK(pa.size() == static_cast<size_t>(n_pa));
  CHECK(pa.report.excluded_count() > 0);
  CHECK(pa.report.summary().find("left out: view not in views=PA") != std::string::npos);

  Dataset two = open_dataset("nih:" + dir + "/nih?images=images256&labels=Mass,Nodule&no_finding=1");
  CHECK(two.labels.names == std::vector<std::string>{"Mass", "Nodule", "No Finding"});
  CHECK(positives(two, "Mass") == positives(all, "Mass"));
  CHECK(two.report.summary().find("positive findings outside labels=Mass,Nodule were not kept") != std::string::npos);

  // The whole folder: images256/ and fullres/ share three names; the choice and the mix are both reported.
  Dataset mixed = open_dataset("nih:" + dir + "/nih");
  CHECK(mixed.size() == 547);
  const std::string summary = mixed.report.summary();
  CHECK(summary.find("3 image names occur in more than one folder") != std::string::npos);
  CHECK(summary.find("the images come from 2 folders") != std::string::npos);
  CHECK_THROWS_WITH(open_dataset("nih:" + dir + "/nih?labels=Pneumonitis"),
                    doctest::Contains("names 'Pneumonitis', which is not a ChestX-ray14 finding"));
}

TEST_CASE("nih: sample_labels.csv — infant ages in months and days, and a real typo reported" * doctest::test_suite("real_data")) {
  const std::string dir = testing::data_dir();
  Dataset d = open_dataset("nih:" + dir + "/nih?csv=sample_labels.csv&images=fullres");
  // '411Y' is not an age: reported with its file and line, the row skipped; '013M' and '001D' are infants.
  CHECK(d.report.count(Problem::bad_value) == 1);
  REQUIRE(d.report.examples(Problem::bad_value).size() == 1);
  CHECK(d.report.examples(Problem::bad_value)[0] ==
        dir + "/nih/sample_labels.csv line 4244: Patient Age '411Y' is not an age");
}

TEST_CASE("nih: full-size RGBA files decode through the dataset" * doctest::test_suite("real_data")) {
  const std::string dir = testing::data_dir();
  OpenOptions o;
  o.verify = Verify::decode;
  Dataset d = open_dataset("nih:" + dir + "/nih?images=fullres", o);
  CHECK(d.size() == 4);
  CHECK(d.report.problems() == 0);
  Image img = d.load_image(0);
  CHECK(img.width == 1024);
}

TEST_CASE("folder: Kermany as 2 classes and as Normal / Bacterial / Viral, with patient ids from file names" * doctest::test_suite("real_data")) {
  const std::string dir = testing::data_dir();
  Dataset two = open_dataset("folder:" + dir + "/kermany/train");
  CHECK(two.labels.names == std::vector<std::string>{"NORMAL", "PNEUMONIA"});
  CHECK(two.labels.kind == LabelKind::multi_class);
  CHECK(two.size() == 5216);
  CHECK(positives(two, "NORMAL") == 1341);
  CHECK(positives(two, "PNEUMONIA") == 3875);
  Dataset three = open_dataset("folder:" + dir + "/kermany/train?mode=kermany3");
  CHECK(positives(three, "Normal") == 1341);
  CHECK(positives(three, "Bacterial") == 2530);
  CHECK(positives(three, "Viral") == 1345);
  std::map<std::string, std::string> patient;
  for (const auto& s : three.samples) patient[file_name(s.id)] = s.patient_id;
  CHECK(patient["person1000_bacteria_2931.jpeg"] == "person1000");
  CHECK(patient["IM-0115-0001.jpeg"] == "IM-0115");
  std::set<std::string> ids;
  for (const auto& s : three.samples) ids.insert(s.patient_id);
  CHECK(ids.size() < three.size());  // several images per patient exist
  Dataset only = open_dataset("folder:" + dir + "/kermany/train?classes=PNEUMONIA");
  CHECK(only.size() == 3875);
  CHECK(only.report.excluded_count() == 1341);
  CHECK_THROWS_WITH(open_dataset("folder:" + dir + "/kermany/train?classes=Tuberculosis"),
                    doctest::Contains("class 'Tuberculosis' has no folder in"));
}

TEST_CASE("folder: any CLASS/ folders, e.g. a Tuberculosis class a user brings") {
  testing::TempDir tmp;
  testing::write_test_png(tmp / "COVID-19/a.png");
  testing::write_test_png(tmp / "Normal/b.png");
  testing::write_test_png(tmp / "Normal/sub/c.png");
  testing::write_test_png(tmp / "Tuberculosis/d.png");
  Dataset d = open_dataset("folder:" + tmp.path());
  CHECK(d.labels.names == std::vector<std::string>{"COVID-19", "Normal", "Tuberculosis"});
  CHECK(d.size() == 4);
  CHECK(d.samples[3].class_index() == 2);
  CHECK(d.samples[3].patient_id == "Tuberculosis/d.png");  // no ids in the names: one patient per image
}

TEST_CASE("npz: MedMNIST splits, shapes and labels; pixels identical to the npy" * doctest::test_suite("real_data")) {
  const std::string dir = testing::data_dir();
  Dataset all = open_dataset("npz:" + dir + "/medmnist/pneumoniamnist_28_balanced.npz");
  CHECK(all.size() == 2428 + 270 + 468);
  CHECK(all.labels.names == std::vector<std::string>{"Normal", "Pneumonia"});
  CHECK_FALSE(all.patients_known);
  Dataset train = open_dataset("npz:" + dir + "/medmnist/pneumoniamnist_28_balanced.npz?split=train");
  CHECK(train.size() == 2428);
  CHECK(positives(train, "Pneumonia") == 1214);  // class-balanced
  Image img = train.load_image(5);
  CHECK(img.height == 28);
  CHECK(img.pixels[0] == train.memory_images.data<uint8_t>()[5 * 28 * 28] / 255.0f);
  CHECK_THROWS_WITH(open_dataset("npz:" + dir + "/medmnist/pneumoniamnist_28_balanced.npz?split=dev"),
                    doctest::Contains("split=dev is not one of train, val, test, all"));
}

TEST_CASE("covid: metadata.csv classes, unlabelled rows left out and counted" * doctest::test_suite("real_data")) {
  const std::string dir = testing::data_dir();
  Dataset d = open_dataset("covid:" + dir + "/covid");
  CHECK(d.labels.names == std::vector<std::string>{"ARDS", "COVID-19", "No Finding", "Pneumocystis"});
  CHECK(d.size() == 77);
  CHECK(d.report.excluded_count() == 23);  // 22 'todo', 1 'Unknown'
  CHECK(positives(d, "COVID-19") == 74);
  Dataset two = open_dataset("covid:" + dir + "/covid?classes=COVID-19,No Finding&views=PA");
  CHECK(two.labels.names == std::vector<std::string>{"COVID-19", "No Finding"});
  for (const auto& s : two.samples) CHECK(s.view == "PA");
}

TEST_CASE("chexpert: values, uncertainty policies per class, blanks, view filters, patients") {
  testing::TempDir tmp;
  const std::string root = tmp / "CheXpert-v1.0-small";
  const std::string header =
      "Path,Sex,Age,Frontal/Lateral,AP/PA,No Finding,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,"
      "Lung Lesion,Edema,Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,Fracture,"
      "Support Devices\n";
  // Columns after AP/PA: 14 observations. Row 1: Cardiomegaly 1, Atelectasis -1, Edema -1, Pneumonia blank.
  const std::string rows =
      "CheXpert-v1.0-small/train/patient00001/study1/"
      "view1_frontal.jpg,Female,68,Frontal,AP,,,1.0,,,-1.0,,,-1.0,0.0,,,,\n"
      "CheXpert-v1.0-small/train/patient00001/study1/view2_lateral.jpg,Female,68,Lateral,,,,,1.0,,,,,,,,,,\n"
      "CheXpert-v1.0-small/train/patient00002/study1/view1_frontal.jpg,Male,45,Frontal,PA,1.0,,,,,,,,,,,,,\n";
  testing::write_text(root + "/train.csv", header + rows);
  for (const char* p : {"train/patient00001/study1/view1_frontal.jpg", "train/patient00001/study1/view2_lateral.jpg",
                        "train/patient00002/study1/view1_frontal.jpg"})
    testing::write_test_png(root + "/" + p);
  const std::string csv = root + "/train.csv";

  Dataset d = open_dataset("chexpert:" + csv);  // defaults: uncertain=ignore, blank=zeros
  REQUIRE(d.size() == 3);
  CHECK(d.labels.names == chexpert_observations());
  const Sample& s = d.samples[0];
  const int card = d.labels.index("Cardiomegaly"), atel = d.labels.index("Atelectasis"),
            edema = d.labels.index("Edema"), pneu = d.labels.index("Pneumonia");
  CHECK(s.target[card] == 1.0f);
  CHECK(s.mask[atel] == 0);  // uncertain, ignored
  CHECK(s.mask[pneu] == 1);
  CHECK(s.target[pneu] == 0.0f);  // blank = negative
  CHECK(s.patient_id == "patient00001");
  CHECK(s.sex == "F");
  CHECK(s.age == 68);
  CHECK(s.view == "AP");
  CHECK(d.samples[1].view == "Lateral");

  Dataset p = open_dataset("chexpert:" + csv + "?uncertain=ones&uncertain.Atelectasis=zeros&uncertain.Edema=smooth:0.7"
                           "&blank=ignore&frontal=1");
  REQUIRE(p.size() == 2);
  CHECK(p.report.excluded_count() == 1);
  CHECK(p.samples[0].target[atel] == 0.0f);
  CHECK(p.samples[0].mask[atel] == 1);
  CHECK(p.samples[0].target[edema] == doctest::Approx(0.7f));
  CHECK(p.samples[0].mask[pneu] == 0);  // blank, ignored

  Dataset ap = open_dataset("chexpert:" + csv + "?views=PA");
  REQUIRE(ap.size() == 1);
  CHECK(ap.samples[0].patient_id == "patient00002");

  Dataset five =
      open_dataset("chexpert:" + csv + "?labels=Atelectasis,Cardiomegaly,Consolidation,Edema,Pleural Effusion");
  CHECK(five.labels.size() == 5);
  CHECK_THROWS_WITH(open_dataset("chexpert:" + csv + "?uncertain=maybe"),
                    doctest::Contains("uncertain=maybe is not a policy (ones, zeros, ignore, or smooth:V"));
  CHECK_THROWS_WITH(open_dataset("chexpert:" + csv + "?uncertain.Cardiomegally=ones"),
                    doctest::Contains("uncertain.Cardiomegally names no class of this dataset"));
  CHECK_THROWS_WITH(open_dataset("chexpert:" + csv + "?frontal=1&lateral=1"),
                    doctest::Contains("frontal=1 and lateral=1 exclude each other"));
}

TEST_CASE("nih: the official images_0NN/images/ layout and a flat images/ folder are both found" * doctest::test_suite("real_data")) {
  const std::string dir = testing::data_dir();
  testing::TempDir tmp;
  testing::copy_file(dir + "/nih/images256/00000075_000.png", tmp / "images_001/images/00000075_000.png");
  testing::copy_file(dir + "/nih/images256/00000129_000.png", tmp / "images_012/images/00000129_000.png");
  testing::write_text(tmp / "Data_Entry_2017.csv",
                      "Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position\n"
                      "00000075_000.png,No Finding,0,75,57,M,PA\n00000129_000.png,Hernia|Mass,0,129,40,F,AP\n");
  Dataset d = open_dataset("nih:" + tmp.path());
  REQUIRE(d.size() == 2);
  CHECK(d.samples[1].image == tmp / "images_012/images/00000129_000.png");
  CHECK(d.samples[1].target[d.labels.index("Hernia")] == 1.0f);
  CHECK(d.samples[0].official_split.empty());  // no lists here
  CHECK_THROWS_WITH(open_dataset("nih:" + tmp.path() + "?split=official"),
                    doctest::Contains("split=official needs train_val_list.txt and test_list.txt"));
}
