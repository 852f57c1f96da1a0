#include "metrics/text_format.h"

#include <charconv>
#include <cmath>

namespace lwm2m::metrics {
namespace {

class TextWriter final : public SampleWriter {
 public:
  TextWriter(std::string& out, const FamilyBase& family) : out_(out), family_(family) {}

  void sample(std::string_view suffix, const LabelValues& labels, double value, const double* le) override {
    out_ += family_.name();
    out_ += suffix;
    if (!labels.empty() || le) {
      out_ += '{';
      const auto& names = family_.labelNames();
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) out_ += ',';
        label(names[i], escapeLabelValue(labels[i]));
      }
      if (le) {
        if (!labels.empty()) out_ += ',';
        label("le", formatValue(*le));
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += formatValue(value);
    out_ += '\n';
  }

 private:
  void label(std::string_view name, const std::string& escaped) {
    out_ += name;
    out_ += "=\"";
    out_ += escaped;
    out_ += '"';
  }

  std::string& out_;
  const FamilyBase& family_;
};

}  // namespace

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string formatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc{}) return "NaN";  // cannot happen: 32 bytes hold any double
  return std::string(buffer, end);
}

std::string renderText(const Registry& registry) {
  std::string out;
  registry.forEach([&out](const FamilyBase& family) {
    out += "# HELP ";
    out += family.name();
    out += ' ';
    out += escapeHelp(family.help());
    out += "\n# TYPE ";
    out += family.name();
    out += ' ';
    out += toString(family.type());
    out += '\n';
    TextWriter writer(out, family);
    family.write(writer);
  });
  return out;
}

}  // namespace lwm2m::metrics
