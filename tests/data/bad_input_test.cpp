// Every kind of bad input, made at test time from real files in a temporary folder: each is named (file and line),
// counted and reported; --strict makes it an error; --require-images fails on an absent image.
#include <doctest/doctest.h>

#include <string>

#include "data/dataset.h"
#include "data_fixtures.h"
#include "tensor/npy.h"

using namespace thorax;
using namespace thorax::data;

namespace {

const std::string kHeader =
    "Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position,"
    "OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y]\n";

// A small NIH-layout folder: four good real images, then one damaged copy of each kind.
struct DamagedNih {
  testing::TempDir tmp;
  std::string csv;
  DamagedNih() {
    const std::string nih = testing::data_dir() + "/nih/images256/";
    const std::string images = tmp / "images/";
    for (const char* f : {"00000075_000.png", "00000129_000.png", "00000282_000.png", "00000353_000.png"})
      testing::copy_file(nih + f, images + f);
    testing::write_text(images + "00000901_000.png", "");                                  // zero bytes
    const std::string real = read_file_bytes(nih + "00000075_000.png");
    testing::write_text(images + "00000902_000.png", real.substr(0, real.size() / 2));     // truncated
    testing::write_text(images + "00000903_000.png", "<html><body>403 Forbidden</body></html>");  // not an image
    const std::string jpeg = read_file_bytes(testing::data_dir() + "/kermany/train/NORMAL/IM-0115-0001.jpeg");
    testing::write_text(images + "00000904_000.png", jpeg.substr(0, jpeg.size() - 300));  // truncated JPEG
    csv = kHeader +
          "00000075_000.png,Cardiomegaly,0,75,57,M,PA,1024,1024,0.14,0.14\n"            // line 2: fine
          "00000129_000.png,No Finding,0,129,40,F,PA,1024,1024,0.14,0.14\n"             // line 3: fine
          "00000282_000.png,Pneumonitis,0,282,33,M,PA,1024,1024,0.14,0.14\n"            // line 4: unknown label
          "00000353_000.png,Mass,0,353,forty,F,AP,1024,1024,0.14,0.14\n"                // line 5: bad value
          "00000075_000.png,Cardiomegaly,0,75,57,M,PA,1024,1024,0.14,0.14\n"            // line 6: duplicate
          "00000129_001.png,Mass,1,129,41\n"                                            // line 7: short row
          "00000901_000.png,Nodule,0,901,50,M,PA,1024,1024,0.14,0.14\n"                 // zero-byte image
          "00000902_000.png,Nodule,0,902,50,M,PA,1024,1024,0.14,0.14\n"                 // truncated PNG
          "00000903_000.png,Nodule,0,903,50,M,PA,1024,1024,0.14,0.14\n"                 // HTML bytes
          "00000904_000.png,Nodule,0,904,50,M,PA,1024,1024,0.14,0.14\n"                 // truncated JPEG
          "00000999_000.png,Effusion,0,999,50,M,PA,1024,1024,0.14,0.14\n";              // image absent
    testing::write_text(tmp / "Data_Entry_2017.csv", csv);
  }
  std::string spec() const { return "nih:" + tmp.path(); }
};

bool has_example(const LoadReport& r, Problem p, const std::string& text) {
  for (const auto& e : r.examples(p))
    if (e.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("bad input: each case named, counted and reported; nothing else is lost" * doctest::test_suite("real_data")) {
  DamagedNih nih;
  OpenOptions o;
  o.verify = Verify::decode;
  Dataset d = open_dataset(nih.spec(), o);
  const LoadReport& r = d.report;
  const std::string table = nih.tmp / "Data_Entry_2017.csv";
  CHECK(d.size() == 2);  // lines 2 and 3
  CHECK(r.count(Problem::unknown_label) == 1);
  CHECK(has_example(r, Problem::unknown_label, table + " line 4: unknown label 'Pneumonitis' for 00000282_000.png"));
  CHECK(r.count(Problem::bad_value) == 1);
  CHECK(has_example(r, Problem::bad_value, table + " line 5: Patient Age 'forty' is not an age"));
  CHECK(r.count(Problem::duplicate_row) == 1);
  CHECK(has_example(r, Problem::duplicate_row, table + " line 6: 00000075_000.png was already listed on line 2"));
  CHECK(r.count(Problem::malformed_row) == 1);
  CHECK(has_example(r, Problem::malformed_row, table + " line 7: 5 fields where the header has 11"));
  CHECK(r.count(Problem::unreadable_image) == 4);
  const std::string images = nih.tmp / "images/";
  CHECK(has_example(r, Problem::unreadable_image, "image " + images + "00000901_000.png: empty file (0 bytes)"));
  CHECK(has_example(r, Problem::unreadable_image, "image " + images + "00000902_000.png: truncated PNG"));
  CHECK(has_example(r, Problem::unreadable_image,
                    "image " + images + "00000903_000.png: not a PNG, JPEG or BMP (first bytes 3C 68 74 6D)"));
  CHECK(has_example(r, Problem::unreadable_image, "image " + images + "00000904_000.png: truncated JPEG"));
  CHECK(r.missing_images() == 1);
  CHECK(r.used() == 2);
  CHECK(r.skipped() == 9);  // every row is accounted for: 2 used + 9 skipped = 11 rows
  const std::string summary = r.summary();
  CHECK(summary.find("2 used, 9 skipped") != std::string::npos);
  CHECK(summary.find("4 unreadable images:") != std::string::npos);
  CHECK(summary.find("1 row of Data_Entry_2017.csv whose image is not in this copy (first: 00000999_000.png)") !=
        std::string::npos);
  const nlohmann::json j = r.to_json();  // the same report, as run directories store it
  CHECK(j["used"] == 2);
  CHECK(j["skipped"] == 9);
  CHECK(j["missing_images"] == 1);
  CHECK(j["problems"]["unreadable image"]["count"] == 4);
  CHECK(j["problems"]["duplicate row"]["examples"].size() == 1);
}

TEST_CASE("bad input: without decoding, damaged images pass the scan (absence is still checked)" * doctest::test_suite("real_data")) {
  DamagedNih nih;
  Dataset d = open_dataset(nih.spec());
  CHECK(d.size() == 6);
  CHECK(d.report.count(Problem::unreadable_image) == 0);
  CHECK(d.report.missing_images() == 1);
  OpenOptions header;
  header.verify = Verify::header;
  Dataset h = open_dataset(nih.spec(), header);
  CHECK(h.report.count(Problem::unreadable_image) == 4);  // header and completeness checks catch all four
}

TEST_CASE("bad input: --strict stops at the first problem with its sentence" * doctest::test_suite("real_data")) {
  DamagedNih nih;
  OpenOptions strict;
  strict.policy.strict = true;
  const std::string expected =
      (nih.tmp / "Data_Entry_2017.csv") +
      " line 4: unknown label 'Pneumonitis' for 00000282_000.png (known: Atelectasis, Cardiomegaly, Effusion, "
      "Infiltration, Mass, Nodule, Pneumonia, Pneumothorax, Consolidation, Edema, Emphysema, Fibrosis, "
      "Pleural_Thickening, Hernia, No Finding) (--strict: stopping at the first problem)";
  CHECK_THROWS_WITH(open_dataset(nih.spec(), strict), expected.c_str());
}

TEST_CASE("bad input: --require-images fails on a row whose image is absent" * doctest::test_suite("real_data")) {
  DamagedNih nih;
  // Only the good rows and one absent image: the table problems are not what stops it.
  testing::write_text(nih.tmp / "Data_Entry_2017.csv",
                      kHeader + "00000075_000.png,Cardiomegaly,0,75,57,M,PA,1024,1024,0.14,0.14\n"
                                "00000999_000.png,Effusion,0,999,50,M,PA,1024,1024,0.14,0.14\n");
  OpenOptions o;
  o.policy.require_images = true;
  const std::string expected = "Data_Entry_2017.csv: image 00000999_000.png is not in " + nih.spec() +
                               " (--require-images: every row needs its image)";
  CHECK_THROWS_WITH(open_dataset(nih.spec(), o), expected.c_str());
  CHECK(open_dataset(nih.spec()).size() == 1);
}

TEST_CASE("bad input: a label table missing a column is an error naming the file and the columns" * doctest::test_suite("real_data")) {
  DamagedNih nih;
  testing::write_text(nih.tmp / "Data_Entry_2017.csv", "Image Index,Patient ID\n00000075_000.png,75\n");
  const std::string expected = (nih.tmp / "Data_Entry_2017.csv") +
                               " line 1: missing column 'Finding Labels' (the header has 'Image Index', 'Patient ID')";
  CHECK_THROWS_WITH(open_dataset(nih.spec()), expected.c_str());
}

TEST_CASE("bad input: CheXpert bad values, folders with stray files, COVID duplicates") {
  testing::TempDir tmp;
  const std::string header =
      "Path,Sex,Age,Frontal/Lateral,AP/PA,No Finding,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,"
      "Lung Lesion,Edema,Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,Fracture,"
      "Support Devices\n";
  testing::write_test_png(tmp / "c/p1.png");
  testing::write_test_png(tmp / "c/p2.png");
  testing::write_test_png(tmp / "c/p3.png");
  testing::write_text(tmp / "c/train.csv", header +
                                               "p1.png,Male,50,Frontal,PA,,,yes,,,,,,,,,,,\n"
                                               "p2.png,Male,50,Sideways,PA,,,,,,,,,,,,,,\n"
                                               "p3.png,Male,50,Frontal,PA,,,1.0,,,,,,,,,,,\n");
  Dataset c = open_dataset("chexpert:" + tmp / "c/train.csv");
  CHECK(c.size() == 1);
  CHECK(has_example(c.report, Problem::bad_value,
                    tmp / "c/train.csv line 2: Cardiomegaly is 'yes', expected 1.0, 0.0, -1.0 or blank"));
  CHECK(
      has_example(c.report, Problem::bad_value, "line 3: Frontal/Lateral is 'Sideways', expected Frontal or Lateral"));

  testing::write_test_png(tmp / "f/A/x.png");
  testing::write_text(tmp / "f/A/notes.txt", "hello");
  testing::write_text(tmp / "f/loose.png", "");
  Dataset f = open_dataset("folder:" + tmp / "f");
  CHECK(f.size() == 1);
  CHECK(f.report.count(Problem::unexpected_file) == 2);
  CHECK(has_example(f.report, Problem::unexpected_file, tmp / "f/A/notes.txt: not an image file"));
  CHECK(has_example(f.report, Problem::unexpected_file, tmp / "f/loose.png: a file outside the class folders"));

  testing::write_test_png(tmp / "v/images/a.png");
  testing::write_text(tmp / "v/metadata.csv", "patientid,finding,view,modality,png\n1,COVID-19,PA,X-ray,a.png\n"
                                              "1,COVID-19,PA,X-ray,a.png\n2,Pneumonia/Viral/COVID-19,PA,CT,b.png\n");
  Dataset v = open_dataset("covid:" + tmp / "v");
  CHECK(v.size() == 1);
  CHECK(v.report.count(Problem::duplicate_row) == 1);
  CHECK(v.report.summary().find("left out: modality CT (not X-ray)") != std::string::npos);
}
