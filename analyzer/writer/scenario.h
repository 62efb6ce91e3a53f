// SPDX-License-Identifier: GPL-2.0-or-later
// Builds HCI-level scenarios byte-exact to the specs (Core v5.3 Vol 4 Part E for HCI, Vol 3
// Part A for L2CAP, Vol 3 Part F/G for ATT/GATT), written through a Writer. The host side is
// the phone (GATT client, LE central); "sent" is host to controller.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fe95/att/att.h"
#include "writer.h"

namespace fe95::writer {

struct Characteristic {
  std::uint16_t decl = 0;  // declaration handle; the value handle is decl + 1
  att::Uuid uuid;
  std::uint8_t properties = 0;
  bool cccd = false;  // a Client Characteristic Configuration descriptor at decl + 2
  [[nodiscard]] std::uint16_t value() const { return static_cast<std::uint16_t>(decl + 1); }
};
struct Service {
  std::uint16_t start = 0, end = 0;
  att::Uuid uuid;
  std::vector<Characteristic> chars;
};
using GattDb = std::vector<Service>;

att::Uuid uuid16(std::uint16_t v);
att::Uuid uuid128(const std::string& canonical);  // "01344736-0000-1000-8000-262837236156"

// The FE95 service of a legacy Mi device (docs/PROTOCOL.md §2) laid out from `start`, with the
// handles a real kettle uses when start is 0x000c... any start works: handles differ per device.
Service mi_service(std::uint16_t start);
// A GAP (0x1800) and GATT (0x1801) service, as every device has.
GattDb standard_services();

class Scenario {
 public:
  Scenario(Writer& w, std::int64_t start_ns) : w_(w), now_(start_ns), air_(w.over_the_air()) {}

  // Over the air (an LE sniffer's format): connect() writes a CONNECT_IND, l2cap() and acl() data
  // PDUs of at most 27 bytes in connection events (the other side answers with an empty PDU),
  // disconnect() an LL_TERMINATE_IND, advert() the same ADV_IND on channels 37, 38 and 39; HCI
  // commands and events are not on the air and are not written. What a sniffer also sees, on
  // every link: a data PDU sent twice (its receiver did not get it: same SN, same bytes), an
  // empty PDU missed, one with a bad CRC; and one advert with a bad CRC.
  [[nodiscard]] bool over_the_air() const { return air_; }
  // Over the air: the sniffer starts listening after the CONNECT_IND (it is not written).
  void set_air_join_late(bool late) { air_join_late_ = late; }

  void advance_us(std::int64_t us) { now_ += us * 1000; }
  [[nodiscard]] std::int64_t now() const { return now_; }
  void set_adapter(std::uint16_t a) { adapter_ = a; }
  // Largest ACL payload per packet (the controller's LE buffer size; 27 is the LE default).
  void set_acl_mtu(std::size_t n) { acl_mtu_ = n < 1 ? 1 : n; }
  void set_step_us(std::int64_t us) { step_us_ = us; }

  // Raw HCI.
  void packet(PacketType type, Direction dir, const std::vector<std::uint8_t>& data);
  void command(std::uint16_t opcode, const std::vector<std::uint8_t>& params);
  void event(std::uint8_t code, const std::vector<std::uint8_t>& params);

  // LE Create Connection + Command Status + LE (Enhanced) Connection Complete.
  void connect(std::uint16_t handle, const BdAddr& peer, bool enhanced = false, std::uint8_t peer_addr_type = 0);
  void disconnect(std::uint16_t handle, std::uint8_t reason = 0x13);  // 0x13: remote user terminated
  void advert(const BdAddr& addr, const std::vector<std::uint8_t>& ad, bool extended = false,
              std::uint8_t addr_type = 0, std::uint8_t event_type = 0);

  // ACL fragments of one L2CAP basic frame on `cid`, split at the ACL MTU.
  std::vector<std::vector<std::uint8_t>> fragments(std::uint16_t handle, Direction dir, std::uint16_t cid,
                                                   const std::vector<std::uint8_t>& payload) const;
  void acl(Direction dir, const std::vector<std::uint8_t>& fragment);  // one ACL packet as built above
  void l2cap(std::uint16_t handle, Direction dir, std::uint16_t cid, const std::vector<std::uint8_t>& payload);
  void att(std::uint16_t handle, Direction dir, const std::vector<std::uint8_t>& pdu);

  // ATT exchanges (client = host).
  void mtu_exchange(std::uint16_t handle, std::uint16_t client_mtu, std::uint16_t server_mtu);
  void write_req(std::uint16_t conn, std::uint16_t h, const std::vector<std::uint8_t>& v, bool respond = true);
  void write_cmd(std::uint16_t conn, std::uint16_t h, const std::vector<std::uint8_t>& v);
  void notify(std::uint16_t conn, std::uint16_t h, const std::vector<std::uint8_t>& v);
  void indicate(std::uint16_t conn, std::uint16_t h, const std::vector<std::uint8_t>& v);
  void read(std::uint16_t conn, std::uint16_t h, const std::vector<std::uint8_t>& v);
  void read_error(std::uint16_t conn, std::uint16_t h, std::uint8_t code);
  // A full discovery of db the way Android does it: primary services, characteristics per
  // service, descriptors per characteristic, each until Attribute Not Found.
  void discover(std::uint16_t conn, const GattDb& db, std::uint16_t mtu = 23);
  // Find By Type Value discovery of one service UUID (iOS style).
  void discover_service_by_uuid(std::uint16_t conn, const GattDb& db, const att::Uuid& uuid, std::uint16_t mtu = 23);

 private:
  void tick() { now_ += step_us_ * 1000; }
  // Over the air.
  struct AirLink {
    std::uint32_t aa = 0, crc_init = 0;
    std::uint8_t sn[2] = {0, 0}, nesn[2] = {0, 0};  // [0] central, [1] peripheral
    std::uint16_t event = 0;
    std::uint64_t pdus = 0;
    bool missed = false, crc_bad = false, retransmitted = false;
  };
  void air_packet(std::uint32_t aa, std::uint32_t crc_init, const std::vector<std::uint8_t>& pdu, std::uint8_t channel,
                  bool advertising, Direction dir, bool crc_ok = true, std::uint16_t event = 0, bool write = true);
  // One data PDU from `dir`'s side in a connection event, the other side's empty PDU after it.
  void air_exchange(std::uint16_t handle, Direction dir, std::uint8_t llid, const std::vector<std::uint8_t>& payload);
  void air_connect(std::uint16_t handle, const BdAddr& peer, std::uint8_t peer_addr_type);
  void air_advert(const BdAddr& a, const std::vector<std::uint8_t>& ad, bool extended, std::uint8_t addr_type,
                  std::uint8_t event_type);
  Writer& w_;
  std::int64_t now_;
  bool air_ = false, air_join_late_ = false;
  std::map<std::uint16_t, AirLink> air_links_;
  std::uint64_t air_adverts_ = 0;
  std::int64_t step_us_ = 1250;  // one 1.25 ms connection event
  std::uint16_t adapter_ = 0;
  std::size_t acl_mtu_ = 27;
};

// AD structure helpers.
std::vector<std::uint8_t> ad_flags(std::uint8_t flags);
std::vector<std::uint8_t> ad_service_data16(std::uint16_t uuid, const std::vector<std::uint8_t>& data);
std::vector<std::uint8_t> ad_name(const std::string& name);
std::vector<std::uint8_t> cat(std::initializer_list<std::vector<std::uint8_t>> parts);

}  // namespace fe95::writer
