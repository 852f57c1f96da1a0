#include "lwm2m/formats/link_format.h"

#include <cctype>

namespace lwm2m::formats {
namespace {

// A cursor over the payload; every error names the offset where parsing stopped.
class LinkParser {
 public:
  explicit LinkParser(std::string_view text) : text_(text) {}

  Result<std::vector<Link>> parse() {
    std::vector<Link> links;
    skipSpace();
    if (atEnd()) return links;  // an empty payload is an empty list
    while (true) {
      auto link = parseLink();
      if (!link) return link.error();
      links.push_back(std::move(link.value()));
      skipSpace();
      if (atEnd()) break;
      if (text_[pos_] != ',') return error("expected ',' between links");
      ++pos_;
      skipSpace();
      if (atEnd()) return error("expected a link after ','");
    }
    return links;
  }

 private:
  Result<Link> parseLink() {
    Link link;
    if (text_[pos_] != '<') return error("expected '<' to open a link");
    ++pos_;
    size_t close = text_.find('>', pos_);
    if (close == std::string_view::npos) return error("expected '>' to close the link target");
    link.target = std::string(text_.substr(pos_, close - pos_));
    for (char c : link.target) {
      if (c == '<' || c == ',' || c == ';' || c == '"' || static_cast<unsigned char>(c) < 0x20) {
        return error("invalid character in link target");
      }
    }
    pos_ = close + 1;
    skipSpace();
    while (!atEnd() && text_[pos_] == ';') {
      ++pos_;
      skipSpace();
      auto attribute = parseAttribute();
      if (!attribute) return attribute.error();
      link.attributes.push_back(std::move(attribute.value()));
      skipSpace();
    }
    return link;
  }

  Result<LinkAttribute> parseAttribute() {
    LinkAttribute attribute;
    size_t start = pos_;
    while (!atEnd() && isNameChar(text_[pos_])) ++pos_;
    if (pos_ == start) return error("expected an attribute name");
    attribute.name = std::string(text_.substr(start, pos_ - start));
    skipSpace();
    if (atEnd() || text_[pos_] != '=') return attribute;  // bare flag
    ++pos_;
    skipSpace();
    if (atEnd()) return error("expected a value after '='");
    if (text_[pos_] == '"') {
      ++pos_;
      std::string value;
      while (true) {
        if (atEnd()) return error("unterminated quoted value");
        char c = text_[pos_++];
        if (c == '"') break;
        if (c == '\\') {
          if (atEnd()) return error("unterminated escape in quoted value");
          c = text_[pos_++];
        }
        value.push_back(c);
      }
      attribute.value = std::move(value);
      return attribute;
    }
    start = pos_;
    while (!atEnd() && text_[pos_] != ';' && text_[pos_] != ',' && !isSpace(text_[pos_])) {
      char c = text_[pos_];
      if (c == '"' || c == '<' || c == '>') return error("invalid character in attribute value");
      ++pos_;
    }
    attribute.value = std::string(text_.substr(start, pos_ - start));
    return attribute;
  }

  static bool isNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' ||
           c == '*' || c == '!' || c == '#' || c == '$' || c == '&' || c == '+' || c == '^' ||
           c == '`' || c == '|' || c == '~';
  }
  static bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
  void skipSpace() {
    while (!atEnd() && isSpace(text_[pos_])) ++pos_;
  }
  bool atEnd() const { return pos_ >= text_.size(); }
  Error error(const char* what) const {
    return fail("link format: " + std::string(what) + " at offset " + std::to_string(pos_));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool isPlainToken(std::string_view value) {
  if (value.empty()) return false;
  for (char c : value) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' ||
              c == '_' || c == '/' || c == ':' || c == '+';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const LinkAttribute* Link::find(std::string_view name) const {
  for (const auto& attribute : attributes) {
    if (attribute.name == name) return &attribute;
  }
  return nullptr;
}

Result<std::vector<Link>> parseLinkFormat(std::string_view payload) {
  return LinkParser(payload).parse();
}

std::string encodeLinkFormat(const std::vector<Link>& links) {
  std::string out;
  for (size_t i = 0; i < links.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('<');
    out += links[i].target;
    out.push_back('>');
    for (const auto& attribute : links[i].attributes) {
      out.push_back(';');
      out += attribute.name;
      if (!attribute.value) continue;
      out.push_back('=');
      // rt, if, anchor, title are quoted-string by RFC 6690; others are tokens.
      bool quote = attribute.name == "rt" || attribute.name == "if" ||
                   attribute.name == "title" || attribute.name == "anchor" ||
                   !isPlainToken(*attribute.value);
      if (!quote) {
        out += *attribute.value;
        continue;
      }
      out.push_back('"');
      for (char c : *attribute.value) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      out.push_back('"');
    }
  }
  return out;
}

}  // namespace lwm2m::formats
