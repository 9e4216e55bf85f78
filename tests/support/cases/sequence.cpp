// Op cases: LSTM and attention. See op_cases.h for what a case is.
#include "tests/support/cases/cases.h"

namespace thorax::testing {

namespace {

// The output, final hidden and final cell states as one vector, so one comparison covers all three.
Tensor lstm_all(const LstmOutput& o) { return cat({flatten(o.output), flatten(o.h_n), flatten(o.c_n)}, 0); }

}  // namespace

void add_sequence_cases(std::vector<OpCase>& t) {
  auto add_case = [&](OpCase c) { t.push_back(std::move(c)); };

  // One layer with an initial state: x (T=4, N=2, I=3), H=3.
  add_case({"lstm/one_layer_h0", "lstm",
            {in({4, 2, 3}), in({12, 3}), in({12, 3}), in({12}), in({12}), in({1, 2, 3}), in({1, 2, 3})},
            {{"layers", 1}, {"bidirectional", false}, {"batch_first", false}, {"hidden", 3}, {"initial_state", true}},
            [](const Inputs& x) { return lstm_all(lstm(x[0], {{x[1], x[2], x[3], x[4]}}, {}, x[5], x[6])); }});
  // Two bidirectional layers, batch-first: layer 1 reads both directions of layer 0 (input 2H = 4).
  add_case({"lstm/two_layers_bidirectional", "lstm",
            {in({2, 3, 3}),                                       // x (N=2, T=3, I=3)
             in({8, 3}), in({8, 2}), in({8}), in({8}),            // layer 0 forward
             in({8, 3}), in({8, 2}), in({8}), in({8}),            // layer 0 reverse
             in({8, 4}), in({8, 2}), in({8}), in({8}),            // layer 1 forward
             in({8, 4}), in({8, 2}), in({8}), in({8})},           // layer 1 reverse
            {{"layers", 2}, {"bidirectional", true}, {"batch_first", true}, {"hidden", 2}, {"initial_state", false}},
            [](const Inputs& x) {
              std::vector<LstmLayerWeights> w;
              for (int k = 0; k < 4; ++k) w.push_back({x[1 + 4 * k], x[2 + 4 * k], x[3 + 4 * k], x[4 + 4 * k]});
              return lstm_all(lstm(x[0], w, {2, true, true}));
            }});

  add_case({"attention/sdpa", "attention", {in({2, 3, 4, 5}), in({2, 3, 6, 5}), in({2, 3, 6, 3})},
            {{"kind", "sdpa"}, {"causal", false}},
            [](const Inputs& x) { return scaled_dot_product_attention(x[0], x[1], x[2]); }});
  add_case({"attention/sdpa_causal", "attention", {in({3, 5, 4}), in({3, 5, 4}), in({3, 5, 2})},
            {{"kind", "sdpa"}, {"causal", true}},
            [](const Inputs& x) { return scaled_dot_product_attention(x[0], x[1], x[2], true); }});
  // Multi-head attention with PyTorch's packed in-projection, query attending to a longer key sequence.
  add_case({"attention/multi_head", "attention",
            {in({2, 3, 8}), in({2, 5, 8}), in({2, 5, 8}), in({24, 8}), in({24}), in({8, 8}), in({8})},
            {{"kind", "mha"}, {"heads", 2}}, [](const Inputs& x) {
              MultiHeadAttentionWeights w{x[3], x[4], x[5], x[6]};
              return multi_head_attention(x[0], x[1], x[2], w, 2);
            }});
}

}  // namespace thorax::testing
