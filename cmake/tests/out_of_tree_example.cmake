# out_of_tree_example.cmake: what a vendor does with the released package, as one CTest test
# (run with `cmake -P`): install this build into a fresh prefix, configure an example
# (examples/vendor_channel, examples/vendor_task_client) against that prefix only, build it,
# and run its CTest (the conformance suites on the example, through
# lockstep_add_conformance_test). Any step failing fails the
# test with that step's output. Invariant: starts from an empty work directory every time, so
# it proves the package works from a clean state, not from leftovers.
#
# Inputs (-D): LOCKSTEP_BUILD_DIR, EXAMPLE_SOURCE_DIR, WORK_DIR, GENERATOR, CTEST_COMMAND,
# SANITIZE (ON when lockstep itself is an AddressSanitizer build; passed to the example as
# <EXAMPLE NAME>_SANITIZE, e.g. VENDOR_CHANNEL_SANITIZE).
foreach(input LOCKSTEP_BUILD_DIR EXAMPLE_SOURCE_DIR WORK_DIR GENERATOR CTEST_COMMAND)
  if(NOT DEFINED ${input})
    message(FATAL_ERROR "out_of_tree_example.cmake: -D${input}=... is required")
  endif()
endforeach()

function(run_step description)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${description} failed (${result}):\n${output}")
  endif()
  message(STATUS "${description}: ok")
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
