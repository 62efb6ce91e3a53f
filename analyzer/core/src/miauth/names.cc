// SPDX-License-Identifier: GPL-2.0-or-later
// The legacy family's vocabularies (vocab.h): its steps, the values the token protects, the forms
// of the register's last write; and its descriptor for the session layer.
#include "fe95/miauth/session.h"

namespace fe95::miauth {

namespace {

constexpr Term kSteps[] = {
    {"register_start", "Register start", "the client writes the register start (0xde85ca90) to 0x0010"},
    {"t1", "T1: the client's token, encrypted", "the client writes rc4(mixA, token) to 0x0001"},
    {"t2", "T2: the device's answer", "the device notifies rc4(mixA, rc4(mixB, token)) on 0x0001"},
    {"register_end", "Register end: the client's confirmation", "the client writes rc4(token, 92ab54fa) to 0x0001"},
    {"login_start", "Login start", "the client writes the login start (0xcd43bc00) to 0x0010"},
    {"challenge", "Challenge from the device", "the device notifies rc4(token, tick) on 0x0001"},
    {"response", "Response from the client", "the client writes rc4(login key, 09acbf93) to 0x0001"},
    {"confirmation", "Confirmation from the device", "the device notifies rc4(login key, c9589a36) on 0x0001"},
    {"bond_result", "Bond result", "the device's bond result on 0x0010"},
    {"encrypted_read", "Encrypted read", "a read of a value the token protects"},
    {"encrypted_write", "Encrypted write", "a write of a value the token protects"},
    {"product_id_read", "Product id read (0x0002)", "a read of the product id, in clear"},
};

constexpr Term kValues[] = {
    {"", "Not recognised", "the value decrypted to nothing fe95 recognises"},
    {"firmware", "Firmware version", "characteristic 0x0004"},
    {"device_id", "Device id", "characteristic 0x0013"},
    {"beacon_key", "Beacon key", "characteristic 0x0014: the MiBeacon key"},
    {"wifi", "Wi-Fi setup", "characteristic 0x0005: Wi-Fi setup records"},
};

constexpr Term kEndForms[] = {
    {"", "", ""},
    {"encrypted", "encrypted", "rc4(token, 92ab54fa), as the protocol wants"},
    {"plain", "plain", "the constant 92ab54fa unencrypted (some kettle firmware accepts it)"},
    {"mismatch", "mismatch", "neither"},
};

}  // namespace

const session::Family Session::kFamily{"legacy", "Legacy Mi auth (RC4, 0x0001)", kSteps, kValues, &miauth::describe};

const char* protected_name(Protected p) {
  return kValues[static_cast<std::size_t>(p)].name;
}

const char* end_form_name(EndForm f) {
  return kEndForms[static_cast<std::size_t>(f)].name;
}

}  // namespace fe95::miauth
