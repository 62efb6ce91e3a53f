// SPDX-License-Identifier: GPL-2.0-or-later
// A map with a size cap that forgets the entry seen least recently: what keeps per-device state
// bounded whatever a capture holds (learned keys, MiBeacon retransmission tracking, the text
// report's per-device summaries). Hashed lookups; iteration from the least recently seen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>

namespace fe95 {

template <typename V>
class LruMap {
 public:
  explicit LruMap(std::size_t cap) : cap_(cap) {}

  // The entry, marked as seen now; null when absent.
  V* touch(std::uint64_t key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.end(), order_, it->second);
    return &it->second->second;
  }
  // The entry without marking it; null when absent.
  [[nodiscard]] const V* peek(std::uint64_t key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->second;
  }
  // The entry, created when absent (then, at the cap, the least recently seen one is moved out
  // into `evicted`), marked as seen now.
  V& get(std::uint64_t key, std::optional<std::pair<std::uint64_t, V>>* evicted = nullptr) {
    if (V* v = touch(key)) return *v;
    if (index_.size() >= cap_ && !order_.empty()) {
      if (evicted) evicted->emplace(order_.front().first, std::move(order_.front().second));
      index_.erase(order_.front().first);
      order_.pop_front();
      ++evictions_;
    }
    order_.emplace_back(key, V{});
    index_.emplace(key, std::prev(order_.end()));
    return order_.back().second;
  }
  void erase(std::uint64_t key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    order_.erase(it->second);
    index_.erase(it);
  }
  // Least recently seen first.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [k, v] : order_) f(k, v);
  }
  [[nodiscard]] std::size_t size() const { return index_.size(); }
  [[nodiscard]] std::size_t cap() const { return cap_; }
  [[nodiscard]] std::uint64_t evictions() const { return evictions_; }
  void clear() {
    order_.clear();
    index_.clear();
  }

 private:
  std::size_t cap_;
  std::list<std::pair<std::uint64_t, V>> order_;
  std::unordered_map<std::uint64_t, typename std::list<std::pair<std::uint64_t, V>>::iterator> index_;
  std::uint64_t evictions_ = 0;
};

}  // namespace fe95
