// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/att/gatt.h"

#include <algorithm>

namespace fe95::gatt {

bool Server::add_service(const Service& s) {
  auto it = std::lower_bound(services_.begin(), services_.end(), s.start,
                             [](const Service& a, std::uint16_t h) { return a.start < h; });
  if (it != services_.end() && it->start == s.start) {
    *it = s;  // rediscovery replaces
    return true;
  }
  if (services_.size() >= kMaxServices) return false;
  services_.insert(it, s);
  return true;
}

bool Server::add_attribute(const Attribute& a, bool overwrite) {
  auto it = std::lower_bound(attributes_.begin(), attributes_.end(), a.handle,
                             [](const Attribute& x, std::uint16_t h) { return x.handle < h; });
  if (it != attributes_.end() && it->handle == a.handle) {
    if (overwrite) *it = a;
    return true;
  }
  if (attributes_.size() >= kMaxAttributes) return false;
  attributes_.insert(it, a);
  return true;
}

bool Server::learn(const Request& req, const att::Pdu& rsp) {
  Cursor c(rsp.params);
  bool ok = true;
  switch (rsp.opcode) {
    case att::kReadByGroupRsp: {
      if (!(req.type.is16(kPrimaryService) || req.type.is16(kSecondaryService))) break;
      std::uint8_t len = 0;
      if (!c.u8(len) || (len != 6 && len != 20)) break;
      ByteView e;
      while (c.bytes(len, e)) {
        Service s{load_u16le(e.data()), load_u16le(e.data() + 2), att::Uuid::from(e.subspan(4))};
        if (s.end < s.start) continue;
        ok = add_service(s) && ok;
      }
      break;
    }
    case att::kFindByTypeRsp: {
      if (!req.type.is16(kPrimaryService) || req.value.len == 0) break;
      std::uint16_t h = 0, end = 0;
      while (c.u16le(h) && c.u16le(end))
        if (end >= h) ok = add_service(Service{h, end, req.value}) && ok;
      break;
    }
    case att::kReadByTypeRsp: {
      if (!req.type.is16(kCharacteristic)) break;
      std::uint8_t len = 0;
      if (!c.u8(len) || (len != 7 && len != 21)) break;
      ByteView e;
      while (c.bytes(len, e)) {
        Attribute a;
        a.properties = e[2];
        a.handle = load_u16le(e.data() + 3);
        a.uuid = att::Uuid::from(e.subspan(5));
        a.characteristic_value = true;
        ok = add_attribute(a, true) && ok;
      }
      break;
    }
    case att::kFindInfoRsp: {
      std::uint8_t format = 0;
      if (!c.u8(format) || (format != 1 && format != 2)) break;
      const std::size_t ulen = format == 1 ? 2 : 16;
      std::uint16_t h = 0;
      ByteView u;
      while (c.u16le(h) && c.bytes(ulen, u)) {
        Attribute a;
        a.handle = h;
        a.uuid = att::Uuid::from(u);
        if (a.uuid.len == 2 && a.uuid.u16() >= 0x2800 && a.uuid.u16() <= 0x2803) continue;  // declarations
        ok = add_attribute(a, false) && ok;  // never overwrite a characteristic value's UUID
      }
      break;
    }
    default:
      break;
  }
  return ok;
}

bool Server::note(std::uint16_t handle, const att::Uuid& service, const att::Uuid& uuid) {
  if (service.len && !service_of(handle) && !add_service(Service{handle, handle, service})) return false;
  Attribute a;
  a.handle = handle;
  a.uuid = uuid;
  a.characteristic_value = true;
  return uuid.len == 0 || add_attribute(a, false);
}

const Service* Server::service_of(std::uint16_t handle) const {
  // Services do not overlap; the candidate is the last one starting at or before handle.
  auto it = std::upper_bound(services_.begin(), services_.end(), handle,
                             [](std::uint16_t h, const Service& s) { return h < s.start; });
  if (it == services_.begin()) return nullptr;
  --it;
  return handle <= it->end ? &*it : nullptr;
}

const Attribute* Server::attribute(std::uint16_t handle) const {
  auto it = std::lower_bound(attributes_.begin(), attributes_.end(), handle,
                             [](const Attribute& x, std::uint16_t h) { return x.handle < h; });
  return it != attributes_.end() && it->handle == handle ? &*it : nullptr;
}

std::uint16_t Server::find_characteristic(std::uint16_t service, std::uint16_t uuid) const {
  for (const auto& a : attributes_) {
    if (!a.characteristic_value || !a.uuid.is16(uuid)) continue;
    const Service* s = service_of(a.handle);
    if (s && s->uuid.is16(service)) return a.handle;
  }
  return 0;
}

}  // namespace fe95::gatt
