# out_of_tree_example.cmake: what a vendor does with the released package, as one CTest test
# (run with `cmake -P`): install this build into a fresh prefix, configure an example
# (examples/vendor_channel, examples/vendor_task_client) against that prefix only, build it,
# and run its CTest (the conformance suites on the example, through
# lockstep_add_conformance_test, one test per suite). With README given (the vendor_channel
# test), then the README's CMake snippet, taken from README.md as written, on the example's C
# file; and every option of lockstep_add_conformance_test on the imported
# lockstep::reference_plugin, checked in CTest's own description of the tests
# (--show-only=json-v1) and run. Any step failing fails the test with that step's output.
# Invariant: starts from an empty work directory every time, so it proves the package works
# from a clean state, not from leftovers.
#
# Inputs (-D): LOCKSTEP_BUILD_DIR, EXAMPLE_SOURCE_DIR, WORK_DIR, GENERATOR, CTEST_COMMAND,
# SANITIZE (ON when lockstep itself is an AddressSanitizer build; passed to the example as
# <EXAMPLE NAME>_SANITIZE, e.g. VENDOR_CHANNEL_SANITIZE); README (optional).
foreach(input LOCKSTEP_BUILD_DIR EXAMPLE_SOURCE_DIR WORK_DIR GENERATOR CTEST_COMMAND)
  if(NOT DEFINED ${input})
    message(FATAL_ERROR "out_of_tree_example.cmake: -D${input}=... is required")
  endif()
endforeach()

# Runs a step; its output is left in `step_output` for checks after it.
function(run_step description)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${description} failed (${result}):\n${output}")
  endif()
  message(STATUS "${description}: ok")
  set(step_output "${output}" PARENT_SCOPE)
endfunction()

function(expect_in text expected description)
  string(FIND "${text}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${description}: '${expected}' not found in:\n${text}")
  endif()
endfunction()

get_filename_component(example_name "${EXAMPLE_SOURCE_DIR}" NAME)
string(TOUPPER "${example_name}_SANITIZE" sanitize_variable)
set(prefix "${WORK_DIR}/prefix")
set(example_build "${WORK_DIR}/${example_name}-build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

run_step("install lockstep into ${prefix}"
  "${CMAKE_COMMAND}" --install "${LOCKSTEP_BUILD_DIR}" --prefix "${prefix}")
foreach(installed include/lockstep/implementation.h include/lockstep/patterns.h bin/lockstep
    lib/cmake/lockstep/lockstepConfig.cmake lib/cmake/lockstep/lockstepConfigVersion.cmake
    lib/pkgconfig/lockstep.pc)
  if(NOT EXISTS "${prefix}/${installed}")
    message(FATAL_ERROR "the install is missing ${installed}")
  endif()
endforeach()
file(GLOB reference_plugin "${prefix}/lib/lockstep/*lockstep_reference_plugin*")
if(NOT reference_plugin)
  message(FATAL_ERROR "the install is missing the reference plugin in lib/lockstep/")
endif()

set(sanitize OFF)
if(SANITIZE)
  set(sanitize ON)
endif()
run_step("configure examples/${example_name} against the install"
  "${CMAKE_COMMAND}" -S "${EXAMPLE_SOURCE_DIR}" -B "${example_build}" -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${prefix}" "-D${sanitize_variable}=${sanitize}")
run_step("build examples/${example_name}" "${CMAKE_COMMAND}" --build "${example_build}")
run_step("run the example's conformance test"
  "${CTEST_COMMAND}" --test-dir "${example_build}" --output-on-failure)

expect_in("${step_output}" "lockstep.${example_name}." "the example's conformance tests ran")
if(NOT DEFINED README)
  return()
endif()

# The README's snippet, as written: the first ```cmake block after the marker line.
file(READ "${README}" readme)
string(FIND "${readme}" "<!-- cmake snippet: tested by cmake/tests/out_of_tree_example.cmake -->"
  marker)
if(marker EQUAL -1)
  message(FATAL_ERROR "README.md has lost the marker of its CMake snippet")
endif()
string(SUBSTRING "${readme}" ${marker} -1 after_marker)
string(FIND "${after_marker}" "```cmake\n" block_start)
string(FIND "${after_marker}" "\n```\n" block_end)
if(block_start EQUAL -1 OR block_end LESS block_start)
  message(FATAL_ERROR "no ```cmake block after the README's snippet marker")
endif()
math(EXPR block_start "${block_start} + 9")
math(EXPR block_length "${block_end} - ${block_start} + 1")
string(SUBSTRING "${after_marker}" ${block_start} ${block_length} snippet)
set(snippet_source "${WORK_DIR}/readme-snippet")
set(snippet_build "${WORK_DIR}/readme-snippet-build")
file(WRITE "${snippet_source}/CMakeLists.txt" "${snippet}")
file(COPY_FILE "${EXAMPLE_SOURCE_DIR}/vendor_channel.c" "${snippet_source}/my_impl.c")
run_step("configure the README's snippet against the install"
  "${CMAKE_COMMAND}" -S "${snippet_source}" -B "${snippet_build}" -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${prefix}")
run_step("build the README's snippet" "${CMAKE_COMMAND}" --build "${snippet_build}")
run_step("run the README's snippet's tests"
  "${CTEST_COMMAND}" --test-dir "${snippet_build}" --output-on-failure)
expect_in("${step_output}" "lockstep.my_impl.channel ...." "the snippet's channel test")
expect_in("${step_output}" "lockstep.my_impl.service (Skipped)"
  "a suite the channel-only implementation does not apply to")

# Every option, on the imported reference plugin.
set(options_source "${WORK_DIR}/options")
set(options_build "${WORK_DIR}/options-build")
file(WRITE "${options_source}/CMakeLists.txt" [=[
cmake_minimum_required(VERSION 3.25)
project(options LANGUAGES C)
find_package(lockstep CONFIG REQUIRED)
enable_testing()
lockstep_add_conformance_test(TARGET lockstep::reference_plugin RUNS 12 SEED 7 STRATEGY pct:2
  JOBS 2 SHRINK_RUNS 0 TIMEOUT 120 LABELS reference baseline SUITES service async-execute
  ARGS --max-failures 1)
lockstep_add_conformance_test(TARGET lockstep::reference_plugin TIME 1 SUITES echo)
]=])
run_step("configure every option on lockstep::reference_plugin"
  "${CMAKE_COMMAND}" -S "${options_source}" -B "${options_build}" -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${prefix}")
run_step("list the options' tests" "${CTEST_COMMAND}" --test-dir "${options_build}"
  --show-only=json-v1)
set(tests_json "${step_output}")
string(JSON count LENGTH "${tests_json}" tests)
if(NOT count EQUAL 3)
  message(FATAL_ERROR "expected 3 tests (service, async-execute, echo), got ${count}")
endif()
string(JSON name GET "${tests_json}" tests 0 name)
if(NOT name STREQUAL "lockstep.lockstep_reference_plugin.service")
  message(FATAL_ERROR "unexpected test name '${name}'")
endif()
string(JSON command GET "${tests_json}" tests 0 command)
foreach(expected "\"--suite\",\"service\"" "\"--runs\",\"12\"" "\"--seed\",\"7\""
    "\"--strategy\",\"pct:2\"" "\"--jobs\",\"2\"" "\"--shrink-runs\",\"0\""
    "\"--max-failures\",\"1\"" "liblockstep_reference_plugin")
  string(REGEX REPLACE "[ \n]" "" compact "${command}")
  expect_in("${compact}" "${expected}" "the service test's command")
endforeach()
string(JSON properties GET "${tests_json}" tests 0 properties)
foreach(expected "\"LABELS\"" "\"reference\"" "\"baseline\"" "\"TIMEOUT\"" "120"
    "ATTACHED_FILES_ON_FAIL" "junit.xml" "index.html" "no selected suite applies")
  expect_in("${properties}" "${expected}" "the service test's properties")
endforeach()
string(JSON echo_command GET "${tests_json}" tests 2 command)
expect_in("${echo_command}" "--time" "TIME instead of RUNS")
run_step("run the options' tests" "${CTEST_COMMAND}" --test-dir "${options_build}"
  --output-on-failure)
expect_in("${step_output}" "lockstep.lockstep_reference_plugin.echo (Skipped)"
  "a suite that does not apply is skipped, not passed")
