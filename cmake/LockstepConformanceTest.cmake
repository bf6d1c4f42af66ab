# LockstepConformanceTest.cmake: lockstep_add_conformance_test, the one line a vendor's CMake
# build needs to run lockstep's conformance suites on its implementation under CTest.
#
#   lockstep_add_conformance_test(TARGET my_impl [RUNS N] [SEED S] [SUITES suite...])
#
# adds the CTest test `lockstep_conformance_<target>` running
#   lockstep run --impl $<TARGET_FILE:my_impl> --runs N --seed S [--suite ...]
#                --report <current binary dir>/lockstep-report-<target>
# lockstep exits 0 when every rule holds (the test passes), 1 on a violation and 2 on bad input
# (the test fails). The report directory holds report.json and, per failure, a .replay file
# for `lockstep replay` / `lockstep shrink`. Invariant: the target is a SHARED or MODULE library,
# since lockstep loads it with dlopen and looks up `lockstep_get_implementation`.
include_guard(GLOBAL)

function(lockstep_add_conformance_test)
  cmake_parse_arguments(PARSE_ARGV 0 conformance "" "TARGET;RUNS;SEED" "SUITES")
  if(conformance_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "lockstep_add_conformance_test: unexpected arguments: ${conformance_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT conformance_TARGET)
    message(FATAL_ERROR "lockstep_add_conformance_test: TARGET is required")
  endif()
  if(NOT TARGET ${conformance_TARGET})
    message(FATAL_ERROR
      "lockstep_add_conformance_test: '${conformance_TARGET}' is not a target")
  endif()
  get_target_property(target_type ${conformance_TARGET} TYPE)
  if(NOT target_type STREQUAL "SHARED_LIBRARY" AND NOT target_type STREQUAL "MODULE_LIBRARY")
    message(FATAL_ERROR
      "lockstep_add_conformance_test: '${conformance_TARGET}' is a ${target_type}; lockstep "
      "loads implementations at run time, so it must be a SHARED or MODULE library")
  endif()
  if(NOT TARGET lockstep::lockstep)
    message(FATAL_ERROR
      "lockstep_add_conformance_test: lockstep::lockstep is missing: call "
      "find_package(lockstep CONFIG REQUIRED) first")
  endif()
  set(runs 200)
  if(DEFINED conformance_RUNS)
    set(runs ${conformance_RUNS})
  endif()
  set(seed 1)
  if(DEFINED conformance_SEED)
    set(seed ${conformance_SEED})
  endif()
  set(command "$<TARGET_FILE:lockstep::lockstep>" run
    --impl "$<TARGET_FILE:${conformance_TARGET}>" --runs ${runs} --seed ${seed})
  foreach(suite IN LISTS conformance_SUITES)
    list(APPEND command --suite ${suite})
  endforeach()
  list(APPEND command --report "${CMAKE_CURRENT_BINARY_DIR}/lockstep-report-${conformance_TARGET}")
  add_test(NAME lockstep_conformance_${conformance_TARGET} COMMAND ${command})
endfunction()
