// load_plugin through real shared libraries: the test plugins built from test_plugin.c (their
// paths come from CMake as TEST_PLUGIN_*), files that are not libraries, and missing files.
// Every refusal must be one line naming the path and the problem.
#include "harness/plugin/plugin_loader.h"

#include "harness/plugin/implementation_parts.h"
#include "harness/testing/scratch_directory.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace lockstep::harness {
namespace {

// The refusal for `path`, checked to be one line that names the path.
std::string refusal_of(const std::string& path) {
  const PluginLoadResult result = load_plugin(path);
  EXPECT_FALSE(result.ok()) << path;
  EXPECT_EQ(result.error.find('\n'), std::string::npos) << result.error;
  EXPECT_EQ(result.error.find('\r'), std::string::npos) << result.error;
  EXPECT_EQ(result.error.rfind("plugin '" + path + "': ", 0), 0u) << result.error;
  return result.error;
}

// Files the tests write, under a scratch directory removed when the test binary ends.
const testing::ScratchDirectory& scratch() {
  static const testing::ScratchDirectory directory("plugin-loader-test");
  return directory;
}

std::string write_file(const std::string& name, const std::string& contents) {
  std::string path = (scratch() / name).string();
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

TEST(PluginLoader, LoadsAGoodPlugin) {
  PluginLoadResult result = load_plugin(TEST_PLUGIN_GOOD);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(result.error.empty());
  const LoadedPlugin& plugin = *result.plugin;
  EXPECT_EQ(plugin.name(), "test-plugin");
  EXPECT_EQ(plugin.version(), "1.0");
  EXPECT_EQ(plugin.path(), TEST_PLUGIN_GOOD);
  EXPECT_TRUE(plugin.provides_channel());
  EXPECT_TRUE(plugin.provides_async_execute());
  EXPECT_FALSE(plugin.provides_service_host());
  ASSERT_NE(plugin.implementation(), nullptr);
  EXPECT_EQ(plugin.implementation()->abi_version, LOCKSTEP_IMPLEMENTATION_ABI_VERSION);
}

TEST(PluginLoader, APluginStaysUsableAfterMovesAndCanBeLoadedTwice) {
  PluginLoadResult first = load_plugin(TEST_PLUGIN_GOOD);
  PluginLoadResult second = load_plugin(TEST_PLUGIN_GOOD);
  ASSERT_TRUE(first.ok() && second.ok());
  LoadedPlugin moved = std::move(*first.plugin);
  first.plugin.reset();  // closes nothing: the handle moved
  // dlopen counts references: dropping one load keeps the library mapped for the other.
  second.plugin.reset();
  EXPECT_EQ(std::string(moved.implementation()->name), "test-plugin");
  EXPECT_EQ(moved.implementation()->channel->struct_size, sizeof(lockstep_channel_functions));
}

TEST(PluginLoader, RefusesAMissingFile) {
  const std::string path = (scratch() / "lockstep_no_such_plugin.so").string();
  EXPECT_EQ(refusal_of(path),
            "plugin '" + path + "': cannot open the file: No such file or directory");
}

TEST(PluginLoader, RefusesAnEmptyPath) {
  EXPECT_EQ(refusal_of(""), "plugin '': the path is empty");
}

TEST(PluginLoader, RefusesADirectory) {
  const std::string path = scratch().string();
  EXPECT_EQ(refusal_of(path), "plugin '" + path + "': not a regular file");
}

TEST(PluginLoader, RefusesAnUnreadableFile) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "running as root: permission bits do not stop root from reading";
  }
  const std::string path = write_file("unreadable.so", "x");
  std::filesystem::permissions(path, std::filesystem::perms::none);
  EXPECT_EQ(refusal_of(path), "plugin '" + path + "': cannot read the file: Permission denied");
  std::filesystem::remove(path);
}

TEST(PluginLoader, RefusesATextFile) {
  // Longer than an ELF header, so dlopen gets as far as reading one.
  std::string text;
  for (int line = 0; line < 10; ++line) {
    text += "this is not an ELF file\n";
  }
  const std::string path = write_file("text.so", text);
  const std::string error = refusal_of(path);
  EXPECT_NE(error.find("': not a loadable shared library ("), std::string::npos) << error;
  EXPECT_NE(error.find("invalid ELF header"), std::string::npos) << error;
}

TEST(PluginLoader, RefusesAnEmptyFile) {
  const std::string path = write_file("empty.so", "");
  const std::string error = refusal_of(path);
  EXPECT_NE(error.find("': not a loadable shared library ("), std::string::npos) << error;
}

TEST(PluginLoader, EscapesControlCharactersInThePath) {
  const std::string path = scratch().string() + "/lockstep\nplugin.so";
  const PluginLoadResult result = load_plugin(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error, "plugin '" + scratch().string() + "/" +
                              "lockstep\\x0aplugin.so': cannot open the file: No such file or "
                              "directory");
}

TEST(PluginLoader, NeverSearchesTheLibraryPathForABareName) {
  // libc.so.6 is on every library path; as a plugin path it means ./libc.so.6, which is absent.
  EXPECT_EQ(refusal_of("libc.so.6"),
            "plugin 'libc.so.6': cannot open the file: No such file or directory");
}

TEST(PluginLoader, RefusesALibraryWithoutTheSymbol) {
  EXPECT_EQ(refusal_of(TEST_PLUGIN_WITHOUT_SYMBOL),
            std::string("plugin '") + TEST_PLUGIN_WITHOUT_SYMBOL +
                "': does not export lockstep_get_implementation (is it a lockstep plugin?)");
}

TEST(PluginLoader, RefusesAPluginThatReturnsNull) {
  // The plugin is asked with the host ABI version (2 since the per-host state slot).
  EXPECT_EQ(refusal_of(TEST_PLUGIN_REFUSING),
            std::string("plugin '") + TEST_PLUGIN_REFUSING +
                "': lockstep_get_implementation(" + std::to_string(LOCKSTEP_HOST_ABI_VERSION) +
                ") returned NULL: the plugin refuses this host ABI version");
}

TEST(PluginLoader, RefusesANewerAbiVersion) {
  EXPECT_EQ(refusal_of(TEST_PLUGIN_NEWER_ABI),
            std::string("plugin '") + TEST_PLUGIN_NEWER_ABI +
                "': implementation ABI version 2 is newer than this lockstep's (1); use a "
                "newer lockstep");
}

TEST(PluginLoader, RefusesATooSmallTable) {
  EXPECT_EQ(refusal_of(TEST_PLUGIN_SMALL_STRUCT),
            std::string("plugin '") + TEST_PLUGIN_SMALL_STRUCT +
                "': implementation table struct_size " +
                std::to_string(offsetof(lockstep_implementation, service_host)) +
                " is smaller than " +
                std::to_string(LOCKSTEP_IMPLEMENTATION_FIRST_STRUCT_SIZE) +
                " (the smallest lockstep_implementation, up to service_host)");
}

TEST(PluginLoader, LoadsATableOfTheFirstReleaseWithoutThePatternParts) {
  PluginLoadResult loaded = load_plugin(TEST_PLUGIN_FIRST_RELEASE);
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  const lockstep_implementation& table = *loaded.plugin->implementation();
  EXPECT_EQ(table.struct_size, LOCKSTEP_IMPLEMENTATION_FIRST_STRUCT_SIZE);
  EXPECT_NE(table.channel, nullptr);
  EXPECT_EQ(async_result_part(table), nullptr);
  EXPECT_EQ(event_based_part(table), nullptr);
  EXPECT_EQ(task_based_part(table), nullptr);
}

TEST(PluginLoader, RefusesANullName) {
  EXPECT_EQ(refusal_of(TEST_PLUGIN_NULL_NAME),
            std::string("plugin '") + TEST_PLUGIN_NULL_NAME + "': implementation name is NULL");
}

TEST(PluginLoader, RefusesAChannelTableMissingAnEntry) {
  EXPECT_EQ(refusal_of(TEST_PLUGIN_MISSING_RECEIVE_MESSAGE),
            std::string("plugin '") + TEST_PLUGIN_MISSING_RECEIVE_MESSAGE +
                "': channel table has a NULL receive_message (every channel function is "
                "mandatory when the part is provided)");
}

TEST(PluginLoader, KeepsWorkingAfterManyRefusals) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    EXPECT_FALSE(load_plugin(TEST_PLUGIN_MISSING_RECEIVE_MESSAGE).ok());
    EXPECT_FALSE(load_plugin(TEST_PLUGIN_WITHOUT_SYMBOL).ok());
  }
  EXPECT_TRUE(load_plugin(TEST_PLUGIN_GOOD).ok());
}

}  // namespace
}  // namespace lockstep::harness
