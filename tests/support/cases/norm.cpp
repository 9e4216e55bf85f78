// Op cases: normalization, dropout, softmax, joining and padding. See op_cases.h for what a case is.
#include <array>

#include "tests/support/cases/cases.h"

namespace thorax::testing {

namespace {

using json = nlohmann::json;

// Input layout of a batch_norm case: x, then [running_mean, running_var], then [weight, bias].
struct BatchNormCase {
  bool running, affine, training;
  double momentum = 0.1;
};

std::vector<InputSpec> batch_norm_inputs(InputSpec x, int64_t C, const BatchNormCase& b, bool x_grad = true) {
  if (!x_grad) x = constant(x);
  std::vector<InputSpec> v{x};
  if (b.running) v.push_back(constant(in({C}))), v.push_back(constant(in({C}, "positive")));
  if (b.affine) v.push_back(in({C})), v.push_back(in({C}));
  return v;
}

json batch_norm_params(const BatchNormCase& b, const char* output = "y") {
  return {{"running", b.running}, {"affine", b.affine},   {"training", b.training},
          {"momentum", b.momentum}, {"eps", 1e-5}, {"output", output}};
}

// Runs batch_norm on copies of the running statistics: the op updates them in place, and the gradient
// check calls the case many times expecting the same result each time. Returns (y, mean, var).
std::array<Tensor, 3> run_batch_norm(const Inputs& x, const BatchNormCase& b) {
  size_t i = 1;
  Tensor rm, rv, w, bias;
  if (b.running) rm = x[i].clone(), rv = x[i + 1].clone(), i += 2;
  if (b.affine) w = x[i], bias = x[i + 1];
  Tensor y = batch_norm(x[0], rm, rv, w, bias, b.training, b.momentum, 1e-5);
  return {y, rm, rv};
}

// Every chunk scaled differently before re-joining, so a chunk's gradient cannot be confused with another's.
Tensor rejoin(const std::vector<Tensor>& chunks, int64_t dim) {
  std::vector<Tensor> scaled;
  for (size_t i = 0; i < chunks.size(); ++i) scaled.push_back(chunks[i] * static_cast<double>(i + 1));
  return cat(scaled, dim);
}

}  // namespace

void add_norm_cases(std::vector<OpCase>& t) {
  auto add_case = [&](OpCase c) { t.push_back(std::move(c)); };

  // ---- batch_norm: training (batch statistics) and eval (random running statistics), affine or not
  struct Bn {
    const char* id;
    InputSpec x;
    BatchNormCase b;
  };
  for (const Bn& c : {Bn{"train_affine_4d", in({4, 3, 2, 3}), {true, true, true}},
                      Bn{"train_plain_3d", in({3, 4, 5}), {true, false, true}},
                      Bn{"train_no_running_2d_noncontig", noncontig(in({6, 4})), {false, true, true}},
                      Bn{"eval_affine_4d", in({2, 3, 3, 3}), {true, true, false}},
                      Bn{"eval_plain_2d", in({5, 4}), {true, false, false}}}) {
    BatchNormCase b = c.b;
    add_case({std::string("batch_norm/") + c.id, "batch_norm", batch_norm_inputs(c.x, c.x.shape[1], b),
              batch_norm_params(b), [b](const Inputs& x) { return run_batch_norm(x, b)[0]; }});
  }
  {  // the momentum update of the running statistics (unbiased variance), compared without gradients
    BatchNormCase b{true, true, true, 0.3};
    OpCase c{"batch_norm/running_stats_update", "batch_norm", batch_norm_inputs(in({4, 3, 5}), 3, b, false),
             batch_norm_params(b, "running_stats"), [b](const Inputs& x) {
               auto [y, rm, rv] = run_batch_norm(x, b);
               return cat({rm, rv}, 0);
             }};
    for (auto& s : c.inputs) s.grad = false;
    c.gradcheck = false;  // no input asks for a gradient
    add_case(c);
  }

  // ---- layer_norm over one or two trailing dims, affine or not
  struct Ln {
    const char* id;
    InputSpec x;
    Shape normalized;
    bool affine;
  };
  for (const Ln& c : {Ln{"last_dim_affine", in({3, 4, 5}), {5}, true}, Ln{"two_dims_affine", in({2, 3, 4}), {3, 4}, true},
                      Ln{"plain", in({4, 6}), {6}, false}, Ln{"noncontig_affine", noncontig(in({5, 6})), {6}, true}}) {
    std::vector<InputSpec> inputs{c.x};
    if (c.affine) inputs.push_back(in(c.normalized)), inputs.push_back(in(c.normalized));
    Shape ns = c.normalized;
    bool affine = c.affine;
    add_case({std::string("layer_norm/") + c.id, "layer_norm", inputs,
              {{"normalized_shape", ns}, {"affine", affine}, {"eps", 1e-5}}, [ns, affine](const Inputs& x) {
                return affine ? layer_norm(x[0], ns, x[1], x[2]) : layer_norm(x[0], ns);
              }});
  }

  // ---- dropout: a given mask (as torch draws its own), eval, p = 0, and the Philox mask itself
  add_case({"dropout/given_mask", "dropout", {in({4, 5}), constant(in({4, 5}, "binary"))},
            {{"mode", "mask"}, {"p", 0.3}}, [](const Inputs& x) { return dropout_with_mask(x[0], x[1], 0.3); }});
  add_case({"dropout/eval_identity", "dropout", {in({3, 4})}, {{"mode", "eval"}, {"p", 0.5}},
            [](const Inputs& x) { return dropout(x[0], 0.5, false); }});
  add_case({"dropout/p0_keeps_all", "dropout", {in({3, 4})}, {{"mode", "train"}, {"p", 0.0}},
            [](const Inputs& x) { return dropout(x[0], 0.0, true); }});
  // A fresh generator per call, so the gradient check sees one mask; the PyTorch side recomputes the
  // mask with its own Philox-4x32-10, which checks that the mask is a pure function of (seed, counter).
  add_case({"dropout/philox_mask", "dropout", {in({5, 7})}, {{"mode", "philox"}, {"p", 0.4}, {"seed", 42}},
            [](const Inputs& x) {
              Generator g(42);
              return dropout(x[0], 0.4, true, &g);
            }});

  // ---- softmax and log_softmax over the last, a middle and the first dim; large logits
  for (const char* op : {"softmax", "log_softmax"}) {
    std::string o = op;
    auto call = [o](const Tensor& x, int64_t d) { return o == "softmax" ? softmax(x, d) : log_softmax(x, d); };
    struct V {
      const char* id;
      InputSpec x;
      int64_t dim;
    };
    for (const V& v : {V{"last", in({3, 4, 5}), -1}, V{"middle", in({3, 4, 5}), 1},
                       V{"first_noncontig", noncontig(in({4, 6})), 0}, V{"large_logits", kinked({2, 7}, {}, 30.0), 1}}) {
      int64_t d = v.dim;
      add_case({o + "/" + v.id, o, {v.x}, {{"dim", d}}, [call, d](const Inputs& x) { return call(x[0], d); }});
    }
  }

  // ---- cat, stack, split
  add_case({"cat/dim1_three", "cat", {in({2, 3}), in({2, 1}), in({2, 4})}, {{"dim", 1}},
            [](const Inputs& x) { return cat({x[0], x[1], x[2]}, 1); }});
  add_case({"cat/dim0_3d", "cat", {in({1, 3, 2}), in({2, 3, 2})}, {{"dim", 0}},
            [](const Inputs& x) { return cat({x[0], x[1]}, 0); }});
  add_case({"cat/last_noncontig_with_constant", "cat", {noncontig(in({3, 4})), constant(in({3, 2}))}, {{"dim", -1}},
            [](const Inputs& x) { return cat({x[0], x[1]}, -1); }});
  add_case({"stack/dim0", "stack", {in({2, 3}), in({2, 3}), in({2, 3})}, {{"dim", 0}},
            [](const Inputs& x) { return stack({x[0], x[1], x[2]}, 0); }});
  add_case({"stack/last", "stack", {in({3, 2}), in({3, 2})}, {{"dim", -1}},
            [](const Inputs& x) { return stack({x[0], x[1]}, -1); }});
  add_case({"stack/middle_noncontig", "stack", {noncontig(in({2, 3})), in({2, 3})}, {{"dim", 1}},
            [](const Inputs& x) { return stack({x[0], x[1]}, 1); }});
  add_case({"split/uneven_dim0", "split", {in({7, 4})}, {{"split", 3}, {"dim", 0}},
            [](const Inputs& x) { return rejoin(split(x[0], 3, 0), 0); }});
  add_case({"split/sizes_dim1", "split", {in({3, 6})}, {{"split", Shape{1, 3, 2}}, {"dim", 1}},
            [](const Inputs& x) { return rejoin(split_with_sizes(x[0], {1, 3, 2}, 1), 1); }});
  add_case({"split/last_noncontig", "split", {noncontig(in({4, 5}))}, {{"split", 2}, {"dim", -1}},
            [](const Inputs& x) { return rejoin(split(x[0], 2, -1), -1); }});

  // ---- pad: constant (with cropping), reflect and replicate over 1, 2 and 3 trailing dims
  struct P {
    const char* id;
    Shape shape;
    std::vector<int64_t> pads;
    PadMode mode;
    const char* mode_name;
    double value;
  };
  for (const P& p : {P{"constant_last", {2, 3, 4}, {1, 2}, PadMode::constant, "constant", 0.5},
                     P{"constant_2d", {2, 2, 3, 3}, {1, 0, 2, 1}, PadMode::constant, "constant", 0.0},
                     P{"constant_crop", {3, 5}, {-1, 2, 1, -1}, PadMode::constant, "constant", -1.0},
                     P{"reflect_1d", {2, 3, 5}, {2, 3}, PadMode::reflect, "reflect", 0.0},
                     P{"reflect_2d", {1, 2, 4, 5}, {2, 1, 1, 3}, PadMode::reflect, "reflect", 0.0},
                     P{"reflect_3d", {1, 1, 3, 3, 3}, {1, 2, 2, 1, 1, 1}, PadMode::reflect, "reflect", 0.0},
                     P{"replicate_2d", {1, 2, 3, 4}, {2, 3, 1, 1}, PadMode::replicate, "replicate", 0.0},
                     P{"replicate_3d", {1, 1, 2, 3, 3}, {1, 1, 1, 1, 1, 1}, PadMode::replicate, "replicate", 0.0}}) {
    auto pads = p.pads;
    auto mode = p.mode;
    double value = p.value;
    add_case({std::string("pad/") + p.id, "pad", {in(p.shape)},
              {{"pads", pads}, {"mode", p.mode_name}, {"value", value}},
              [pads, mode, value](const Inputs& x) { return pad(x[0], pads, mode, value); }});
  }
}

}  // namespace thorax::testing
