// SPDX-License-Identifier: GPL-2.0-or-later
// The repository stands alone: no source or note cites a file outside it (the public captures
// beside the project, which tests read when present, are the one exception), and every section a
// file cites as `docs/NAME.md §n` (or `NAME.md §n`, `§n-§m`, `§n, §m`) is a numbered heading of
// that file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace docs_test {  // named: the unity build shares one translation unit among files

namespace fs = std::filesystem;

const std::string kSection = "\xc2\xa7";  // §

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The numbers of a note's headings: "## 4. Pitfalls" gives "4", "### 4.2 A wrong ..." gives "4.2".
std::set<std::string> headings(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::size_t i = 0;
    while (i < line.size() && line[i] == '#') ++i;
    if (i == 0 || i >= line.size() || line[i] != ' ') continue;
    while (i < line.size() && line[i] == ' ') ++i;
    std::size_t j = i;
    while (j < line.size() && (std::isdigit(static_cast<unsigned char>(line[j])) || line[j] == '.')) ++j;
    std::string n = line.substr(i, j - i);
    while (!n.empty() && n.back() == '.') n.pop_back();
    if (!n.empty()) out.insert(n);
  }
  return out;
}

struct Citation {
  std::string note;     // "STANDARD_AUTH"
  std::string section;  // "4.2"
  std::size_t line;
};

// Every `NAME.md §n` in text (NAME in capitals, optionally after docs/ and inside backticks or
// parentheses), with the sections listed after it as `§n, §m` or `§n-§m`.
std::vector<Citation> citations(const std::string& text) {
  std::vector<Citation> out;
  for (std::size_t at = text.find(".md"); at != std::string::npos; at = text.find(".md", at + 3)) {
    std::size_t b = at;
    while (b > 0 && (std::isupper(static_cast<unsigned char>(text[b - 1])) ||
                     std::isdigit(static_cast<unsigned char>(text[b - 1])) || text[b - 1] == '_'))
      --b;
    if (b == at || !std::isupper(static_cast<unsigned char>(text[b]))) continue;
    const std::string note = text.substr(b, at - b);
    const auto line = static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<long>(b), '\n')) + 1;
    std::size_t i = at + 3;
    while (i < text.size() && (text[i] == '`' || text[i] == ')' || text[i] == ' ')) ++i;
    for (;;) {
      if (text.compare(i, kSection.size(), kSection) != 0) break;
      i += kSection.size();
      std::size_t j = i;
      while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
      std::string n = text.substr(i, j - i);
      while (!n.empty() && n.back() == '.') n.pop_back();
      if (n.empty()) break;  // `§n` as a placeholder
      out.push_back({note, n, line});
      i = j;
      // `, §m`, `-§m`, `–§m`, ` and §m`
      std::size_t k = i;
      while (k < text.size() && (text[k] == ',' || text[k] == '-' || text[k] == ' ')) ++k;
      if (text.compare(k, 3, "\xe2\x80\x93") == 0) k += 3;  // en dash
      if (text.compare(k, 4, "and ") == 0) k += 4;
      if (text.compare(k, kSection.size(), kSection) != 0) break;
      i = k;
    }
  }
  return out;
}

// The files that may cite: the sources and notes of the tree (not the build, the captures, the
// fuzz inputs or the goldens, which are data).
std::vector<fs::path> cited_from() {
  const fs::path root(FE95_SOURCE_DIR);
  std::vector<fs::path> out{root / "README.md", root / "CMakeLists.txt", root / "captures" / "README.md"};
  for (const char* dir : {"analyzer", "plugin", "docs", "tests", "scripts", ".ci"}) {
    if (!fs::exists(root / dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      if (!e.is_regular_file()) continue;
      const std::string rel = fs::relative(e.path(), root).generic_string();
      if (rel.rfind("tests/fuzz/corpus/", 0) == 0 || rel.rfind("tests/fuzz/regressions/", 0) == 0 ||
          rel.find("/golden") != std::string::npos)
        continue;
      const std::string ext = e.path().extension().string();
      if (ext == ".cc" || ext == ".h" || ext == ".md" || ext == ".txt" || ext == ".cmake" || ext == ".sh" ||
          ext == ".py" || ext == ".json" || e.path().filename() == "run")
        out.push_back(e.path());
    }
  }
  return out;
}

TEST(Docs, TheScannerFindsCitationsAndSections) {
  const auto c = citations(
      "x (docs/LL_CAPTURES.md \xc2\xa7"
      "4.2) and `docs/PHONE_LOGS.md` \xc2\xa7"
      "2, \xc2\xa7"
      "3;\n"
      "STANDARD_AUTH.md \xc2\xa7"
      "3-\xc2\xa7"
      "5, README.md \xc2\xa7n, docs/X.md alone");
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0].note, "LL_CAPTURES");
  EXPECT_EQ(c[0].section, "4.2");
  EXPECT_EQ(c[1].section, "2");
  EXPECT_EQ(c[2].section, "3");
  EXPECT_EQ(c[3].note, "STANDARD_AUTH");
  EXPECT_EQ(c[3].line, 2u);
  EXPECT_EQ(c[4].section, "5");
  const auto h = headings("# Title\n## 1. One\n### 1.2 Two\n## Sources\n#include <x>\n");
  EXPECT_EQ(h, (std::set<std::string>{"1", "1.2"}));
}

TEST(Docs, EverySectionCitedIsAHeadingOfItsNote) {
  const fs::path docs = fs::path(FE95_SOURCE_DIR) / "docs";
  std::map<std::string, std::set<std::string>> known;
  for (const auto& e : fs::directory_iterator(docs))
    if (e.path().extension() == ".md") known[e.path().stem().string()] = headings(slurp(e.path()));
  ASSERT_TRUE(known.count("STANDARD_AUTH") && known.count("LL_CAPTURES") && known.count("PROTOCOL"));
  std::size_t checked = 0;
  std::set<std::string> notes_cited;
  for (const auto& f : cited_from()) {
    const std::string rel = fs::relative(f, FE95_SOURCE_DIR).generic_string();
    if (rel == "tests/unit/docs_test.cc") continue;  // its own examples
    for (const auto& c : citations(slurp(f))) {
      if (c.note == "README" || c.note == "SOURCES") continue;  // no numbered sections
      const auto n = known.find(c.note);
      if (n == known.end()) {
        ADD_FAILURE() << rel << ":" << c.line << " cites " << c.note << ".md " << kSection << c.section
                      << ", which is not in docs/";
        continue;
      }
      ++checked;
      notes_cited.insert(c.note);
      EXPECT_TRUE(n->second.count(c.section)) << rel << ":" << c.line << " cites docs/" << c.note << ".md " << kSection
                                              << c.section << ", which has no such heading";
    }
  }
  // The scan saw the tree's citations (over 100 today), of at least these notes.
  EXPECT_GT(checked, 100u);
  for (const char* n : {"PROTOCOL", "STANDARD_AUTH", "LL_CAPTURES", "MIBEACON", "MIWEAR", "PHONE_LOGS"})
    EXPECT_TRUE(notes_cited.count(n)) << "no citation of docs/" << n << ".md found: is the scan blind?";
}

TEST(Docs, NothingCitesAFileOutsideTheRepository) {
  // Split so that this file does not match itself.
  const std::string outside = std::string("../") + "shared";
  const std::string allowed = outside + "/captures/public";  // test inputs, read when present
  std::size_t files = 0;
  for (const auto& f : cited_from()) {
    ++files;
    const std::string text = slurp(f);
    for (std::size_t at = text.find(outside); at != std::string::npos; at = text.find(outside, at + 1)) {
      if (text.compare(at, allowed.size(), allowed) == 0) continue;
      const auto line = std::count(text.begin(), text.begin() + static_cast<long>(at), '\n') + 1;
      ADD_FAILURE() << fs::relative(f, FE95_SOURCE_DIR).generic_string() << ":" << line << " cites "
                    << text.substr(at, std::min<std::size_t>(60, text.find('\n', at) - at))
                    << " (bring what it says into docs/)";
    }
  }
  EXPECT_GT(files, 200u);
}

}  // namespace docs_test
