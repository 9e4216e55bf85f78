// Image operations on planar float images (data/image.h), shared by the preprocessing pipeline and augmentation.
// Every operation works per channel. Border rule: pixels outside the image repeat the edge ("clamp") for
// filters; geometric warps fill with 0 (black, as film outside the collimated field).
#pragma once
#include <array>
#include <vector>

#include "data/image.h"

namespace thorax::data {

enum class ResizeMethod { area, bilinear };

// Bilinear sample at index coordinates (fy, fx) (pixel (0,0)'s center is (0,0)), clamped to the image.
float sample_clamped(const Image& in, int c, double fy, double fx);

// Area: each output pixel is the exact area-weighted mean of the input pixels it covers (OpenCV's INTER_AREA when
// shrinking; when enlarging it is bilinear, as OpenCV does). Bilinear: half-pixel centers, like PyTorch's
// interpolate(align_corners=False) without antialiasing.
Image resize(const Image& in, int height, int width, ResizeMethod method);
// The central height × width window (rounded down to the top-left when the margin is odd).
Image center_crop(const Image& in, int height, int width);
// The bounding box of mask ≥ 0.5 (the mask resized to the image's size first), grown by margin × the box's size on
// each side and clamped to the image; the image cropped to it. Throws when the mask is empty.
Image lung_crop(const Image& in, const Image& mask, double margin);
// Crop of the window at (top, left) of size height × width, resized to out_h × out_w (bilinear).
Image crop_resize(const Image& in, double top, double left, double height, double width, int out_h, int out_w);

// Contrast-limited adaptive histogram equalization (Zuiderveld 1994), as OpenCV computes it on 8-bit data:
//  - values are taken as 8-bit levels round(v·255); the image is split into tiles_y × tiles_x tiles (row and column
//    boundaries at floor(i·H/tiles_y), floor(j·W/tiles_x), so tile sizes differ by at most one pixel);
//  - per tile, a 256-bin histogram is clipped at limit = max(1, floor(clip_limit · tile_pixels / 256)); the clipped
//    excess is spread evenly (excess / 256 to every bin), the remainder one count per bin at a stride of
//    max(1, 256 / remainder) starting at bin 0;
//  - the tile's mapping is lut[v] = round(cdf[v] · 255 / tile_pixels);
//  - each pixel blends the mappings of the four nearest tile centers bilinearly (pixel centers at (x + ½),
//    tile centers at the middle of each tile, clamped at the borders), and the result is kept as float lut/255.
// clip_limit <= 0 means no clipping (plain adaptive histogram equalization).
Image clahe(const Image& in, double clip_limit, int tiles_y, int tiles_x);
// Global histogram equalization of 8-bit levels, OpenCV's equalizeHist rule:
// lut[v] = round((cdf[v] − cdf_min) · 255 / (N − cdf_min)).
Image equalize_histogram(const Image& in);
Image gaussian_blur(const Image& in, double sigma);  // separable, radius ceil(3σ)
// Edge-preserving smoothing: weights exp(−d²/2σs²)·exp(−Δ²/2σr²) over a (2·ceil(2σs)+1)² window.
Image bilateral_filter(const Image& in, double sigma_space, double sigma_range);
Image flip_horizontal(const Image& in);
// Rotation by `degrees` (counter-clockwise) about the center, scaled by `scale` and shifted by (dx, dy) pixels;
// bilinear sampling, 0 outside.
Image affine(const Image& in, double degrees, double scale, double dx, double dy);
// v ← (v − mean) / std per channel.
Image normalize(const Image& in, const std::vector<float>& mean, const std::vector<float>& std);
// 1 → 3 channels by replication; 3 → 1 by luminance 0.299 R + 0.587 G + 0.114 B (image.h's rule).
Image convert_channels(const Image& in, int channels);

// Tiles of the same channel count side by side, `cols` per row, separated by `pad` pixels of `background`;
// tiles smaller than the largest are centered in their cell.
Image make_grid(const std::vector<Image>& tiles, int cols, int pad = 2, float background = 0.0f);

}  // namespace thorax::data
