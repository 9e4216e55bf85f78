// Op cases: losses. See op_cases.h for what a case is.
#include "tests/support/cases/cases.h"

namespace thorax::testing {

void add_loss_cases(std::vector<OpCase>& t) {
  auto add_case = [&](OpCase c) { t.push_back(std::move(c)); };
  const InputSpec targets = constant(in({6, 5}, "binary"));

  add_case({"bce_with_logits/plain", "bce_with_logits", {in({6, 5}), targets}, {{"reduction", "mean"}},
            [](const Inputs& x) { return bce_with_logits(x[0], x[1]); }});
  add_case({"bce_with_logits/soft_targets_sum", "bce_with_logits", {in({4, 3}, "normal"), constant(in({4, 3}, "unit"))},
            {{"reduction", "sum"}}, [](const Inputs& x) {
              BceOptions o;
              o.reduction = Reduction::sum;
              return bce_with_logits(x[0], x[1], o);
            }});
  // pos_weight per class, per-element weights broadcast from a row, and a mask of ignored labels:
  // the mean divides by the counted elements only.
  add_case({"bce_with_logits/pos_weight_weight_mask", "bce_with_logits",
            {in({6, 5}), targets, constant(in({5}, "positive")), constant(in({1, 5}, "positive")),
             constant(in({6, 5}, "binary"))},
            {{"reduction", "mean"}}, [](const Inputs& x) {
              BceOptions o;
              o.pos_weight = x[2];
              o.weight = x[3];
              o.mask = x[4];
              return bce_with_logits(x[0], x[1], o);
            }});
  add_case({"bce_with_logits/none", "bce_with_logits", {in({3, 4}), constant(in({3, 4}, "binary"))},
            {{"reduction", "none"}}, [](const Inputs& x) {
              BceOptions o;
              o.reduction = Reduction::none;
              return bce_with_logits(x[0], x[1], o);
            }});

  add_case({"focal_loss/default", "focal_loss", {in({6, 5}, "normal"), targets},
            {{"alpha", 0.25}, {"gamma", 2.0}, {"reduction", "mean"}},
            [](const Inputs& x) { return focal_loss(x[0], x[1]); }});
  add_case({"focal_loss/no_alpha_sum", "focal_loss", {in({4, 3}, "normal"), constant(in({4, 3}, "binary"))},
            {{"alpha", -1.0}, {"gamma", 1.5}, {"reduction", "sum"}}, [](const Inputs& x) {
              FocalOptions o;
              o.alpha = -1;
              o.gamma = 1.5;
              o.reduction = Reduction::sum;
              return focal_loss(x[0], x[1], o);
            }});

  auto classes = [](const Tensor& t) { return t.to(DType::i64); };
  add_case({"cross_entropy/plain", "cross_entropy", {in({7, 4}), constant(in({7}, "classes:4"))},
            {{"label_smoothing", 0.0}, {"reduction", "mean"}},
            [classes](const Inputs& x) { return cross_entropy(x[0], classes(x[1])); }});
  add_case({"cross_entropy/weighted_smoothed", "cross_entropy",
            {in({7, 4}), constant(in({7}, "classes:4")), constant(in({4}, "positive"))},
            {{"label_smoothing", 0.1}, {"reduction", "mean"}}, [classes](const Inputs& x) {
              CrossEntropyOptions o;
              o.class_weight = x[2];
              o.label_smoothing = 0.1;
              return cross_entropy(x[0], classes(x[1]), o);
            }});
  add_case({"cross_entropy/sum", "cross_entropy", {in({5, 3}), constant(in({5}, "classes:3"))},
            {{"label_smoothing", 0.0}, {"reduction", "sum"}}, [classes](const Inputs& x) {
              CrossEntropyOptions o;
              o.reduction = Reduction::sum;
              return cross_entropy(x[0], classes(x[1]), o);
            }});

  add_case({"mse_loss/mean", "mse_loss", {in({4, 5}), constant(in({4, 5}))}, {{"reduction", "mean"}},
            [](const Inputs& x) { return mse_loss(x[0], x[1]); }});
  add_case({"mse_loss/sum", "mse_loss", {in({3, 2}), constant(in({3, 2}))}, {{"reduction", "sum"}},
            [](const Inputs& x) { return mse_loss(x[0], x[1], Reduction::sum); }});

  add_case({"nt_xent/t0.1", "nt_xent", {in({8, 5})}, {{"temperature", 0.1}},
            [](const Inputs& x) { return nt_xent(x[0], 0.1); }});
  add_case({"nt_xent/t0.5_pairs1", "nt_xent", {in({2, 3})}, {{"temperature", 0.5}},
            [](const Inputs& x) { return nt_xent(x[0], 0.5); }});
}

}  // namespace thorax::testing
