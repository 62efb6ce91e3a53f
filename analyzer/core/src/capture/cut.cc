// SPDX-License-Identifier: GPL-2.0-or-later
// The capture-level account of cut ACL packets (CutTally, fe95/capture/capture.h).
#include <algorithm>

#include "fe95/capture/capture.h"

namespace fe95 {

namespace {
constexpr std::size_t kAclHeader = 4, kL2capHeader = 4,
                      kAttHeader = 3;      // handle+flags+length; length+CID; opcode+handle
constexpr std::uint16_t kAttCid = 0x0004;  // Core v5.3 Vol 3 Part A §2.1
}  // namespace

void CutTally::add(const Record& rec) {
  if (!rec.cut) return;
  if (rec.type != PacketType::acl) {
    ++other;
    return;
  }
  ++acl;
  const ByteView d = rec.data;
  if (d.size() < kAclHeader + kL2capHeader) return;
  const unsigned boundary = (d[1] >> 4) & 0x3;  // 1 = continuing fragment: no L2CAP header
  if (boundary == 1 || load_u16le(d.data() + 6) != kAttCid) return;
  ++att;
  const std::size_t att_bytes = d.size() - kAclHeader - kL2capHeader;
  if (att_bytes >= kAttHeader) att_value_kept = std::max(att_value_kept, static_cast<int>(att_bytes - kAttHeader));
}

std::string CutTally::message(const std::string& format) const {
  const bool snooz = format.rfind("BTSNOOZ", 0) == 0;
  const bool phone = snooz || format.find("btsnoop") != std::string::npos;
  std::string what;
  if (att && att_value_kept >= 0)
    what = "ATT values cut to " + std::to_string(att_value_kept) + (att_value_kept == 1 ? " byte" : " bytes");
  else if (att)
    what = "ATT PDUs cut before their handle";
  else if (acl)
    what = "ACL packets cut";
  else
    what = "HCI packets cut";
  what += " (" + std::to_string(acl + other) + (acl + other == 1 ? " record" : " records") + ")";
  if (snooz)
    return what +
           ": a BTSNOOZ summary keeps only the first 14 bytes of each ACL packet; set Developer options → "
           "Bluetooth HCI snoop log → Enabled and take the bugreport again";
  if (phone)
    return what +
           ": a filtered or snooz log; set Developer options → Bluetooth HCI snoop log → Enabled and take "
           "the bugreport again";
  return what + ": the capture's snap length; capture again without one (tcpdump -s 0, Wireshark's default)";
}

}  // namespace fe95
