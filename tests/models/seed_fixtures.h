// The seed architectures at the tiny sizes the tests train them at (one spec each, models/model_spec.h), and
// the resolution each needs for more than one spatial token where it pools tokens by attention (with one token,
// or one filled memory slot, attention weights are constant and their parameters get no gradient).
#pragma once
#include <string>
#include <vector>

namespace thorax::testing {

struct TinySeedModel {
  std::string spec;
  int64_t res;
};

inline std::vector<TinySeedModel> tiny_seed_models() {
  return {{"hybrid?width=16&backbones=mobilenet_v2", 64},
          {"resnet50_cbam_fpn?width=8", 32},
          {"chest_attention_net?width=8", 32},
          {"rare_disease?width=8&rare=1,2", 64},
          {"dual_stream?width=8&stream=mobilenet_v2", 32},
          {"semssxl?width=16&encoder=mobilenet_v2", 32}};
}

}  // namespace thorax::testing
