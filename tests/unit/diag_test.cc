// SPDX-License-Identifier: GPL-2.0-or-later
// The one table of diagnostic codes: complete, in enum order, and every code documented in the
// README's table.
#include "fe95/diag.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace fe95 {
namespace {

TEST(Diagnostics, TableHasOneRowPerCodeInOrder) {
  const auto codes = all_codes();
  ASSERT_GT(codes.size(), 20u);
  std::set<std::string> names;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(codes[i].code), i) << codes[i].name;
    EXPECT_TRUE(names.insert(codes[i].name).second) << "duplicate name " << codes[i].name;
    EXPECT_GT(std::string(codes[i].meaning).size(), 10u) << codes[i].name;
    EXPECT_EQ(&code_info(codes[i].code), &codes[i]);
  }
}

TEST(Diagnostics, EveryCodeIsInTheReadme) {
  std::ifstream in(std::string(FE95_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in) << "README.md";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string readme = ss.str();
  for (const auto& c : all_codes()) {
    // A row of the README's diagnostics table: | `code` | severity | meaning |
    const std::string row = std::string("| `") + c.name + "` | " + severity_name(c.severity) + " |";
    EXPECT_NE(readme.find(row), std::string::npos) << "README.md has no row " << row;
  }
}

}  // namespace
}  // namespace fe95
