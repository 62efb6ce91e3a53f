// SPDX-License-Identifier: GPL-2.0-or-later
// Reading other dissectors' fields from the primed tree, and adding the plugin's generated items.
#include <algorithm>

#include "plugin.h"

namespace fe95::plugin {

std::vector<field_info*> fields(proto_tree* tree, int hf) {
  std::vector<field_info*> out;
  if (!tree || hf < 0) return out;
  // A filter name can stand for several registered fields (btatt.handle does): Wireshark chains
  // them with same_name_next, and each keeps its own finfo array.
  for (header_field_info* h = proto_registrar_get_nth(static_cast<guint>(hf)); h; h = h->same_name_next) {
    GPtrArray* a = proto_get_finfo_ptr_array(tree, h->id);
    if (!a) continue;
    for (guint i = 0; i < a->len; ++i) out.push_back(static_cast<field_info*>(g_ptr_array_index(a, i)));
  }
  std::sort(out.begin(), out.end(), [](const field_info* x, const field_info* y) { return x->start < y->start; });
  return out;
}

bool uint_field(proto_tree* tree, int hf, std::uint32_t& out) {
  auto f = fields(tree, hf);
  if (f.empty()) return false;
  out = fvalue_get_uinteger(value_of(f[0]));
  return true;
}

Bytes field_bytes(const field_info* fi) {
  Bytes b;
  if (!fi || !fi->ds_tvb || fi->length <= 0) return b;
  if (tvb_captured_length_remaining(fi->ds_tvb, fi->start) < fi->length) return b;  // never let tvb throw
  b.resize(static_cast<std::size_t>(fi->length));
  tvb_memcpy(fi->ds_tvb, b.data(), fi->start, b.size());
  return b;
}

bool fits(tvbuff_t* tvb, int offset, int length) {
  return tvb && offset >= 0 && length >= 0 && tvb_captured_length_remaining(tvb, offset) >= length;
}

void want_field(const char* name, int& id, GArray* wanted) {
  id = proto_registrar_get_id_byname(name);
  if (id < 0) return;
  for (header_field_info* h = proto_registrar_get_nth(static_cast<guint>(id)); h; h = h->same_name_next)
    g_array_append_val(wanted, h->id);
}

proto_item* add_str(proto_tree* t, int hf, const std::string& v) {
  proto_item* it = proto_tree_add_string(t, hf, nullptr, 0, 0, v.c_str());
  proto_item_set_generated(it);
  return it;
}

proto_item* add_uint(proto_tree* t, int hf, std::uint32_t v) {
  proto_item* it = proto_tree_add_uint(t, hf, nullptr, 0, 0, v);
  proto_item_set_generated(it);
  return it;
}

proto_item* add_bytes(proto_tree* t, int hf, const Bytes& v) {
  proto_item* it = proto_tree_add_bytes_with_length(t, hf, nullptr, 0, 0, v.data(), static_cast<gint>(v.size()));
  proto_item_set_generated(it);
  return it;
}

}  // namespace fe95::plugin
