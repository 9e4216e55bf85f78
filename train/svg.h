// Line charts as inline SVG: the one helper behind every chart of report.html (training curves, ROC curves,
// the reliability diagram), so axes, ticks, legends and the mapping of data to pixels are written once.
//
// The plot area is a <rect data-plot-area> whose data-x-range / data-y-range attributes give the data range it
// shows; each series is a <g data-series="name"> of <polyline>s (a NaN value breaks the line) and, optionally,
// <circle> markers with a hover text. A test can thus map any drawn point back to data.
#pragma once
#include <cmath>
#include <string>
#include <vector>

namespace thorax::train::svg {

struct Series {
  std::string name;               // legend entry (no legend when the chart has a single series) and data-series
  std::vector<double> x, y;       // same length; a NaN y leaves a gap
  std::vector<std::string> tips;  // hover text per point (<title> of its marker); empty: none
  bool line = true;
  bool markers = false;
};

struct Axis {
  std::string label;
  double min = NAN, max = NAN;  // NaN: from the data, widened to whole tick steps
  bool integers = false;        // ticks at whole numbers only (epochs)
};

struct Chart {
  std::string attributes;  // added to the <svg> element, already escaped (e.g. ` data-class="Effusion"`)
  std::string title;       // the chart's accessible name
  Axis x, y;
  std::vector<Series> series;
  bool diagonal = false;  // the y = x reference (ROC: chance; reliability: perfect calibration)
  bool legend = true;     // name the series above the plot (charts whose caption names their one series need none)
  int width = 300, height = 250;
};

// Where the data lands: the plot area in pixels, the data range it spans, and the tick positions.
struct Frame {
  double left = 0, top = 0, width = 0, height = 0;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  std::vector<double> x_ticks, y_ticks;
  double px(double x) const { return left + (x - x0) / (x1 - x0) * width; }
  double py(double y) const { return top + height - (y - y0) / (y1 - y0) * height; }
};

Frame frame(const Chart& chart);
std::string render(const Chart& chart);

}  // namespace thorax::train::svg
