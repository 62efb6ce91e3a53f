// SPDX-License-Identifier: GPL-2.0-or-later
// One table per vocabulary (vocab.h): each has one term per value, names are unique and stable,
// and the README's JSON schema lists every name the CLI can print. (The plugin's field
// descriptions are built from the same tables; the diagnostics table has its own test.)
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "fe95/keys/keys.h"
#include "fe95/miauth/session.h"
#include "fe95/mibeacon/mibeacon.h"
#include "fe95/session/session.h"
#include "fe95/stdauth/session.h"

namespace fe95 {
namespace {

std::string readme() {
  std::ifstream in(std::string(FE95_SOURCE_DIR) + "/README.md");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The README line that starts with `prefix`, or the paragraph starting there (up to a blank line).
std::string readme_part(const std::string& text, const std::string& prefix, bool paragraph = false) {
  const auto at = text.find(prefix);
  if (at == std::string::npos) return {};
  const auto end = text.find(paragraph ? "\n\n" : "\n", at);
  return text.substr(at, end - at);
}

// Names that do not appear backquoted in `where`; the empty name (a "nothing" value) is skipped.
std::vector<std::string> missing(std::span<const Term> terms, const std::string& where) {
  std::vector<std::string> out;
  for (const auto& t : terms)
    if (*t.name && where.find(std::string("`") + t.name + "`") == std::string::npos) out.push_back(t.name);
  return out;
}

void expect_well_formed(std::span<const Term> terms, std::size_t values, const char* what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(terms.size(), values);
  std::set<std::string> names;
  for (const auto& t : terms) {
    EXPECT_TRUE(names.insert(t.name).second) << "duplicate name " << t.name;
    if (!*t.name) continue;  // a "nothing" value (no decrypted value's kind)
    EXPECT_TRUE(*t.label) << t.name << " has no label";
    EXPECT_TRUE(*t.description) << t.name << " has no description";
    for (const char* c = t.name; *c; ++c) EXPECT_TRUE(std::islower(*c) || std::isdigit(*c) || *c == '_') << t.name;
  }
}

TEST(Vocabularies, OneTermPerValueUniqueNames) {
  expect_well_formed(session::kind_terms(), 2, "kind");
  expect_well_formed(session::status_terms(), static_cast<std::size_t>(session::Status::truncated) + 1, "status");
  expect_well_formed(session::end_reason_terms(), static_cast<std::size_t>(session::EndReason::link_dropped) + 1,
                     "end");
  expect_well_formed(session::role_terms(), static_cast<std::size_t>(session::Role::wear_v2_tx) + 1, "role");
  expect_well_formed(source_terms(), static_cast<std::size_t>(Source::given_as_bind_key) + 1, "source");
  expect_well_formed(miauth::Session::kFamily.steps, static_cast<std::size_t>(miauth::Step::product_id_read) + 1,
                     "legacy steps");
  expect_well_formed(miauth::Session::kFamily.values, static_cast<std::size_t>(miauth::Protected::wifi) + 1,
                     "legacy values");
  expect_well_formed(stdauth::Session::kFamily.steps, static_cast<std::size_t>(stdauth::Step::read) + 1,
                     "standard steps");
  expect_well_formed(stdauth::Session::kFamily.values, static_cast<std::size_t>(stdauth::Value::product_id) + 1,
                     "standard values");
  expect_well_formed(mibeacon::status_terms(), static_cast<std::size_t>(mibeacon::Status::malformed) + 1,
                     "mibeacon status");
  // The families' names are the JSON `protocol`.
  EXPECT_STREQ(miauth::Session::kFamily.name, "legacy");
  EXPECT_STREQ(stdauth::Session::kFamily.name, "standard");
}

TEST(Vocabularies, TheReadmeSchemaListsEveryName) {
  const std::string r = readme();
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(missing(session::status_terms(), readme_part(r, "| `status` | string |")), std::vector<std::string>{});
  EXPECT_EQ(missing(session::end_reason_terms(), readme_part(r, "| `end` | string |")), std::vector<std::string>{});
  EXPECT_EQ(missing(session::kind_terms(), readme_part(r, "| `kind` |")), std::vector<std::string>{});
  EXPECT_EQ(missing(source_terms(), readme_part(r, "| `token`, `token_source` |") +
                                        readme_part(r, "| `product_id`, `product_id_source`, `model` |")),
            std::vector<std::string>{});
  const std::string steps = readme_part(r, "| `steps` | array |");
  EXPECT_EQ(missing(miauth::Session::kFamily.steps, steps), std::vector<std::string>{});
  EXPECT_EQ(missing(miauth::Session::kFamily.values, steps), std::vector<std::string>{});
  EXPECT_EQ(missing(stdauth::Session::kFamily.steps, readme_part(r, "A standard-auth session (", true)),
            std::vector<std::string>{});
  EXPECT_EQ(missing(mibeacon::status_terms(), readme_part(r, "`io_capability` (optional), `status` (", true)),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace fe95
