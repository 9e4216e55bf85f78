#include <doctest/doctest.h>

#include <string>

#include "data/label_space.h"
#include "data/spec.h"

using namespace thorax::data;

TEST_CASE("spec: every example of the Contracts parses into kind, path and options") {
  DatasetSpec s = parse_spec("nih:/data/nih?split=official&views=PA,AP");
  CHECK(s.kind == "nih");
  CHECK(s.path == "/data/nih");
  CHECK(s.get("split") == "official");
  CHECK(s.get_list("views") == std::vector<std::string>{"PA", "AP"});

  s = parse_spec("chexpert:/d/train.csv?uncertain=ones&uncertain.Atelectasis=zeros&frontal=1");
  CHECK(s.kind == "chexpert");
  CHECK(s.path == "/d/train.csv");
  CHECK(s.get("uncertain") == "ones");
  CHECK(s.get_bool("frontal", false));
  REQUIRE(s.with_prefix("uncertain").size() == 1);
  CHECK(s.with_prefix("uncertain")[0] == std::pair<std::string, std::string>{"Atelectasis", "zeros"});

  s = parse_spec("folder:/d/train");
  CHECK(s.kind == "folder");
  CHECK(s.path == "/d/train");
  CHECK(s.options.empty());

  s = parse_spec("npz:/d/pneumoniamnist.npz?split=train");
  CHECK(s.path == "/d/pneumoniamnist.npz");
  CHECK(s.get("split") == "train");

  CHECK(parse_spec("covid:/d").path == "/d");

  s = parse_spec("embedded?n=4000&res=128&seed=1");
  CHECK(s.kind == "embedded");
  CHECK(s.path.empty());
  CHECK(s.get_int("n", 0) == 4000);
  CHECK(s.get_int("res", 0) == 128);
  CHECK(s.get_int("seed", 0) == 1);
  CHECK(s.get_int("absent", 7) == 7);
}

TEST_CASE("spec: an unknown key is an error naming it and the allowed keys") {
  CHECK_THROWS_WITH(parse_spec("nih:/d?spilt=official"),
                    "dataset spec 'nih:/d?spilt=official': unknown option 'spilt' for kind 'nih' (allowed: csv, "
                    "images, split, views, labels, no_finding, lungs)");
  CHECK_THROWS_WITH(parse_spec("embedded?n=10&resolution=64"),
                    doctest::Contains("unknown option 'resolution' for kind 'embedded' (allowed: n, res, seed"));
  // A prefix key needs a name after the dot.
  CHECK_THROWS_WITH(parse_spec("chexpert:/d/t.csv?uncertain.=ones"), doctest::Contains("unknown option 'uncertain.'"));
}

TEST_CASE("spec: malformed specs get one actionable sentence") {
  CHECK_THROWS_WITH(parse_spec("dicom:/d"), doctest::Contains("unknown kind 'dicom' (known: nih, chexpert, folder"));
  CHECK_THROWS_WITH(parse_spec("nih"), doctest::Contains("kind 'nih' needs a path, as in nih:/path/to/data"));
  CHECK_THROWS_WITH(parse_spec("embedded:/x?n=1"), doctest::Contains("kind 'embedded' takes no path"));
  CHECK_THROWS_WITH(parse_spec("nih:/d?split"), doctest::Contains("option 'split' is not of the form key=value"));
  CHECK_THROWS_WITH(parse_spec("nih:/d?split=a&split=b"), doctest::Contains("option 'split' is given twice"));
  CHECK_THROWS_WITH(parse_spec("embedded?n=lots").get_int("n", 0),
                    "dataset spec 'embedded?n=lots': option n=lots is not an integer");
  CHECK_THROWS_WITH(parse_spec("chexpert:/d/t.csv?frontal=maybe").get_bool("frontal", false),
                    doctest::Contains("option frontal=maybe must be 1 or 0"));
  CHECK_THROWS_WITH(parse_spec("folder:/d%2"), doctest::Contains("'%' must be followed by two hex digits"));
}

TEST_CASE("spec: percent escapes let paths and values hold '?' and '&'") {
  DatasetSpec s = parse_spec("folder:/d/what%3F%26why?classes=A%26B,C");
  CHECK(s.path == "/d/what?&why");
  CHECK(s.get_list("classes") == std::vector<std::string>{"A&B", "C"});
  CHECK(split_list(" a, ,b ,, c") == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("label space: JSON round trip; mapping a dataset onto a model by name, mismatches list both sides") {
  LabelSpace model{{"Atelectasis", "Cardiomegaly", "Effusion"}, LabelKind::multi_label};
  CHECK(LabelSpace::from_json(model.to_json()).names == model.names);
  CHECK(model.to_json()["kind"] == "multi-label");
  LabelSpace data{{"Effusion", "Atelectasis"}, LabelKind::multi_label};
  CHECK(map_label_space(data, model) == std::vector<int>{2, 0});
  LabelSpace extra{{"Effusion", "Hernia"}, LabelKind::multi_label};
  CHECK_THROWS_WITH(map_label_space(extra, model),
                    "the model has no class Hernia: dataset has [multi-label: Effusion, Hernia], model has "
                    "[multi-label: Atelectasis, Cardiomegaly, Effusion]");
  LabelSpace classes{{"Effusion"}, LabelKind::multi_class};
  CHECK_THROWS_WITH(map_label_space(classes, model), doctest::Contains("label spaces differ in kind"));
  CHECK_THROWS_WITH(LabelSpace::from_json({{"kind", "ordinal"}, {"names", {"a"}}}),
                    doctest::Contains("kind 'ordinal' is neither multi-label nor multi-class"));
}
