// SPDX-License-Identifier: GPL-2.0-or-later
// Zip archives of captures: an Android bugreport (`adb bugreport`) holds the phone's snoop logs
// under FS/data/misc/bluetooth/logs/ (vendors: FS/data/log/bt/) and, in its main text, the BTSNOOZ
// summary (docs/PHONE_LOGS.md §1). Each capture inside is named ZIP!MEMBER and opened by
// open_capture like a file. Read through libarchive; nothing here decompresses by hand.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fe95/bytes.h"
#include "fe95/capture/capture.h"

namespace fe95 {

// At most this many captures are read from one zip (a bugreport holds a handful: the log, .last,
// .filtered, btsnooz_hci.log, and the text); more are counted, not read.
inline constexpr std::size_t kMaxZipCaptures = 64;
// At most this many top-level text files are searched for a BTSNOOZ section.
inline constexpr std::size_t kMaxZipTexts = 8;

struct ZipMember {
  std::string name;              // path inside the zip
  std::string format;            // what the reader says it is
  std::int64_t first_ts_ns = 0;  // the first record's time (0 when it has none)
};

struct ZipListing {
  std::vector<ZipMember> members;  // in the zip's order
  // Files in the log folders that are no capture, with why (notes, vendor dumps).
  std::vector<std::pair<std::string, std::string>> skipped;
  // Files in the log folders whose bytes libarchive would not give (a member whose sizes do not
  // match its data, a damaged deflate stream), with why: damaged inputs, not other files.
  std::vector<std::pair<std::string, std::string>> unreadable;
  std::size_t captures_not_read = 0;  // files of the log folders past kMaxZipCaptures (not opened)
  std::size_t texts_not_scanned = 0;  // past kMaxZipTexts
  std::string error;                  // the zip (or its directory) could not be read; members
                                      // found before the damage are still listed
};

// Whether the file starts like a zip archive.
bool is_zip(const std::string& path);
// The Bluetooth captures in a zip: the members of the two log folders that fe95 can read (by
// content, as any capture), and the top-level texts that hold a BTSNOOZ section.
ZipListing list_zip_captures(const std::string& path);
ZipListing list_zip_captures_memory(ByteView data);  // fuzzing, tests
OpenResult open_zip_member_memory(ByteView data, const std::string& member);
// "ZIP!MEMBER", the name open_capture takes and the output shows.
std::string member_path(const std::string& zip, const std::string& member);
// Whether path names a zip member: "bugreport.zip!FS/data/misc/bluetooth/logs/btsnoop_hci.log"
// does when the part before the first such '!' is a regular file and the whole path is no file.
bool split_member(const std::string& path, std::string& zip, std::string& member);

}  // namespace fe95
