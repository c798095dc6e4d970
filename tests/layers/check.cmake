# check.cmake: proves that the layer check (cmake/layers.cmake,
# cmake/layer_check.cmake) passes a clean tree and fails, naming file, line
# and include, on an upward include, on a dependency cycle and on mmpath.h
# below src/lib; at configure time and in the build-time script mode.
#   cmake -DLAYERS=cmake/layers.cmake -DFIXTURE=tests/layers/fixture
#         -DWORK=<scratch dir> -DGEN=<generator> -P check.cmake
cmake_minimum_required(VERSION 3.25)
foreach(v LAYERS FIXTURE WORK GEN)
  if(NOT ${v})
    message(FATAL_ERROR "check.cmake: -D${v}= is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
set(failures "")

# expect(<case> OK|FAIL <regex>): configures the fixture with CASE=<case>
function(expect case want regex)
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${FIXTURE} -B ${WORK}/build -G ${GEN}
                          -DCASE=${case} -DLAYERS=${LAYERS}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(all "${out}${err}")
  if(want STREQUAL "OK" AND NOT rc EQUAL 0)
    set(problem "configure failed:\n${all}")
  elseif(want STREQUAL "FAIL" AND rc EQUAL 0)
    set(problem "configure passed, it must fail")
  elseif(NOT all MATCHES "${regex}")
    set(problem "output does not match '${regex}':\n${all}")
  endif()
  if(problem)
    set(failures "${failures}\n[${case}] ${problem}" PARENT_SCOPE)
  else()
    message(STATUS "ok: ${case}")
  endif()
endfunction()

expect(ok OK "Generating done")
expect(upward FAIL
  "layer up: forbidden include[ \n]+src/up/up.c:4: #include \"high/high.h\": 'high' is not up nor a layer declared below it")
expect(cycle FAIL "mm_layer\\(low DEPS high\\): 'high' is not a layer declared before low")
expect(public FAIL
  "src/pub/pub.c:2: #include \"mmpath.h\": the public header is for src/lib and the layers above it")

# the build-time form: the list file mm_layer writes, pointed at up.c
set(list ${WORK}/up.cmake)
file(WRITE ${list} "set(MM_LAYER up)\nset(MM_ALLOWED \"up;low\")\n"
  "set(MM_FILES \"${FIXTURE}/src/up/up.c\")\nset(MM_PUBLIC FALSE)\n"
  "set(MM_ROOT \"${FIXTURE}\")\nset(MM_STAMP \"${WORK}/up.checked\")\n")
get_filename_component(script_dir ${LAYERS} DIRECTORY)
execute_process(COMMAND ${CMAKE_COMMAND} -DMM_LAYER_CHECK_LIST=${list}
                        -P ${script_dir}/layer_check.cmake
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0 OR EXISTS ${WORK}/up.checked
   OR NOT "${out}${err}" MATCHES "src/up/up.c:4: #include \"high/high.h\"")
  string(APPEND failures "\n[build time] rc=${rc}:\n${out}${err}")
else()
  message(STATUS "ok: build-time check")
endif()

if(failures)
  message(FATAL_ERROR "layer check test failed:${failures}")
endif()
