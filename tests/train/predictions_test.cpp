// predictions.csv: the round trip keeps every value (and so every metric), errors name the file, line and column.
#include "train/predictions.h"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

#include "tensor/npy.h"
#include "tests/data/data_fixtures.h"
#include "tests/train/eval_fixtures.h"
#include "train/evaluation.h"

using namespace thorax;
using namespace thorax::train;
using thorax::data::testing::TempDir;

namespace {

Predictions awkward() {
  Predictions p;
  p.labels = {{"Pleural Effusion", "Mass, left", "Quote\"d"}, data::LabelKind::multi_label};
  const float probs[] = {0.1f, 0.123456789f, 1.0f, 0.0f, 1e-8f, 0.99999994f, 0.5f, 0.25f, 0.3333333f};
  const float targets[] = {1, 0, NAN, 0, 1, 1, NAN, NAN, NAN};
  p.prob.assign(std::begin(probs), std::end(probs));
  p.target.assign(std::begin(targets), std::end(targets));
  p.image = {"a/b,1.png", "plain.png", "q\"uote.png"};
  p.patient_id = {"p1", "p1", "p,2"};
  p.split = {"test", "val", ""};
  p.sex = {"M", "", "F"};
  p.age = {34, -1, 0};
  p.view = {"PA", "AP", ""};
  return p;
}

std::string csv_file(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.path() + "/" + name;
  write_file_atomic(path, text);
  return path;
}

std::string error_of(const std::string& path, data::LabelKind kind = data::LabelKind::multi_label) {
  try {
    read_predictions_csv(path, kind);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("predictions.csv round trip keeps every value, quoted ids, unknown labels and attributes") {
  TempDir dir;
  const Predictions p = awkward();
  const std::string path = dir.path() + "/predictions.csv";
  write_predictions_csv(path, p);
  // Written through a temporary name: nothing but the file itself is left in the folder.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
  const Predictions q = read_predictions_csv(path, data::LabelKind::multi_label);
  CHECK(q.labels.names == p.labels.names);
  CHECK(q.image == p.image);
  CHECK(q.patient_id == p.patient_id);
  CHECK(q.split == p.split);
  CHECK(q.sex == p.sex);
  CHECK(q.age == p.age);
  CHECK(q.view == p.view);
  REQUIRE(q.prob.size() == p.prob.size());
  for (size_t i = 0; i < p.prob.size(); ++i) {
    CHECK(q.prob[i] == p.prob[i]);  // 9 significant digits reproduce a float exactly
    CHECK((std::isnan(q.target[i]) ? std::isnan(p.target[i]) : q.target[i] == p.target[i]));
  }
  // A second write of what was read gives the same bytes.
  write_predictions_csv(dir.path() + "/again.csv", q);
  CHECK(read_file_bytes(path) == read_file_bytes(dir.path() + "/again.csv"));
}

TEST_CASE("a round trip through predictions.csv reproduces the evaluation exactly") {
  TempDir dir;
  Predictions p = testing::random_predictions(300, 1.0, 7, 120);
  write_predictions_csv(dir.path() + "/p.csv", p);
  const Predictions q = read_predictions_csv(dir.path() + "/p.csv", data::LabelKind::multi_label);
  EvalOptions o;
  o.bootstrap.resamples = 20;
  CHECK(evaluate({}, p, o) == evaluate({}, q, o));
}

TEST_CASE("select_split and append_row") {
  const Predictions p = awkward();
  const Predictions test = select_split(p, "test");
  REQUIRE(test.rows() == 1);
  CHECK(test.image[0] == "a/b,1.png");
  CHECK(test.prob == std::vector<float>{0.1f, 0.123456789f, 1.0f});
  CHECK(select_split(p, "").rows() == 3);
  CHECK(select_split(p, "train").rows() == 0);
  Predictions other = p;
  other.labels.names[0] = "Effusion";
  Predictions target = test;
  CHECK_THROWS_WITH_AS(target.append_row(other, 0), doctest::Contains("cannot append a row"), std::invalid_argument);
}

TEST_CASE("check names the column that is wrong") {
  Predictions p = awkward();
  p.sex.pop_back();
  CHECK_THROWS_WITH(p.check(), doctest::Contains("column 'sex' has 2 values where 3 are needed"));
  p = awkward();
  p.prob[4] = 1.5f;
  CHECK_THROWS_WITH(p.check(), doctest::Contains("column 'p_Mass, left' of image 'plain.png' holds 1.5"));
  p = awkward();
  p.target[1] = 0.5f;
  CHECK_THROWS_WITH(p.check(), doctest::Contains("column 'y_Mass, left' of image 'a/b,1.png' holds 0.5"));
  p = awkward();
  p.labels.kind = data::LabelKind::multi_class;
  CHECK_THROWS_WITH(p.check(), doctest::Contains("image 'a/b,1.png' hold 1 ones and 1 empty cells"));
}

TEST_CASE("reading a damaged predictions.csv names the file, the line and the column") {
  TempDir dir;
  const std::string head = "image,patient_id,split,p_A,p_B,y_A,y_B\n";
  CHECK(error_of(csv_file(dir, "a.csv", head + "x,p,test,0.2,0.3,1,0\ny,p,test,0.2,abc,1,0\n")) ==
        dir.path() + "/a.csv line 3, column p_B: 'abc' is not a probability (a number in [0, 1])");
  CHECK(error_of(csv_file(dir, "b.csv", head + "x,p,test,0.2,1.3,1,0\n")) ==
        dir.path() + "/b.csv line 2, column p_B: '1.3' is not a probability (a number in [0, 1])");
  CHECK(error_of(csv_file(dir, "c.csv", head + "x,p,test,0.2,0.3,2,0\n")) ==
        dir.path() + "/c.csv line 2, column y_A: '2' is not a label (0, 1, or empty for unknown)");
  CHECK(error_of(csv_file(dir, "d.csv", head + "x,p,test,0.2,0.3,1\n")) ==
        dir.path() + "/d.csv line 2: 6 fields, the header has 7");
  CHECK(error_of(csv_file(dir, "e.csv", "image,patient_id,split,p_A,p_B,y_A\n")) ==
        dir.path() +
            "/e.csv line 1: no label column y_B for its probability column (every p_<class> needs its y_<class>)");
  CHECK(error_of(csv_file(dir, "f.csv", "image,split,p_A,y_A\n")).find("missing column 'patient_id'") !=
        std::string::npos);
  CHECK(error_of(csv_file(dir, "g.csv", head + "x,p,test,0.2,0.3,1,0\nx,q,val,0.2,0.3,1,0\n")) ==
        dir.path() + "/g.csv line 3, column image: image 'x' is already on line 2 (one row per image)");
  CHECK(error_of(csv_file(dir, "h.csv", "image,patient_id,split,p_A,y_A,age\nx,p,test,0.2,1,forty\n")) ==
        dir.path() + "/h.csv line 2, column age: 'forty' is not an age in whole years (or empty)");
  CHECK(error_of(csv_file(dir, "i.csv", "image,patient_id,split,y_A\nx,p,test,1\n")) ==
        dir.path() + "/i.csv line 1: no probability columns (p_<class>) in the header");
  CHECK(error_of(csv_file(dir, "j.csv", head + "x,p,test,0.2,0.3,1,1\n"), data::LabelKind::multi_class)
            .find("j.csv: predictions: the y_ columns of image 'x' hold 2 ones") != std::string::npos);
  CHECK(error_of(dir.path() + "/absent.csv").find("absent.csv") != std::string::npos);
}

TEST_CASE("a CSV without the optional columns reads, with the image as patient when patient_id is empty") {
  TempDir dir;
  const Predictions p = read_predictions_csv(
      csv_file(dir, "p.csv", "split,image,patient_id,p_A,y_A,extra\ntest,x,,0.25,,z\nval,y,q,1,1,z\n"),
      data::LabelKind::multi_label);
  REQUIRE(p.rows() == 2);
  CHECK(p.patient_id == std::vector<std::string>{"x", "q"});
  CHECK(std::isnan(p.y(0, 0)));
  CHECK(p.age == std::vector<int>{-1, -1});
  CHECK(p.sex == std::vector<std::string>{"", ""});
}
