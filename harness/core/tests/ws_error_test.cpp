// WS_ERROR through the ws.h functions an implementation uses, and the harness's seal.
#include <gtest/gtest.h>

#include "harness/core/hresult_text.h"
#include "harness/core/ws_error.h"

namespace lockstep::harness {
namespace {

TEST(WsError, StringsAreCopiedAndIndexZeroIsNewest) {
  ErrorObject error;
  EXPECT_EQ(lockstep_error_string_count(error.handle()), 0u);
  EXPECT_EQ(lockstep_error_add_text(error.handle(), "first"), S_OK);
  char buffer[] = "second";
  EXPECT_EQ(lockstep_error_add_text(error.handle(), buffer), S_OK);
  buffer[0] = 'X';  // the error keeps its own copy
  EXPECT_EQ(lockstep_error_string_count(error.handle()), 2u);
  WS_STRING string{};
  ASSERT_EQ(WsGetErrorString(error.handle(), 0, &string), S_OK);
  EXPECT_EQ(string.length, 6u);
  EXPECT_EQ(string.chars[0], u's');
  EXPECT_EQ(error.text(), "first; second");
  EXPECT_EQ(WsGetErrorString(error.handle(), 2, &string), E_INVALIDARG);
  EXPECT_EQ(WsResetError(error.handle()), S_OK);
  EXPECT_EQ(error.string_count(), 0u);
}

TEST(WsError, NullArgumentsAreRefused) {
  EXPECT_EQ(WsAddErrorString(nullptr, nullptr), E_INVALIDARG);
  EXPECT_EQ(lockstep_error_add_text(nullptr, "x"), E_INVALIDARG);
  EXPECT_EQ(lockstep_error_string_count(nullptr), 0u);
}

TEST(WsError, SealReportsLateStringsAndKeepsThem) {
  ErrorObject error;
  int late = 0;
  lockstep_error_add_text(error.handle(), "before");
  error.seal([&late] { ++late; });
  EXPECT_EQ(late, 0);
  lockstep_error_add_text(error.handle(), "after");
  EXPECT_EQ(late, 1);
  EXPECT_EQ(error.string_count(), 2u);
}

TEST(WsError, HandleMapsBackToItsObject) {
  ErrorObject error;
  EXPECT_EQ(ErrorObject::from_handle(error.handle()), &error);
}

// Every message spells a code the same way: eight upper-case digits, negative codes unsigned.
TEST(HresultText, EightUpperCaseHexDigits) {
  EXPECT_EQ(hresult_text(0), "0x00000000");
  EXPECT_EQ(hresult_text(static_cast<HRESULT>(0x803D0021u)), "0x803D0021");
  EXPECT_EQ(hresult_text(static_cast<HRESULT>(0x003D0000)), "0x003D0000");
}

}  // namespace
}  // namespace lockstep::harness
