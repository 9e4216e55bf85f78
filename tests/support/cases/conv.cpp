// Op cases: convolution, pooling and resampling. See op_cases.h for what a case is.
// Each case's thorax call is built from its JSON params, the same params tests/torch/ops_conv.py reads,
// so the two sides cannot drift apart. Shapes stay small: the gradient check runs two forward passes
// per input element.
#include "tests/support/cases/cases.h"

namespace thorax::testing {

namespace {

using json = nlohmann::json;
using Pair = std::array<int64_t, 2>;

Pair pair(const json& p, const char* key, Pair fallback) {
  if (!p.contains(key) || p[key].is_null()) return fallback;
  return {p[key][0].get<int64_t>(), p[key][1].get<int64_t>()};
}

Conv2dOptions conv_options(const json& p) {
  return {pair(p, "stride", {1, 1}), pair(p, "padding", {0, 0}), pair(p, "dilation", {1, 1}), p.value("groups", int64_t{1})};
}

ConvTranspose2dOptions conv_transpose_options(const json& p) {
  return {pair(p, "stride", {1, 1}), pair(p, "padding", {0, 0}), pair(p, "output_padding", {0, 0}),
          pair(p, "dilation", {1, 1}), p.value("groups", int64_t{1})};
}

Upsample2dOptions upsample_options(const json& p) {
  Upsample2dOptions o;
  if (p.contains("size") && !p["size"].is_null()) o.size = {p["size"][0].get<int64_t>(), p["size"][1].get<int64_t>()};
  if (p.contains("scale") && !p["scale"].is_null()) o.scale = {p["scale"][0].get<double>(), p["scale"][1].get<double>()};
  o.align_corners = p.value("align_corners", false);
  return o;
}

Tensor bias_of(const Inputs& x) { return x.size() > 2 ? x[2] : Tensor(); }

}  // namespace

void add_conv_cases(std::vector<OpCase>& t) {
  auto add_case = [&](OpCase c) { t.push_back(std::move(c)); };

  // ---- conv2d: inputs x, weight[, bias]. Float32 sums of at most ~100 products: rtol 1e-4 of the largest value.
  auto conv = [&](const std::string& variant, std::vector<InputSpec> inputs, json params) {
    const Conv2dOptions o = conv_options(params);
    add_case({"conv2d/" + variant, "conv2d", std::move(inputs), params,
              [o](const Inputs& x) { return conv2d(x[0], x[1], bias_of(x), o); }, 1e-5, 1e-4});
  };
  conv("basic_bias", {in({2, 3, 5, 6}), in({4, 3, 3, 3}), in({4})}, json::object());
  conv("stride2_pad1_nobias", {in({1, 2, 7, 6}), in({3, 2, 3, 3})}, {{"stride", {2, 2}}, {"padding", {1, 1}}});
  conv("dilation_nonsquare", {in({2, 2, 7, 8}), in({3, 2, 2, 3}), in({3})},
       {{"stride", {1, 2}}, {"padding", {2, 1}}, {"dilation", {2, 1}}});
  conv("groups2", {in({2, 4, 5, 5}), in({6, 2, 3, 3}), in({6})}, {{"padding", {1, 1}}, {"groups", 2}});
  conv("depthwise_stride2", {in({2, 3, 6, 5}), in({3, 1, 3, 3}), in({3})},
       {{"stride", {2, 2}}, {"padding", {1, 1}}, {"groups", 3}});
  conv("depthwise_multiplier_dilation", {in({1, 2, 6, 6}), in({4, 1, 3, 3})},
       {{"padding", {2, 2}}, {"dilation", {2, 2}}, {"groups", 2}});
  conv("pointwise_1x1", {in({2, 5, 3, 4}), in({3, 5, 1, 1}), in({3})}, json::object());
  conv("noncontig_input", {noncontig(in({1, 2, 5, 4})), in({2, 2, 3, 3})}, {{"padding", {1, 0}}});
  conv("frozen_weight", {in({2, 2, 4, 5}), constant(in({3, 2, 2, 2})), in({3})}, {{"stride", {2, 1}}});

  // ---- conv_transpose2d: inputs x, weight (C_in, C_out/groups, kH, kW)[, bias]
  auto convt = [&](const std::string& variant, std::vector<InputSpec> inputs, json params) {
    const ConvTranspose2dOptions o = conv_transpose_options(params);
    add_case({"conv_transpose2d/" + variant, "conv_transpose2d", std::move(inputs), params,
              [o](const Inputs& x) { return conv_transpose2d(x[0], x[1], bias_of(x), o); }, 1e-5, 1e-4});
  };
  convt("basic_bias", {in({2, 3, 4, 4}), in({3, 2, 3, 3}), in({2})}, json::object());
  convt("stride2_output_padding", {in({1, 2, 3, 4}), in({2, 3, 3, 3})},
        {{"stride", {2, 2}}, {"padding", {1, 1}}, {"output_padding", {1, 1}}});
  convt("groups2_dilation", {in({2, 4, 3, 3}), in({4, 1, 3, 2}), in({2})},
        {{"stride", {2, 1}}, {"padding", {1, 0}}, {"dilation", {1, 2}}, {"groups", 2}});
  convt("frozen_input", {constant(in({1, 2, 3, 3})), in({2, 2, 2, 2}), in({4})}, {{"stride", {2, 2}}, {"groups", 2}});
  convt("depthwise", {in({1, 3, 4, 4}), in({3, 1, 3, 3})}, {{"stride", {2, 2}}, {"padding", {1, 1}}, {"groups", 3}});

  // ---- max_pool2d: distinct inputs, so no window has tied maxima and finite differences see one argmax.
  auto maxpool = [&](const std::string& variant, Shape shape, json params) {
    MaxPool2dOptions o{pair(params, "stride", {0, 0}), pair(params, "padding", {0, 0}), pair(params, "dilation", {1, 1}),
                       params.value("ceil_mode", false)};
    const Pair k = pair(params, "kernel", {1, 1});
    add_case({"max_pool2d/" + variant, "max_pool2d", {in(std::move(shape), "distinct")}, params,
              [k, o](const Inputs& x) { return max_pool2d(x[0], k, o); }, 1e-6, 1e-6});
  };
  maxpool("k2_default_stride", {2, 3, 6, 6}, {{"kernel", {2, 2}}, {"stride", nullptr}});
  maxpool("k3_s2_p1", {1, 2, 7, 7}, {{"kernel", {3, 3}}, {"stride", {2, 2}}, {"padding", {1, 1}}});
  maxpool("overlapping_s1", {1, 2, 5, 5}, {{"kernel", {3, 3}}, {"stride", {1, 1}}, {"padding", {1, 1}}});
  maxpool("dilation_nonsquare_ceil", {1, 2, 8, 9},
          {{"kernel", {3, 2}}, {"stride", {2, 1}}, {"padding", {1, 1}}, {"dilation", {2, 1}}, {"ceil_mode", true}});
  {
    // Ties: which maximum gets the gradient is torch's first-in-window rule; compared, not gradient-checked.
    const MaxPool2dOptions o{{1, 1}, {0, 0}, {1, 1}, false};
    OpCase c{"max_pool2d/ties", "max_pool2d", {in({1, 2, 4, 5}, "ties")},
             {{"kernel", {2, 2}}, {"stride", {1, 1}}}, [o](const Inputs& x) { return max_pool2d(x[0], {2, 2}, o); },
             1e-6, 1e-6};
    c.gradcheck = false;
    add_case(c);
  }

  // ---- avg_pool2d
  auto avgpool = [&](const std::string& variant, Shape shape, json params) {
    AvgPool2dOptions o{pair(params, "stride", {0, 0}), pair(params, "padding", {0, 0}), params.value("ceil_mode", false),
                       params.value("count_include_pad", true)};
    const Pair k = pair(params, "kernel", {1, 1});
    add_case({"avg_pool2d/" + variant, "avg_pool2d", {in(std::move(shape))}, params,
              [k, o](const Inputs& x) { return avg_pool2d(x[0], k, o); }, 1e-6, 1e-5});
  };
  avgpool("k2_default_stride", {2, 3, 6, 6}, {{"kernel", {2, 2}}, {"stride", nullptr}});
  avgpool("k3_s2_p1_include_pad", {1, 2, 7, 7}, {{"kernel", {3, 3}}, {"stride", {2, 2}}, {"padding", {1, 1}}});
  avgpool("exclude_pad_ceil", {1, 2, 6, 7},
          {{"kernel", {3, 3}}, {"stride", {2, 2}}, {"padding", {1, 1}}, {"ceil_mode", true}, {"count_include_pad", false}});
  avgpool("nonsquare", {2, 2, 5, 6}, {{"kernel", {3, 2}}, {"stride", {1, 2}}, {"padding", {1, 0}}});

  // ---- adaptive_avg_pool2d
  auto adaptive = [&](const std::string& variant, Shape shape, Pair out) {
    add_case({"adaptive_avg_pool2d/" + variant, "adaptive_avg_pool2d", {in(std::move(shape))}, {{"output_size", out}},
              [out](const Inputs& x) { return adaptive_avg_pool2d(x[0], out); }, 1e-6, 1e-5});
  };
  adaptive("uneven_bins", {2, 3, 7, 5}, {3, 2});
  adaptive("global", {1, 2, 4, 4}, {1, 1});
  adaptive("growing", {1, 2, 3, 5}, {5, 7});

  // ---- upsample_nearest / upsample_bilinear: by size or by scale factor; bilinear both alignments.
  auto resample = [&](const std::string& op, const std::string& variant, Shape shape, json params) {
    const Upsample2dOptions o = upsample_options(params);
    const bool nearest = op == "upsample_nearest";
    add_case({op + "/" + variant, op, {in(std::move(shape))}, params,
              [o, nearest](const Inputs& x) { return nearest ? upsample_nearest(x[0], o) : upsample_bilinear(x[0], o); },
              1e-6, 1e-5});
  };
  resample("upsample_nearest", "size_grow", {1, 2, 4, 5}, {{"size", {8, 11}}});
  resample("upsample_nearest", "scale2", {2, 2, 3, 4}, {{"scale", {2.0, 2.0}}});
  resample("upsample_nearest", "scale1.5", {1, 2, 4, 5}, {{"scale", {1.5, 1.5}}});
  resample("upsample_nearest", "size_shrink", {1, 2, 7, 5}, {{"size", {3, 2}}});
  for (bool align : {false, true}) {
    const std::string a = align ? "_align" : "";
    resample("upsample_bilinear", "size_grow" + a, {1, 2, 4, 5}, {{"size", {7, 9}}, {"align_corners", align}});
    resample("upsample_bilinear", "scale2" + a, {2, 2, 3, 4}, {{"scale", {2.0, 2.0}}, {"align_corners", align}});
    resample("upsample_bilinear", "size_shrink" + a, {1, 2, 7, 5}, {{"size", {3, 2}}, {"align_corners", align}});
  }
  resample("upsample_bilinear", "scale1.7", {1, 1, 4, 5}, {{"scale", {1.7, 1.3}}});
}

}  // namespace thorax::testing
