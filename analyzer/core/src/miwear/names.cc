// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables family's vocabularies (vocab.h): its steps, transports, contents and channels;
// and its descriptor for the session layer.
#include "fe95/miwear/session.h"
#include "fe95/miwear/sppv1.h"
#include "fe95/miwear/sppv2.h"
#include "fe95/miwear/v1.h"

namespace fe95::miwear {

namespace {

constexpr Term kSteps[] = {
    {"piece", "Piece of a message", "a part of a message or packet; nothing completed yet"},
    {"control", "Control", "acks, nacks, missing-chunk lists, SPPv2 ACK/NAK, a resent packet"},
    {"session_config", "SPPv2 session config", "the session start or stop request or response and its TLVs"},
    {"version", "SPP-V1 version", "the phone's version probe or the watch's answer (2 or more: SPPv2 follows)"},
    {"phone_nonce", "Auth step 1: the phone's nonce", "1/26 from the phone: 16 random bytes"},
    {"watch_nonce", "Auth step 2: the watch's nonce and proof",
     "1/26 from the watch: its nonce and HMAC, checked with the auth key"},
    {"phone_confirm", "Auth step 3: the phone's proof and device info",
     "1/27 from the phone: its HMAC and the encrypted device info"},
    {"watch_result", "Auth step 4: the watch's result", "1/27 from the watch: the result and capabilities"},
    {"auth_error", "Auth error from the watch", "the watch's error code (4: not bound)"},
    {"user_id", "User-id auth (older watches)", "1/5 from the phone: the account's user id, in clear"},
    {"user_id_result", "User-id auth result", "1/5 from the watch: its status"},
    {"message", "Message", "a command message: a protobuf envelope, plain or encrypted"},
    {"activity", "Activity file part", "a part of an activity file from the watch"},
    {"upload", "Upload part", "a part of an upload from the phone"},
};

}  // namespace

const session::Family Session::kFamily{
    "miwear", "Xiaomi wearables (Mi Band, Redmi/Xiaomi watches)", kSteps, {}, &miwear::describe};

const char* transport_name(Transport t) {
  switch (t) {
    case Transport::ble_v1:
      return "ble_v1";
    case Transport::ble_v2:
      return "ble_v2";
    case Transport::spp_v1:
      return "spp_v1";
    case Transport::spp_v2:
      return "spp_v2";
  }
  return "?";
}

const char* content_name(Content c) {
  switch (c) {
    case Content::protobuf:
      return "protobuf";
    case Content::activity:
      return "activity";
    case Content::upload:
      return "upload";
    case Content::raw:
      return "raw";
  }
  return "?";
}

std::string channel_name(Transport t, std::uint16_t channel) {
  switch (t) {
    case Transport::ble_v1:
      switch (channel) {
        case kCharCommandRead:
          return "read";
        case kCharCommandWrite:
          return "write";
        case kCharActivity:
          return "activity";
        case kCharUpload:
          return "upload";
        default:
          return "";
      }
    case Transport::ble_v2:
    case Transport::spp_v2:
      return v2_channel_name(static_cast<std::uint8_t>(channel));
    case Transport::spp_v1:
      return sppv1_channel_name(static_cast<std::uint8_t>(channel));
  }
  return "";
}

const char* device_type_name(std::uint64_t t) {
  switch (t) {
    case 0:
      return "android";
    case 1:
      return "ios";
    case 2:
      return "vela";
    default:
      return "";
  }
}

}  // namespace fe95::miwear
