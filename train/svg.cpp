#include "train/svg.h"

#include <algorithm>
#include <cstdio>

#include "train/report_html.h"

namespace thorax::train::svg {

namespace {

constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
constexpr double kRight = 14, kBottom = 40, kTopPad = 10, kLegendRow = 16;
constexpr double kCharWidth = 6.2;  // of the 11 px font: room for tick labels, and where the legend wraps

std::string px(double v) { return html::fixed(v, 2); }

std::string exact(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// 1, 2 or 5 times a power of ten: about `target` steps over `span`.
double nice_step(double span, double target) {
  const double raw = span / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double r = raw / magnitude;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude;
}

struct Range {
  double lo, hi, step;
};

// The axis range: as given, or the data's extent widened to whole steps (a constant series gets room around it).
Range axis_range(const Axis& axis, const std::vector<Series>& series, bool is_x) {
  double lo = axis.min, hi = axis.max;
  if (std::isnan(lo) || std::isnan(hi)) {
    double dlo = INFINITY, dhi = -INFINITY;
    for (const Series& s : series)
      for (size_t i = 0; i < s.x.size(); ++i) {
        const double v = is_x ? s.x[i] : s.y[i];
        if (std::isfinite(v)) dlo = std::min(dlo, v), dhi = std::max(dhi, v);
      }
    if (!std::isfinite(dlo)) dlo = 0, dhi = 1;
    if (dlo == dhi) {
      const double pad = axis.integers ? 1.0 : std::max(std::abs(dlo) * 0.1, 1e-9);
      dlo -= pad, dhi += pad;
    }
    if (std::isnan(lo)) lo = dlo;
    if (std::isnan(hi)) hi = dhi;
    double step = nice_step(hi - lo, 5);
    if (axis.integers) step = std::max(1.0, std::round(step));
    return {std::isnan(axis.min) ? std::floor(lo / step) * step : lo,
            std::isnan(axis.max) ? std::ceil(hi / step) * step : hi, step};
  }
  const double step = nice_step(hi - lo, 5);
  return {lo, hi, axis.integers ? std::max(1.0, std::round(step)) : step};
}

std::vector<double> ticks(const Range& r) {
  std::vector<double> out;
  const double eps = r.step * 1e-6;
  for (double t = std::ceil((r.lo - eps) / r.step) * r.step; t <= r.hi + eps; t += r.step)
    out.push_back(std::abs(t) < eps ? 0.0 : t);
  return out;
}

// Enough decimals to tell the ticks apart: 0.2 → 1, 0.05 → 2, 5 → 0.
std::string tick_label(double v, double step) {
  const int digits = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  return html::fixed(v, digits);
}

double tick_step(const std::vector<double>& ticks) { return ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0; }

bool has_legend(const Chart& c) { return c.legend && !c.series.empty(); }

// Legend entries wrapped into rows that fit the chart's width: (row, x offset) per series.
std::vector<std::pair<int, double>> legend_layout(const Chart& c, double left) {
  std::vector<std::pair<int, double>> at;
  int row = 0;
  double x = left;
  for (const Series& s : c.series) {
    const double w = 26 + kCharWidth * static_cast<double>(s.name.size());
    if (x + w > c.width - kRight && x > left) ++row, x = left;
    at.emplace_back(row, x);
    x += w;
  }
  return at;
}

std::string polylines(const Series& s, const Frame& f) {
  std::string out, points;
  auto flush = [&] {
    if (!points.empty()) out += "<polyline points=\"" + points.substr(1) + "\"/>";
    points.clear();
  };
  for (size_t i = 0; i < s.x.size(); ++i) {
    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
      flush();
      continue;
    }
    points += " " + px(f.px(s.x[i])) + "," + px(f.py(s.y[i]));
  }
  flush();
  return out;
}

std::string markers(const Series& s, const Frame& f) {
  std::string out;
  for (size_t i = 0; i < s.x.size(); ++i) {
    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
    const std::string tip = i < s.tips.size() ? "<title>" + html::escape(s.tips[i]) + "</title>" : "";
    out += "<circle cx=\"" + px(f.px(s.x[i])) + "\" cy=\"" + px(f.py(s.y[i])) + "\" r=\"3\">" + tip + "</circle>";
  }
  return out;
}

std::string axes(const Chart& c, const Frame& f) {
  std::string out;
  const double bottom = f.top + f.height, right = f.left + f.width;
  for (double t : f.x_ticks)
    out += "<line class=\"grid\" x1=\"" + px(f.px(t)) + "\" y1=\"" + px(f.top) + "\" x2=\"" + px(f.px(t)) + "\" y2=\"" +
           px(bottom) + "\"/><text class=\"tick\" x=\"" + px(f.px(t)) + "\" y=\"" + px(bottom + 14) +
           "\" text-anchor=\"middle\">" + tick_label(t, tick_step(f.x_ticks)) + "</text>";
  for (double t : f.y_ticks)
    out += "<line class=\"grid\" x1=\"" + px(f.left) + "\" y1=\"" + px(f.py(t)) + "\" x2=\"" + px(right) + "\" y2=\"" +
           px(f.py(t)) + "\"/><text class=\"tick\" x=\"" + px(f.left - 5) + "\" y=\"" + px(f.py(t) + 4) +
           "\" text-anchor=\"end\">" + tick_label(t, tick_step(f.y_ticks)) + "</text>";
  out += "<rect class=\"plot-area\" data-plot-area=\"\" x=\"" + px(f.left) + "\" y=\"" + px(f.top) + "\" width=\"" +
         px(f.width) + "\" height=\"" + px(f.height) + "\" data-x-range=\"" + exact(f.x0) + " " + exact(f.x1) +
         "\" data-y-range=\"" + exact(f.y0) + " " + exact(f.y1) + "\"/>";
  out += "<text class=\"axis-label\" x=\"" + px(f.left + f.width / 2) + "\" y=\"" + px(c.height - 6.0) +
         "\" text-anchor=\"middle\">" + html::escape(c.x.label) + "</text>";
  out += "<text class=\"axis-label\" transform=\"translate(13," + px(f.top + f.height / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + html::escape(c.y.label) + "</text>";
  return out;
}

std::string legend(const Chart& c, const Frame& f) {
  if (!has_legend(c)) return "";
  std::string out = "<g class=\"legend\">";
  const auto at = legend_layout(c, f.left);
  for (size_t i = 0; i < c.series.size(); ++i) {
    const double y = kTopPad + 6 + at[i].first * kLegendRow, x = at[i].second;
    out += "<g stroke=\"" + std::string(kColors[i % std::size(kColors)]) + "\"><line x1=\"" + px(x) + "\" y1=\"" +
           px(y) + "\" x2=\"" + px(x + 18) + "\" y2=\"" + px(y) + "\"/></g><text x=\"" + px(x + 22) + "\" y=\"" +
           px(y + 4) + "\">" + html::escape(c.series[i].name) + "</text>";
  }
  return out + "</g>";
}

}  // namespace

Frame frame(const Chart& c) {
  Frame f;
  const Range x = axis_range(c.x, c.series, true), y = axis_range(c.y, c.series, false);
  f.x0 = x.lo, f.x1 = x.hi, f.y0 = y.lo, f.y1 = y.hi;
  f.x_ticks = ticks(x);
  f.y_ticks = ticks(y);
  size_t widest = 0;  // the y tick labels sit left of the plot, the rotated axis label left of them
  for (double t : f.y_ticks) widest = std::max(widest, tick_label(t, tick_step(f.y_ticks)).size());
  f.left = 28 + kCharWidth * static_cast<double>(widest);
  const int legend_rows = has_legend(c) ? legend_layout(c, f.left).back().first + 1 : 0;
  f.top = kTopPad + legend_rows * kLegendRow;
  f.width = c.width - f.left - kRight;
  f.height = c.height - f.top - kBottom;
  return f;
}

std::string render(const Chart& c) {
  const Frame f = frame(c);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " +
                    std::to_string(c.width) + " " + std::to_string(c.height) + "\" width=\"" + std::to_string(c.width) +
                    "\" height=\"" + std::to_string(c.height) + "\" role=\"img\"" + c.attributes + "><title>" +
                    html::escape(c.title) + "</title>" + axes(c, f);
  if (c.diagonal)
    out += "<line class=\"reference\" x1=\"" + px(f.px(std::max(f.x0, f.y0))) + "\" y1=\"" +
           px(f.py(std::max(f.x0, f.y0))) + "\" x2=\"" + px(f.px(std::min(f.x1, f.y1))) + "\" y2=\"" +
           px(f.py(std::min(f.x1, f.y1))) + "\"/>";
  for (size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    const std::string color = kColors[i % std::size(kColors)];
    out += "<g class=\"series\"" + html::attribute("data-series", s.name) + " stroke=\"" + color + "\" fill=\"" +
           color + "\">" + (s.line ? polylines(s, f) : "") + (s.markers ? markers(s, f) : "") + "</g>";
  }
  return out + legend(c, f) + "</svg>";
}

}  // namespace thorax::train::svg
