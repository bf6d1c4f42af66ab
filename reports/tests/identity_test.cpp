// The small pieces behind identity and printed commands: SHA-256 against the FIPS 180-4
// examples, shell quoting that a shell reads back as the same words, reproduce strings that
// round-trip and refuse what they cannot mean.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "reports/reproduce_token.h"
#include "reports/sha256.h"
#include "reports/shell_command.h"

namespace lockstep::reports {
namespace {

TEST(Sha256, MatchesThePublishedExamples) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // 64 and 55/56 bytes: the padding boundaries.
  EXPECT_EQ(sha256_hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, OfAFileInPieces) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("lockstep-sha256-" + std::to_string(getpid()));
  std::string content;
  for (int index = 0; index < 200'000; ++index) {
    content += static_cast<char>(index * 7);
  }
  std::ofstream(path, std::ios::binary) << content;
  std::string error;
  EXPECT_EQ(sha256_of_file(path.string(), error), sha256_hex(content)) << error;
  std::filesystem::remove(path);
  EXPECT_FALSE(sha256_of_file(path.string(), error));
  EXPECT_NE(error.find(path.string()), std::string::npos);
}

TEST(ShellCommand, PlainWordsStayPlainOthersAreQuoted) {
  EXPECT_EQ(shell_command({"./lockstep", "replay", "dir/failures/a--b--3.replay"}),
            "./lockstep replay dir/failures/a--b--3.replay");
  EXPECT_EQ(shell_quote("my report"), "'my report'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("$HOME"), "'$HOME'");
}

// The shell reads the quoted words back as the same words.
TEST(ShellCommand, TheShellReadsBackTheSameWords) {
  const std::vector<std::string> words = {"a b", "it's",       "$(rm -rf x)", "tab\there", "*",
                                          "!x",  "semi;colon", "back\\slash", "\"quoted\""};
  for (const std::string& word : words) {
    const std::string command = "printf '%s' " + shell_quote(word);
    FILE* pipe = popen(command.c_str(), "r");  // NOLINT(cert-env33-c): our own quoted words
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buffer[256];
    std::size_t count;
    while ((count = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
      output.append(buffer, count);
    }
    pclose(pipe);
    EXPECT_EQ(output, word);
  }
}

TEST(ReproduceToken, RoundTripsWithAndWithoutAStrategy) {
  const ReproduceToken plain{"callback-on-sync-path", "channel", 1, 5, "random"};
  EXPECT_EQ(to_text(plain), "callback-on-sync-path:channel:1:5");
  const ReproduceToken pct{"archetype", "echo", 18446744073709551615ull, 12, "pct:3"};
  EXPECT_EQ(to_text(pct), "archetype:echo:18446744073709551615:12:pct:3");
  std::string error;
  EXPECT_EQ(parse_reproduce_token(to_text(plain), error), plain) << error;
  EXPECT_EQ(parse_reproduce_token(to_text(pct), error), pct) << error;
}

TEST(ReproduceToken, RefusesWhatIsNotOne) {
  for (const char* text : {"", "a:b:c", "a:b:1", ":echo:1:2", "a::1:2", "a:b:x:2", "a:b:1:-2",
                           "a:b:18446744073709551616:2", "a:b:1:2:", "failures/x.replay"}) {
    std::string error;
    EXPECT_FALSE(parse_reproduce_token(text, error)) << text;
    EXPECT_FALSE(error.empty()) << text;
    EXPECT_EQ(error.find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace lockstep::reports
