#include "tests/support/prometheus_text.h"

#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>

namespace lwm2m::testing {
namespace {

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool nameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool nameChar(char c) { return nameStart(c) || (c >= '0' && c <= '9'); }

// Reads one line from left to right.
class ExpositionLine {
 public:
  explicit ExpositionLine(std::string_view line) : s_(line) {}

  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  void expect(char c) {
    if (peek() != c) throw Failure(std::string("expected '") + c + "' at column " + std::to_string(i_ + 1));
    ++i_;
  }
  void skipBlanks() {
    while (!done() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  std::string metricName() {
    const std::size_t start = i_;
    if (done() || !(nameStart(s_[i_]) || s_[i_] == ':')) throw Failure("bad metric name at column " + col(start));
    while (!done() && (nameChar(s_[i_]) || s_[i_] == ':')) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }
  std::string labelName() {
    const std::size_t start = i_;
    if (done() || !nameStart(s_[i_])) throw Failure("bad label name at column " + col(start));
    while (!done() && nameChar(s_[i_])) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }
  std::string labelValue() {
    expect('"');
    std::string out;
    for (;;) {
      if (done()) throw Failure("unterminated label value");
      const char c = s_[i_++];
      if (c == '"') return out;
      if (c == '\n') throw Failure("raw newline in a label value");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (done()) throw Failure("unterminated escape in a label value");
      const char e = s_[i_++];
      if (e == '\\') out += '\\';
      else if (e == '"') out += '"';
      else if (e == 'n') out += '\n';
      else throw Failure(std::string("invalid escape \\") + e + " in a label value");
    }
  }
  std::string token() {
    const std::size_t start = i_;
    while (!done() && s_[i_] != ' ' && s_[i_] != '\t') ++i_;
    return std::string(s_.substr(start, i_ - start));
  }
  std::string rest() {
    auto r = std::string(s_.substr(std::min(i_, s_.size())));
    i_ = s_.size();
    return r;
  }

 private:
  std::string col(std::size_t at) const { return std::to_string(at + 1); }
  std::string_view s_;
  std::size_t i_ = 0;
};

double parseValue(const std::string& text) {
  if (text == "+Inf" || text == "Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text == "NaN") return NAN;
  if (text.empty()) throw Failure("missing value");
  // Go's ParseFloat: decimal or exponent form, no hex floats, no "inf"/"nan" spellings.
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
      throw Failure("bad value '" + text + "'");
    }
  }
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) throw Failure("bad value '" + text + "'");
  return v;
}

// The family a sample line belongs to: a histogram's _bucket/_sum/_count go
// to the declared histogram.
std::string familyOf(const std::string& name, const std::map<std::string, PromFamily>& families) {
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      const std::string base = name.substr(0, name.size() - suffix.size());
      auto found = families.find(base);
      if (found != families.end() && (found->second.type == "histogram" || found->second.type == "summary")) {
        return base;
      }
    }
  }
  return name;
}

std::string seriesKey(const PromLabels& labels, const char* without = nullptr) {
  std::string key;
  for (const auto& [k, v] : labels) {
    if (without && k == without) continue;
    key += k + "=" + v + ",";
  }
  return key;
}

void checkHistogram(const std::string& name, const PromFamily& family) {
  struct Series {
    std::vector<std::pair<double, double>> buckets;  // (le, count)
    std::optional<double> sum, count;
  };
  std::map<std::string, Series> series;
  for (const PromSample& s : family.samples) {
    if (s.name == name + "_bucket") {
      auto le = s.labels.find("le");
      if (le == s.labels.end()) throw Failure(name + "_bucket without an le label");
      series[seriesKey(s.labels, "le")].buckets.emplace_back(parseValue(le->second), s.value);
    } else if (s.name == name + "_sum") {
      series[seriesKey(s.labels)].sum = s.value;
    } else if (s.name == name + "_count") {
      series[seriesKey(s.labels)].count = s.value;
    } else {
      throw Failure("histogram " + name + " has a sample named " + s.name);
    }
  }
  for (const auto& [key, s] : series) {
    const std::string what = "histogram " + name + "{" + key + "}";
    if (s.buckets.empty() || !s.sum || !s.count) throw Failure(what + " lacks buckets, _sum or _count");
    for (std::size_t i = 1; i < s.buckets.size(); ++i) {
      if (!(s.buckets[i].first > s.buckets[i - 1].first)) throw Failure(what + ": le not increasing");
      if (s.buckets[i].second < s.buckets[i - 1].second) throw Failure(what + ": buckets not cumulative");
    }
    if (!std::isinf(s.buckets.back().first)) throw Failure(what + ": no +Inf bucket");
    if (s.buckets.back().second != *s.count) throw Failure(what + ": +Inf bucket differs from _count");
  }
}

}  // namespace

std::optional<double> PromExposition::value(const std::string& name, const PromLabels& labels) const {
  for (const auto& [family, f] : families) {
    for (const PromSample& s : f.samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
  }
  return std::nullopt;
}

double PromExposition::sum(const std::string& name, const PromLabels& subset) const {
  double total = 0;
  for (const auto& [family, f] : families) {
    for (const PromSample& s : f.samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [k, v] : subset) {
        auto found = s.labels.find(k);
        match = match && found != s.labels.end() && found->second == v;
      }
      if (match) total += s.value;
    }
  }
  return total;
}

PromParse parsePrometheusText(std::string_view text) {
  PromExposition out;
  std::set<std::string> finished;  // families whose samples ended (another family's began)
  std::set<std::string> helped;
  std::set<std::string> seen;      // name + labels of every sample
  std::string current;             // the family of the last sample
  std::size_t lineNo = 0;
  try {
    if (!text.empty() && text.back() != '\n') throw Failure("the last line does not end with a newline");
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      const std::string_view line = text.substr(start, end - start);
      start = end + 1;
      ++lineNo;
      ExpositionLine r(line);
      r.skipBlanks();
      if (r.done()) continue;
      if (r.peek() == '#') {
        r.expect('#');
        r.skipBlanks();
        const std::string keyword = r.token();
        if (keyword != "HELP" && keyword != "TYPE") continue;  // a plain comment
        r.skipBlanks();
        const std::string name = r.metricName();
        if (keyword == "HELP") {
          if (!r.done()) r.expect(' ');
          if (!helped.insert(name).second) throw Failure("second HELP for " + name);
          const std::string raw = r.rest();
          std::string help;
          for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '\\') {
              help += raw[i];
            } else if (i + 1 < raw.size() && (raw[i + 1] == '\\' || raw[i + 1] == 'n')) {
              help += raw[++i] == 'n' ? '\n' : '\\';
            } else {
              throw Failure("invalid escape in the HELP of " + name);
            }
          }
          out.families[name].help = help;
        } else {
          r.skipBlanks();
          const std::string type = r.token();
          r.skipBlanks();
          if (!r.done()) throw Failure("text after the TYPE of " + name);
          if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
              type != "untyped") {
            throw Failure("unknown type '" + type + "' for " + name);
          }
          PromFamily& f = out.families[name];
          if (!f.type.empty()) throw Failure("second TYPE for " + name);
          if (!f.samples.empty()) throw Failure("TYPE of " + name + " after its samples");
          f.type = type;
        }
        continue;
      }
      PromSample sample;
      sample.name = r.metricName();
      if (r.peek() == '{') {
        r.expect('{');
        r.skipBlanks();
        while (r.peek() != '}') {
          const std::string label = r.labelName();
          if (label.starts_with("__")) throw Failure("reserved label name " + label);
          r.skipBlanks();
          r.expect('=');
          r.skipBlanks();
          std::string value = r.labelValue();
          if (!sample.labels.emplace(label, std::move(value)).second) throw Failure("label " + label + " twice");
          r.skipBlanks();
          if (r.peek() == ',') {
            r.expect(',');
            r.skipBlanks();
          } else if (r.peek() != '}') {
            throw Failure("expected ',' or '}' in the labels of " + sample.name);
          }
        }
        r.expect('}');
      }
      if (r.peek() != ' ' && r.peek() != '\t') throw Failure("no blank before the value of " + sample.name);
      r.skipBlanks();
      sample.value = parseValue(r.token());
      r.skipBlanks();
      if (!r.done()) {
        const std::string stamp = r.token();
        if (stamp.empty() || stamp.find_first_not_of("-0123456789") != std::string::npos) {
          throw Failure("bad timestamp '" + stamp + "'");
        }
        r.skipBlanks();
        if (!r.done()) throw Failure("text after the sample " + sample.name);
      }
      const std::string family = familyOf(sample.name, out.families);
      auto found = out.families.find(family);
      if (found == out.families.end() || found->second.type.empty()) {
        throw Failure("sample " + sample.name + " before the TYPE of its family");
      }
      if (family != current) {
        if (finished.count(family)) throw Failure("samples of " + family + " are not together");
        if (!current.empty()) finished.insert(current);
        current = family;
      }
      if (!seen.insert(sample.name + "{" + seriesKey(sample.labels) + "}").second) {
        throw Failure("series " + sample.name + "{" + seriesKey(sample.labels) + "} twice");
      }
      if (found->second.type != "histogram" && sample.labels.count("le")) {
        throw Failure(sample.name + ": le label outside a histogram");
      }
      found->second.samples.push_back(std::move(sample));
    }
    lineNo = 0;
    for (const auto& [name, family] : out.families) {
      if (family.type.empty()) throw Failure("HELP without TYPE for " + name);
      if (family.type == "histogram") checkHistogram(name, family);
    }
  } catch (const Failure& e) {
    return {std::nullopt, lineNo ? "line " + std::to_string(lineNo) + ": " + e.what() : e.what()};
  }
  return {std::move(out), {}};
}

}  // namespace lwm2m::testing
