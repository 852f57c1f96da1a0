#include "tools/lwm2m-sim/observers.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace lwm2m::sim {
namespace {

template <class T>
bool parseNumber(std::string_view text, T& out) {
  if constexpr (std::is_same_v<T, double>) {
    try {
      std::size_t used = 0;
      out = std::stod(std::string(text), &used);
      return used == text.size();
    } catch (...) {
      return false;
    }
  } else {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
  }
}

template <class T>
bool apply(std::optional<T>& field, std::optional<std::string_view> value) {
  if (!value) {
    field.reset();
    return true;
  }
  T v{};
  if (!parseNumber(*value, v)) return false;
  field = v;
  return true;
}

}  // namespace

bool Observers::writeAttributes(const model::Path& path, const std::vector<std::string>& queries) {
  Attributes next = attributes_[path];
  for (const std::string& q : queries) {
    const auto eq = q.find('=');
    const std::string name = q.substr(0, eq);
    std::optional<std::string_view> value;
    if (eq != std::string::npos) value = std::string_view(q).substr(eq + 1);
    bool good = true;
    if (name == "pmin") good = apply(next.pmin, value);
    else if (name == "pmax") good = apply(next.pmax, value);
    else if (name == "st") good = apply(next.st, value);
    else if (name == "gt") good = apply(next.gt, value);
    else if (name == "lt") good = apply(next.lt, value);
    else if (name == "epmin" || name == "epmax" || name == "edge" || name == "con" || name == "hqmax") good = true;
    else good = false;
    if (!good) return false;
  }
  attributes_[path] = next;
  return true;
}

const Attributes* Observers::ownAttributes(const model::Path& path) const {
  auto found = attributes_.find(path);
  return found == attributes_.end() ? nullptr : &found->second;
}

Attributes Observers::attributesOf(const model::Path& path) const {
  Attributes out;
  for (int depth = path.depth(); depth >= 1; --depth) {
    const Attributes* a = ownAttributes(path.prefix(depth));
    if (!a) continue;
    if (!out.pmin) out.pmin = a->pmin;
    if (!out.pmax) out.pmax = a->pmax;
    if (!out.st) out.st = a->st;
    if (!out.gt) out.gt = a->gt;
    if (!out.lt) out.lt = a->lt;
  }
  return out;
}

Observer& Observers::add(Observer observer) {
  auto same = std::find_if(observers_.begin(), observers_.end(), [&](const Observer& o) {
    return o.peer == observer.peer && (o.token == observer.token || o.paths == observer.paths);
  });
  if (same != observers_.end()) {
    *same = std::move(observer);
    return *same;
  }
  observers_.push_back(std::move(observer));
  return observers_.back();
}

bool Observers::removeByToken(const coap::Peer& peer, const coap::Token& token) {
  auto it = std::remove_if(observers_.begin(), observers_.end(),
                           [&](const Observer& o) { return o.peer == peer && o.token == token; });
  const bool removed = it != observers_.end();
  observers_.erase(it, observers_.end());
  return removed;
}

void Observers::removePeer(const coap::Peer& peer) {
  observers_.erase(std::remove_if(observers_.begin(), observers_.end(),
                                  [&](const Observer& o) { return o.peer == peer; }),
                   observers_.end());
}

bool Observers::due(const Observer& o, const std::vector<std::uint8_t>& body, std::optional<double> number,
                    std::chrono::steady_clock::time_point now) const {
  const Attributes a = attributesOf(o.paths.front());
  const auto elapsed = now - o.lastSentAt;
  if (elapsed < std::chrono::seconds(a.pmin.value_or(0))) return false;
  if (a.pmax && *a.pmax > 0 && elapsed >= std::chrono::seconds(*a.pmax)) return true;
  if (number && o.lastNumber) {
    const double previous = *o.lastNumber;
    const bool crossed = (a.gt && ((previous > *a.gt) != (*number > *a.gt))) ||
                         (a.lt && ((previous < *a.lt) != (*number < *a.lt)));
    if (a.gt || a.lt) {
      if (crossed) return true;
      if (!a.st) return false;
    }
    if (a.st) return std::fabs(*number - previous) >= *a.st;
  }
  return body != o.lastBody;
}

}  // namespace lwm2m::sim
