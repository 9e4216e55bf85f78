#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "data/augment.h"
#include "data/pipeline.h"
#include "data/transforms.h"

using namespace thorax::data;

namespace {

// A 1-channel image from 8-bit levels, row-major.
Image from_levels(int h, int w, const std::vector<int>& levels) {
  Image img(1, h, w);
  for (size_t i = 0; i < levels.size(); ++i) img.pixels[i] = levels[i] / 255.0f;
  return img;
}

float level(const Image& img, int y, int x) { return img.at(0, y, x) * 255.0f; }

}  // namespace

TEST_CASE("clahe: one tile, no clipping — the mapping is round(cdf·255/N), worked by hand") {
  // Levels 0 ×4, 50 ×4, 100 ×4, 200 ×3, 255 ×1: cdf 4, 8, 12, 15, 16 of N = 16.
  Image img = from_levels(4, 4, {0, 0, 50, 50, 0, 0, 50, 50, 100, 100, 200, 200, 100, 100, 200, 255});
  Image out = clahe(img, 0.0, 1, 1);
  CHECK(level(out, 0, 0) == doctest::Approx(64));   // round(4 · 15.9375)  = round(63.75)
  CHECK(level(out, 0, 2) == doctest::Approx(128));  // round(8 · 15.9375)  = round(127.5), half away from zero
  CHECK(level(out, 2, 0) == doctest::Approx(191));  // round(12 · 15.9375) = round(191.25)
  CHECK(level(out, 2, 2) == doctest::Approx(239));  // round(15 · 15.9375) = round(239.06)
  CHECK(level(out, 3, 3) == doctest::Approx(255));
}

TEST_CASE("clahe: clipping and redistribution, worked by hand") {
  // Same image, clip_limit 2: limit = max(1, floor(2·16/256)) = 1. Excess 3+3+3+2+0 = 11: nothing per bin
  // (11/256 = 0), then 11 single counts at stride floor(256/11) = 23: bins 0, 23, 46, 69, ..., 230.
  // cdf(0) = 1+1 = 2; cdf(50) = 2 + [23, 46] + 1 = 5; cdf(100) = 5 + [69, 92] + 1 = 8;
  // cdf(200) = 8 + [115, 138, 161, 184] + 1 = 13; cdf(255) = 13 + [207, 230] + 1 = 16.
  Image img = from_levels(4, 4, {0, 0, 50, 50, 0, 0, 50, 50, 100, 100, 200, 200, 100, 100, 200, 255});
  Image out = clahe(img, 2.0, 1, 1);
  CHECK(level(out, 0, 0) == doctest::Approx(32));   // round(2 · 15.9375)  = round(31.875)
  CHECK(level(out, 0, 2) == doctest::Approx(80));   // round(5 · 15.9375)  = round(79.6875)
  CHECK(level(out, 2, 0) == doctest::Approx(128));  // round(8 · 15.9375)  = round(127.5)
  CHECK(level(out, 2, 2) == doctest::Approx(207));  // round(13 · 15.9375) = round(207.19)
  CHECK(level(out, 3, 3) == doctest::Approx(255));
}

TEST_CASE("clahe: 2×2 tiles blend the four nearest mappings bilinearly, worked by hand") {
  // Tiles of 2×2 pixels, each with two levels twice: its mapping sends the lower level to 128 and the upper to
  // 255, anything below both to 0. Pixel centers (x + ½) against tile centers 1 and 3: columns 0 and 3 use one
  // tile, column 1 weighs the left tile 0.75, column 2 weighs it 0.25 (rows alike).
  Image img = from_levels(4, 4, {0, 40, 80, 120, 40, 0, 120, 80, 160, 200, 240, 255, 200, 160, 255, 240});
  Image out = clahe(img, 0.0, 2, 2);
  CHECK(level(out, 0, 0) == doctest::Approx(128));     // corner: top-left tile only, lut[0] = 128
  CHECK(level(out, 1, 1) == doctest::Approx(72));      // 0.75·(0.75·128 + 0.25·0) + 0.25·0
  CHECK(level(out, 1, 2) == doctest::Approx(191.25));  // 0.75·255 (top tiles) + 0.25·0 (bottom tiles)
  CHECK(level(out, 2, 1) == doctest::Approx(207.1875));  // 0.25·255 + 0.75·(0.75·255 + 0.25·0)
  CHECK(level(out, 3, 3) == doctest::Approx(128));     // bottom-right tile only, lut[240] = 128
  CHECK_THROWS_WITH(clahe(img, 2.0, 8, 8), doctest::Contains("a 8x8 tile grid does not fit a 4x4 image"));
}

TEST_CASE("equalize: OpenCV's rule round((cdf − cdf_min)·255/(N − cdf_min))") {
  Image img = from_levels(4, 4, {0, 0, 50, 50, 0, 0, 50, 50, 100, 100, 200, 200, 100, 100, 200, 255});
  Image out = equalize_histogram(img);
  CHECK(level(out, 0, 0) == doctest::Approx(0));
  CHECK(level(out, 0, 2) == doctest::Approx(85));   // 4 · 255/12
  CHECK(level(out, 2, 0) == doctest::Approx(170));  // 8 · 255/12
  CHECK(level(out, 2, 2) == doctest::Approx(234));  // round(11 · 21.25 = 233.75)
  CHECK(level(out, 3, 3) == doctest::Approx(255));
}

TEST_CASE("resize: exact area averages, half-pixel bilinear, center crop") {
  Image a(1, 1, 3);
  a.pixels = {0, 3, 6};
  Image half = resize(a, 1, 2, ResizeMethod::area);  // each output covers 1.5 inputs
  CHECK(half.pixels[0] == doctest::Approx(1.0));     // (0·1 + 3·0.5) / 1.5
  CHECK(half.pixels[1] == doctest::Approx(5.0));     // (3·0.5 + 6·1) / 1.5
  Image b(1, 1, 2);
  b.pixels = {0, 1};
  Image up = resize(b, 1, 4, ResizeMethod::bilinear);  // PyTorch interpolate(align_corners=False)
  CHECK(up.pixels == std::vector<float>{0.0f, 0.25f, 0.75f, 1.0f});
  CHECK(resize(b, 1, 4, ResizeMethod::area).pixels == up.pixels);  // area enlarges bilinearly
  Image block = from_levels(4, 4, {0, 2, 4, 6, 2, 0, 6, 4, 8, 8, 10, 10, 8, 8, 10, 10});
  Image quarter = resize(block, 2, 2, ResizeMethod::area);
  CHECK(level(quarter, 0, 0) == doctest::Approx(1));
  CHECK(level(quarter, 0, 1) == doctest::Approx(5));
  CHECK(level(quarter, 1, 0) == doctest::Approx(8));
  CHECK(level(quarter, 1, 1) == doctest::Approx(10));
  Image crop = center_crop(block, 2, 2);
  CHECK(crop.pixels == std::vector<float>{block.at(0, 1, 1), block.at(0, 1, 2), block.at(0, 2, 1), block.at(0, 2, 2)});
  CHECK_THROWS_WITH(center_crop(block, 5, 5), doctest::Contains("is larger than the 4x4 image (resize first)"));
}

TEST_CASE("geometry: flip, a 90° turn moves a dot from the right to the top, blur keeps a constant") {
  Image dot(1, 5, 5);
  dot.at(0, 2, 4) = 1.0f;
  Image turned = affine(dot, 90.0, 1.0, 0, 0);  // counter-clockwise on screen
  CHECK(turned.at(0, 0, 2) == doctest::Approx(1.0f));
  CHECK(turned.at(0, 2, 4) == doctest::Approx(0.0f));
  CHECK(flip_horizontal(dot).at(0, 2, 0) == 1.0f);
  Image flat(1, 6, 7, 0.4f);
  for (float v : gaussian_blur(flat, 1.5).pixels) CHECK(v == doctest::Approx(0.4f));
  for (float v : bilateral_filter(flat, 2.0, 0.1).pixels) CHECK(v == doctest::Approx(0.4f));
  // A bilateral filter keeps a step edge that a gaussian of the same width smears.
  Image step(1, 1, 8);
  for (int x = 4; x < 8; ++x) step.at(0, 0, x) = 1.0f;
  CHECK(bilateral_filter(step, 2.0, 0.05).at(0, 0, 3) < 0.01f);
  CHECK(gaussian_blur(step, 2.0).at(0, 0, 3) > 0.2f);
}

TEST_CASE("channels and normalization presets") {
  Image g(1, 1, 2);
  g.pixels = {0.25f, 1.0f};
  Image rgb = convert_channels(g, 3);
  CHECK(rgb.pixels == std::vector<float>{0.25f, 1.0f, 0.25f, 1.0f, 0.25f, 1.0f});
  CHECK(convert_channels(rgb, 1).pixels[0] == doctest::Approx(0.25f));
  std::vector<float> mean, std;
  normalize_preset("imagenet", 3, mean, std);
  CHECK(normalize(rgb, mean, std).pixels[0] == doctest::Approx((0.25f - 0.485f) / 0.229f));
  normalize_preset("xrv", 1, mean, std);
  Image xrv = normalize(g, mean, std);
  CHECK(xrv.pixels[0] == doctest::Approx(0.25 * 2048 - 1024));  // TorchXRayVision's range
  CHECK(xrv.pixels[1] == doctest::Approx(1024));
  CHECK_THROWS_WITH(normalize_preset("imagenet21k", 1, mean, std), doctest::Contains("unknown preset 'imagenet21k'"));
}

TEST_CASE("pipeline: JSON in and out, order rules, errors naming the step and key") {
  const std::string text = R"([{"op": "resize", "size": [32, 40], "method": "bilinear"},
    {"op": "clahe", "clip_limit": 3.0, "tiles": 4}, {"op": "center_crop", "size": 24},
    {"op": "channels", "n": 3}, {"op": "normalize", "preset": "imagenet"}])";
  Pipeline p = Pipeline::parse(text);
  CHECK(Pipeline::from_json(p.to_json()).to_json() == p.to_json());
  CHECK(p.output_height() == 24);
  CHECK(p.output_channels(1) == 3);
  Image img(1, 50, 60, 0.5f);
  int hook_calls = 0;
  Image out = p.run(img, [&](const Image& x) {
    ++hook_calls;
    CHECK(x.channels == 3);  // augmentation sees the image after every step but normalize
    CHECK(x.pixels[0] <= 1.0f);
    return x;
  });
  CHECK(hook_calls == 1);
  CHECK(out.channels == 3);
  CHECK(out.height == 24);
  CHECK(out.width == 24);
  CHECK_THROWS_WITH(Pipeline::parse(R"([{"op": "sharpen"}])"),
                    doctest::Contains("pipeline step 0: unknown op 'sharpen'"));
  CHECK_THROWS_WITH(Pipeline::parse(R"([{"op": "clahe", "clip": 2}])"),
                    "pipeline step 0 (clahe): unknown key 'clip' (allowed: clip_limit, tiles)");
  CHECK_THROWS_WITH(Pipeline::parse(R"([{"op": "normalize", "preset": "unit"}, {"op": "resize", "size": 8}])"),
                    doctest::Contains("normalize must be the last step"));
  CHECK_THROWS_WITH(Pipeline::parse(R"([{"op": "resize", "size": [0, 8]}])"), doctest::Contains("must be positive"));
  CHECK_THROWS_WITH(Pipeline::parse("[{"), doctest::Contains("pipeline: not valid JSON"));
}

TEST_CASE("augment presets take options: PRESET?key=value") {
  const AugmentConfig c = augment_preset("simclr?crop=0.3&jitter=0.4&rotate=10&blur=0&flip=0", 32, 32);
  CHECK(c.random_resized_crop);
  CHECK(c.crop_scale_lo == 0.3);
  CHECK(c.brightness == 0.4);
  CHECK(c.contrast == 0.4);
  CHECK(c.jitter_p == 0.8);  // the preset's
  CHECK(c.rotate_deg == 10.0);
  CHECK(c.blur_p == 0.0);
  CHECK(c.flip_p == 0.0);
  CHECK_FALSE(augment_preset("train?crop=1", 8, 8).random_resized_crop);
  const AugmentConfig n = augment_preset("none?jitter=0.3", 8, 8);  // jitter on a preset without it: p 0.8
  CHECK(n.jitter_p == 0.8);
  CHECK(n.active());
  CHECK_THROWS_WITH(augment_preset("simclr?crop=0", 8, 8), doctest::Contains("crop=0 is not a number in [0.01, 1]"));
  CHECK_THROWS_WITH(augment_preset("simclr?crop=abc", 8, 8), doctest::Contains("crop=abc is not a number"));
  CHECK_THROWS_WITH(augment_preset("simclr?hue=0.1", 8, 8), doctest::Contains("unknown option 'hue'"));
  CHECK_THROWS_WITH(augment_preset("simclr?crop", 8, 8), doctest::Contains("'crop' is not key=value"));
  CHECK_THROWS_WITH(augment_preset("strong?crop=0.5", 8, 8), doctest::Contains("unknown preset 'strong'"));
}

TEST_CASE("augment: deterministic per stream, sizes as asked, SimCLR views differ") {
  Image img(1, 64, 80);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<float>((i * 7919) % 1000) / 1000.0f;
  AugmentConfig c = augment_preset("simclr", 32, 32);
  Rng r1(5, 9), r2(5, 9), r3(5, 10);
  Image a = augment(img, c, r1), b = augment(img, c, r2), other = augment(img, c, r3);
  CHECK(a.pixels == b.pixels);
  CHECK(a.pixels != other.pixels);
  CHECK(a.height == 32);
  CHECK(a.width == 32);
  for (float v : a.pixels) REQUIRE((v >= 0.0f && v <= 1.0f));
  AugmentConfig flip;
  flip.flip_p = 1.0;
  Rng r4(0, 0);
  CHECK(augment(img, flip, r4).pixels == flip_horizontal(img).pixels);
  AugmentConfig none = augment_preset("none", 0, 0);
  Rng r5(0, 0);
  CHECK(augment(img, none, r5).pixels == img.pixels);
  CHECK_THROWS_WITH(augment_preset("autoaugment", 8, 8), doctest::Contains("unknown preset 'autoaugment'"));
  const nlohmann::json j = c.to_json();  // recorded in run configs
  CHECK(j["flip_p"] == 0.5);
  CHECK(j["out"] == nlohmann::json::array({32, 32}));
  CHECK(j["crop_scale"][0] == 0.08);
  AugmentConfig elastic;
  elastic.elastic_p = 1.0;
  elastic.elastic_alpha = 3.0;
  Rng r6(1, 1);
  Image e = augment(img, elastic, r6);
  CHECK(e.pixels != img.pixels);
  CHECK(e.height == img.height);
}

TEST_CASE("lung crop: the mask's box grown by the margin; the mask follows the frame; errors name the cause") {
  Image img(1, 20, 20);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<float>(i) / 400.0f;
  Image mask(1, 10, 10);  // half the image's size: lungs in rows 2..6, columns 3..6 → rows 4..13, cols 6..13 at 20
  for (int y = 2; y <= 6; ++y)
    for (int x = 3; x <= 6; ++x) mask.at(0, y, x) = 1.0f;
  Image tight = lung_crop(img, mask, 0.0);
  CHECK(tight.height == 10);
  CHECK(tight.width == 8);
  CHECK(tight.at(0, 0, 0) == img.at(0, 4, 6));
  Image grown = lung_crop(img, mask, 0.25);  // 0.25 × 10 rows = 3 (rounded), 0.25 × 8 columns = 2 each side
  CHECK(grown.height == 16);
  CHECK(grown.width == 12);
  CHECK(grown.at(0, 0, 0) == img.at(0, 1, 4));
  CHECK_THROWS_WITH(lung_crop(img, Image(1, 10, 10), 0.1), "lung_crop: the lung mask is empty");
  Pipeline p = Pipeline::parse(R"([{"op": "lung_crop", "margin": 0.1}, {"op": "resize", "size": 16}])");
  CHECK(p.needs_lung_mask());
  CHECK(p.run(img, {}, &mask).height == 16);
  CHECK_THROWS_WITH(p.run(img), doctest::Contains("lung_crop needs the sample's lung mask"));
  CHECK_THROWS_WITH(Pipeline::parse(R"([{"op": "center_crop", "size": 8}, {"op": "lung_crop"}])"),
                    doctest::Contains("lung_crop must come before center_crop"));
}
