// SPDX-License-Identifier: GPL-2.0-or-later
// The key table: a UAT whose records are read as the keys-file lines they are (one parser for
// both front ends), and a single-token preference tried on every login.
#include <string>

#include "plugin.h"

namespace fe95::plugin {

namespace {

struct KeyRecord {
  char* mac;
  char* product_id;
  char* token;
  char* beacon_key;
  char* bind_key;
  char* auth_key;  // a wearable's (docs/MIWEAR.md §3)
};
KeyRecord* key_records = nullptr;
guint n_key_records = 0;
const char* pref_token = "";

UAT_CSTRING_CB_DEF(keys, mac, KeyRecord)
UAT_CSTRING_CB_DEF(keys, product_id, KeyRecord)
UAT_CSTRING_CB_DEF(keys, token, KeyRecord)
UAT_CSTRING_CB_DEF(keys, beacon_key, KeyRecord)
UAT_CSTRING_CB_DEF(keys, bind_key, KeyRecord)
UAT_CSTRING_CB_DEF(keys, auth_key, KeyRecord)

void* key_copy(void* dst, const void* src, size_t) {
  auto* d = static_cast<KeyRecord*>(dst);
  const auto* s = static_cast<const KeyRecord*>(src);
  d->mac = g_strdup(s->mac);
  d->product_id = g_strdup(s->product_id);
  d->token = g_strdup(s->token);
  d->beacon_key = g_strdup(s->beacon_key);
  d->bind_key = g_strdup(s->bind_key);
  d->auth_key = g_strdup(s->auth_key);
  return dst;
}

void key_free(void* r) {
  auto* k = static_cast<KeyRecord*>(r);
  g_free(k->mac);
  g_free(k->product_id);
  g_free(k->token);
  g_free(k->beacon_key);
  g_free(k->bind_key);
  g_free(k->auth_key);
}

std::string key_line(const KeyRecord& k) {
  auto q = [](const char* s) { return std::string("\"") + (s ? s : "") + "\""; };
  return q(k.mac) + "," + q(k.product_id) + "," + q(k.token) + "," + q(k.beacon_key) + "," + q(k.bind_key) + "," +
         q(k.auth_key);
}

UatUpdateResult key_update(void* r, char** err) {
  try {
    std::vector<KeyEntry> e;
    if (auto bad = parse_keys(key_line(*static_cast<const KeyRecord*>(r)), e)) {
      *err = g_strdup(bad->message.c_str());
      return false;
    }
    return true;
  } catch (...) {
    *err = g_strdup("fe95: internal error while checking the key");
    return false;
  }
}

}  // namespace

void load_configured_keys(KeyStore& k) {
  for (guint i = 0; i < n_key_records; ++i) {
    std::vector<KeyEntry> e;
    if (!parse_keys(key_line(key_records[i]), e))
      for (const auto& x : e) k.add_entry(x, Source::keys_file);
  }
  if (pref_token && *pref_token)
    if (auto t = parse_token(pref_token)) k.add_option_token(*t);
}

void register_keys(module_t* mod) {
  static uat_field_t key_fields[] = {
      UAT_FLD_CSTRING(keys, mac, "MAC", "Device address AA:BB:CC:DD:EE:FF"),
      UAT_FLD_CSTRING(keys, product_id, "Product id", "0-65535"),
      UAT_FLD_CSTRING(keys, token, "Token", "24 hex digits"),
      UAT_FLD_CSTRING(keys, beacon_key, "Beacon key", "24 hex digits (legacy MiBeacon)"),
      UAT_FLD_CSTRING(keys, bind_key, "Bind key", "32 hex digits (MiBeacon v4/v5)"),
      UAT_FLD_CSTRING(keys, auth_key, "Auth key", "32 hex digits (a Xiaomi wearable's, from Mi Fitness)"),
      UAT_END_FIELDS};
  uat_t* uat = uat_new("MiAuth keys", sizeof(KeyRecord), "miauth_keys", TRUE, &key_records, &n_key_records,
                       UAT_AFFECTS_DISSECTION, nullptr, key_copy, key_update, key_free, nullptr, nullptr, key_fields);
  prefs_register_string_preference(mod, "token", "Token", "A known 12-byte token (24 hex digits) tried on every login",
                                   &pref_token);
  prefs_register_uat_preference(
      mod, "keys", "Keys",
      "Devices: mac, product_id, token, beacon_key, bind_key, auth_key (the fe95 --keys file format)", uat);
}

}  // namespace fe95::plugin
