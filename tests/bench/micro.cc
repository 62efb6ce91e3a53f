// SPDX-License-Identifier: GPL-2.0-or-later
// Google Benchmark micro-benchmarks: RC4 per message, the product-id search, ATT parsing per PDU.
#include <benchmark/benchmark.h>

#include "fe95/att/att.h"
#include "fe95/miauth/crypto.h"

namespace {

using namespace fe95;

const BdAddr kMac = *BdAddr::parse("AA:BB:CC:DD:EE:FF");
const miauth::Token kToken{0x01, 0x5c, 0xcb, 0xa8, 0x80, 0x0a, 0xbd, 0xc1, 0x2e, 0xb8, 0xed, 0x82};

// A message under a key used before: the cached key schedule is copied.
void BM_Rc4Message12(benchmark::State& state) {
  miauth::Token t = kToken;
  for (auto _ : state) {
    miauth::Rc4(kToken).apply(t.data(), t.size());
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_Rc4Message12);

// A message under a key never seen before (a new login key): the full key schedule.
void BM_Rc4Message12NewKey(benchmark::State& state) {
  miauth::Token t = kToken, key = kToken;
  std::uint32_t n = 0;
  for (auto _ : state) {
    ++n;
    for (int i = 0; i < 4; ++i) key[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
    miauth::Rc4(key).apply(t.data(), t.size());
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_Rc4Message12NewKey);

void BM_ProductIdSearch(benchmark::State& state) {
  const Bytes t1 = miauth::rc4(ByteView(miauth::mix_a(kMac, 275)), ByteView(kToken));
  const miauth::Token t2 = miauth::make_t2(kMac, 275, kToken);
  for (auto _ : state) benchmark::DoNotOptimize(miauth::search_product_ids(kMac, t1, t2));
}
BENCHMARK(BM_ProductIdSearch)->Unit(benchmark::kMillisecond);

void BM_AttParseNotification(benchmark::State& state) {
  const Bytes pdu{0x1b, 0x12, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c};
  att::Pdu p;
  for (auto _ : state) {
    benchmark::DoNotOptimize(att::parse(pdu, p));
    benchmark::DoNotOptimize(p.handle);
  }
}
BENCHMARK(BM_AttParseNotification);

}  // namespace

BENCHMARK_MAIN();
