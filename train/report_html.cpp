#include "train/report_html.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace thorax::train::html {

using json = nlohmann::json;

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string fixed(double value, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t group = 0;
    for (size_t k = 0; k < 3; ++k) group = (group << 8) | (k < n ? static_cast<uint8_t>(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

std::string data_uri(const std::string& mime, std::string_view bytes) {
  return "data:" + mime + ";base64," + base64(bytes);
}

std::string attribute(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + escape(value) + "\"";
}

std::string element(const std::string& tag, const std::string& attributes, const std::string& content) {
  return "<" + tag + attributes + ">" + content + "</" + tag + ">";
}

std::string table(const std::string& attributes, const std::vector<std::string>& titles, const std::string& rows,
                  const std::vector<size_t>& text_columns) {
  std::string head;
  for (size_t i = 0; i < titles.size(); ++i) {
    const bool text = std::find(text_columns.begin(), text_columns.end(), i) != text_columns.end();
    head += element("th", text ? " scope=\"col\" class=\"text\"" : " scope=\"col\"", escape(titles[i]));
  }
  return element("table", attributes, element("thead", "", element("tr", "", head)) + element("tbody", "", rows));
}

std::string number(const json& value, const std::string& ptr, const std::string& attributes) {
  const std::string source = attribute("data-src", ptr) + attributes;
  if (!value.is_number()) return element("span", source + " class=\"na\"", "n/a");
  const std::string shown = value.is_number_integer() ? value.dump() : fixed(value.get<double>(), 3);
  return element("span", source + attribute("data-value", value.dump()), shown);
}

std::string percent(const json& value, const std::string& ptr) {
  if (!value.is_number()) return number(value, ptr);
  return element("span",
                 attribute("data-src", ptr) + attribute("data-value", value.dump()) + " data-format=\"percent\"",
                 fixed(100 * value.get<double>(), 0) + "%");
}

std::string raw_number(const json& value, const std::string& ptr) {
  if (!value.is_number()) return number(value, ptr);
  return element("span", attribute("data-src", ptr) + attribute("data-value", value.dump()) + " data-format=\"raw\"",
                 value.dump());
}

std::string metric_cell(const json& metric, const std::string& ptr, const std::string& name) {
  const std::string cell = attribute("data-metric", name);
  if (!metric.is_object() || !metric.value("value", json()).is_number()) {
    const std::string reason = metric.is_object() ? metric.value("reason", std::string("undefined")) : "not computed";
    return element("td",
                   cell + " class=\"na\"" + attribute("data-src", pointer(ptr, "value")) +
                       attribute("data-reason", reason) + attribute("title", reason),
                   "n/a");
  }
  std::string content = number(metric["value"], pointer(ptr, "value"), " data-bound=\"value\"");
  if (metric.value("low", json()).is_number() && metric.value("high", json()).is_number())
    content += element("span", " class=\"ci\"",
                       "[" + number(metric["low"], pointer(ptr, "low"), " data-bound=\"low\"") + ", " +
                           number(metric["high"], pointer(ptr, "high"), " data-bound=\"high\"") + "]");
  return element("td", cell, content);
}

std::string pointer(const std::string& base, const std::string& key) {
  std::string escaped;
  for (char ch : key) escaped += ch == '~' ? "~0" : ch == '/' ? "~1" : std::string(1, ch);
  return base + "/" + escaped;
}

std::string pointer(const std::string& base, size_t index) { return base + "/" + std::to_string(index); }

}  // namespace thorax::train::html
