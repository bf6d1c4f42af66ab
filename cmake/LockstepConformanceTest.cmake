# LockstepConformanceTest.cmake: lockstep_add_conformance_test, the one line a vendor's CMake
# build needs to run lockstep's conformance suites on its implementation under CTest.
#
#   lockstep_add_conformance_test(TARGET my_impl
#     [RUNS N | TIME SECONDS]      schedules per suite (default 200), or a wall-clock budget
#     [SEED S] [STRATEGY random|pct|pct:DEPTH] [JOBS J] [SHRINK_RUNS N]
#     [SUITES suite...]            default: every suite lockstep has (one test each)
#     [TIMEOUT SECONDS] [LABELS label...]
#     [ARGS extra lockstep run arguments...])
#
# adds one CTest test per suite, named `lockstep.<target>.<suite>`, each running
#   lockstep run --impl $<TARGET_FILE:my_impl> --suite <suite> --runs N --seed S ...
#                --report <current binary dir>/lockstep-report/<target>/<suite>
# A test passes when lockstep exits 0 (every rule held), fails on 1 (a violation) or 2 (bad
# input), and is reported as skipped when the implementation does not provide the part the suite
# exercises (lockstep prints "no selected suite applies"). Each test carries the label
# "lockstep" plus LABELS, and, for CDash, its report's junit.xml and index.html as
# ATTACHED_FILES_ON_FAIL. The report directory holds report.json and, per failure, a .replay file
# for `lockstep replay` / `lockstep shrink`.
#
# CTest registers tests only where testing is enabled: call enable_testing() (or include(CTest))
# in the top-level CMakeLists.txt. Invariant: the target is a SHARED or MODULE library (or an imported one, such as
# lockstep::reference_plugin), since lockstep loads it with dlopen and looks up
# `lockstep_get_implementation`.
include_guard(GLOBAL)

# The suites the installed lockstep has, asked of lockstep itself at configure time (CMake 3.19's
# string(JSON)), so this file never goes stale when suites are added.
function(_lockstep_suites out)
  get_target_property(command lockstep::lockstep LOCATION)
  execute_process(COMMAND "${command}" list --format json OUTPUT_VARIABLE listing
    RESULT_VARIABLE result ERROR_VARIABLE errors)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "lockstep_add_conformance_test: `${command} list --format json` failed "
      "(${result}): ${errors}")
  endif()
  string(JSON count LENGTH "${listing}" suites)
  set(suites "")
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(index RANGE ${last})
      string(JSON name GET "${listing}" suites ${index} name)
      list(APPEND suites "${name}")
    endforeach()
  endif()
  set(${out} "${suites}" PARENT_SCOPE)
endfunction()

function(lockstep_add_conformance_test)
  cmake_parse_arguments(PARSE_ARGV 0 conformance ""
    "TARGET;RUNS;TIME;SEED;STRATEGY;JOBS;SHRINK_RUNS;TIMEOUT" "SUITES;LABELS;ARGS")
  if(CMAKE_VERSION VERSION_LESS 3.19)
    message(FATAL_ERROR "lockstep_add_conformance_test needs CMake 3.19 or newer")
  endif()
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
  if(DEFINED conformance_RUNS AND DEFINED conformance_TIME)
    message(FATAL_ERROR "lockstep_add_conformance_test: give RUNS or TIME, not both")
  endif()

  set(budget --runs 200)
  if(DEFINED conformance_RUNS)
    set(budget --runs ${conformance_RUNS})
  elseif(DEFINED conformance_TIME)
    set(budget --time ${conformance_TIME})
  endif()
  set(seed 1)
  if(DEFINED conformance_SEED)
    set(seed ${conformance_SEED})
  endif()
  set(options ${budget} --seed ${seed})
  if(DEFINED conformance_STRATEGY)
    list(APPEND options --strategy ${conformance_STRATEGY})
  endif()
  if(DEFINED conformance_JOBS)
    list(APPEND options --jobs ${conformance_JOBS})
  endif()
  if(DEFINED conformance_SHRINK_RUNS)
    list(APPEND options --shrink-runs ${conformance_SHRINK_RUNS})
  endif()
  set(suites ${conformance_SUITES})
  if(NOT suites)
    _lockstep_suites(suites)
  endif()

  # Test and directory names: a target such as lockstep::reference_plugin, made safe.
  string(REGEX REPLACE "[^A-Za-z0-9_.-]+" "_" safe_target "${conformance_TARGET}")
  foreach(suite IN LISTS suites)
    set(report "${CMAKE_CURRENT_BINARY_DIR}/lockstep-report/${safe_target}/${suite}")
    set(name "lockstep.${safe_target}.${suite}")
    add_test(NAME ${name}
      COMMAND "$<TARGET_FILE:lockstep::lockstep>" run
        --impl "$<TARGET_FILE:${conformance_TARGET}>" --suite ${suite} ${options}
        --report "${report}" ${conformance_ARGS})
    set(labels lockstep ${conformance_LABELS})
    set_tests_properties(${name} PROPERTIES
      LABELS "${labels}"
      SKIP_REGULAR_EXPRESSION "no selected suite applies"
      ATTACHED_FILES_ON_FAIL "${report}/junit.xml;${report}/index.html")
    if(DEFINED conformance_TIMEOUT)
      set_tests_properties(${name} PROPERTIES TIMEOUT ${conformance_TIMEOUT})
    endif()
  endforeach()
endfunction()
