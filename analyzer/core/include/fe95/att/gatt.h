// SPDX-License-Identifier: GPL-2.0-or-later
// GATT map of one ATT server, learned from discovery in the capture (Core v5.3 Vol 3 Part G §4):
// Read By Group Type (primary services), Find By Type Value (service by UUID), Read By Type
// (characteristic declarations) and Find Information (descriptors), each response matched to
// its request. Bounded: a hostile server cannot make it grow past kMaxAttributes.
#pragma once

#include <cstdint>
#include <vector>

#include "fe95/att/att.h"

namespace fe95::gatt {

inline constexpr std::uint16_t kPrimaryService = 0x2800;
inline constexpr std::uint16_t kSecondaryService = 0x2801;
inline constexpr std::uint16_t kCharacteristic = 0x2803;
inline constexpr std::uint16_t kCccd = 0x2902;

struct Service {
  std::uint16_t start = 0, end = 0;
  att::Uuid uuid;
};
struct Attribute {
  std::uint16_t handle = 0;
  att::Uuid uuid;  // characteristic UUID for value handles, descriptor UUID otherwise
  std::uint8_t properties = 0;
  bool characteristic_value = false;
};

// The request a response answers (ATT is strictly sequential per bearer and direction).
struct Request {
  std::uint8_t opcode = 0;
  std::uint16_t handle = 0;  // Read/Write/Read Blob/Prepare Write/Indication: the handle
  std::uint16_t start = 0, end = 0;
  att::Uuid type;   // Read By Type / Read By Group Type / Find By Type Value attribute type
  att::Uuid value;  // Find By Type Value: the value searched for (a service UUID)
  std::uint64_t frame = 0;
  bool cut = false;  // the capture cut the request: its fields are not known, its answer teaches nothing
};

class Server {
 public:
  static constexpr std::size_t kMaxServices = 256;
  static constexpr std::size_t kMaxAttributes = 1024;

  // Learns from a response to req. Returns false when a cap was reached (the caller reports once).
  bool learn(const Request& req, const att::Pdu& rsp);
  // Records what is known of one handle from elsewhere than a discovery PDU of this capture (a
  // value learned earlier, or a front end that knows the map already).
  bool note(std::uint16_t handle, const att::Uuid& service, const att::Uuid& uuid);
  [[nodiscard]] const Service* service_of(std::uint16_t handle) const;
  [[nodiscard]] const Attribute* attribute(std::uint16_t handle) const;
  // The value handle of characteristic `uuid` inside service `service`, or 0.
  [[nodiscard]] std::uint16_t find_characteristic(std::uint16_t service, std::uint16_t uuid) const;
  [[nodiscard]] std::size_t size() const { return services_.size() + attributes_.size(); }
  void clear() {
    services_.clear();
    attributes_.clear();
  }

 private:
  bool add_service(const Service& s);
  bool add_attribute(const Attribute& a, bool overwrite);
  std::vector<Service> services_;      // sorted by start
  std::vector<Attribute> attributes_;  // sorted by handle
};

}  // namespace fe95::gatt
