// SPDX-License-Identifier: GPL-2.0-or-later
// The register and login solvers (docs/PROTOCOL.md §4): pure functions from a session's messages
// and the known keys to what they prove. The tracker calls them as messages arrive and applies
// the result to the session; they keep no state and emit nothing.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "fe95/keys/keys.h"
#include "fe95/miauth/session.h"

namespace fe95::miauth {

struct RegisterMessages {
  ByteView t1, t2, end;                   // empty until seen
  std::optional<BdAddr> device;           // from the connection event or --mac
  std::optional<std::uint16_t> pid_read;  // a read of 0x0002 on the link
};

struct RegisterSolution {
  std::optional<BdAddr> device;  // found from an advertiser's keystream when the messages had none
  std::optional<Source> device_source;
  std::optional<std::uint16_t> product_id;
  std::optional<Source> product_id_source;
  std::vector<std::uint16_t> matches;  // ids under which T2 verifies (when searched)
  std::optional<bool> t2_verified;
  std::optional<Token> token;
  EndForm end_form = EndForm::none;
  // Set on the solution that first checked T2, when it refuted the claimed product id and a
  // search found another (the wrong_product_id finding).
  std::optional<std::pair<std::uint16_t, Source>> refuted;
};

// `before` is the previous solution of the same session: work it holds (a product id search,
// T2's verdict, the end form) is not done again.
RegisterSolution solve_register(const RegisterSolution& before, const RegisterMessages& m, const KeyStore& keys);

struct LoginSolution {
  std::optional<Token> token;
  std::optional<Source> source;
  std::optional<Word> tick;
  std::optional<Token> session_key;
};

// The candidate under which the client's response decrypts to 09 ac bf 93; before the response,
// the only candidate when there is one.
LoginSolution solve_login(ByteView challenge, ByteView response, const std::vector<KeyStore::Candidate>& candidates);

}  // namespace fe95::miauth
