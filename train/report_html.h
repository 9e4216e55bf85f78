// The small vocabulary report.html is written in: escaping, number formatting, data: URIs, and the number
// elements that carry where their value came from, so that a test can check the rendered page mechanically.
//
// Every number taken from a JSON file is a <span data-src="/json/pointer" data-value="exact value">shown</span>
// inside an element whose data-json attribute names that file; a checker resolves the pointer in the file and
// compares it with what is shown. Numbers computed by the report itself (calibration) carry data-calc instead.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace thorax::train::html {

// Safe as element text and inside a double- or single-quoted attribute value: & < > " ' become entities.
std::string escape(std::string_view text);

// printf("%.*f"): "0.812".
std::string fixed(double value, int digits);

// RFC 4648 base64 with padding, and a data: URI holding `bytes`.
std::string base64(std::string_view bytes);
std::string data_uri(const std::string& mime, std::string_view bytes);

// A number of a JSON file: `value` is what `pointer` resolves to. Integers are shown whole, other numbers with 3
// decimals; `attributes` (already escaped, e.g. data-bound="low") are added to the span. A null value shows
// "n/a".
std::string number(const nlohmann::json& value, const std::string& pointer, const std::string& attributes = "");
// A fraction shown as a whole percentage ("95%"), marked data-format="percent".
std::string percent(const nlohmann::json& value, const std::string& pointer);
// A number as the file writes it ("0.001", "1e-05"), marked data-format="raw"; for settings, not measurements.
std::string raw_number(const nlohmann::json& value, const std::string& pointer);

// A metric object M of evaluation.h at `pointer` ("/per_class/2/auroc"): the value, and below it the interval
// when there is one; n/a with the reason (as a tooltip and a data-reason attribute) when undefined. The cell is a
// <td data-metric="name">.
std::string metric_cell(const nlohmann::json& metric, const std::string& pointer, const std::string& name);

// "<tag attributes>content</tag>" for the elements that are written often.
std::string element(const std::string& tag, const std::string& attributes, const std::string& content);
// <table ATTRIBUTES><thead>the titles</thead><tbody>ROWS</tbody></table>; titles are escaped here, and those
// of `text_columns` are left-aligned like their cells (class "text").
std::string table(const std::string& attributes, const std::vector<std::string>& titles, const std::string& rows,
                  const std::vector<size_t>& text_columns = {});
// attribute(name, value): ` name="escaped value"`, with the leading space.
std::string attribute(const std::string& name, const std::string& value);

// A JSON pointer to `key` under `base`, with ~ and / escaped as RFC 6901 says.
std::string pointer(const std::string& base, const std::string& key);
std::string pointer(const std::string& base, size_t index);

}  // namespace thorax::train::html
