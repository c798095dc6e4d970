# layers.cmake: each folder of src/ is a layer, built as its own OBJECT
# library mm_<name> that links only the layers declared below it.
#
#   mm_layer(<name> [DIRS <folder>...] [DEPS <layer>...] [SOURCES <file>...])
#
# compiles the .c files of ${MM_LAYER_ROOT}/<folder> (DIRS, default the
# layer's name) and SOURCES (generated files) into mm_<name>, and links it
# to mm_<dep> for each of DEPS. Layers are declared bottom up: DEPS may
# name only layers already declared, so a cycle cannot be written.
#
# It also checks (layer_check.cmake) that every #include "folder/..." of
# the layer's .c and .h files names one of its own folders or a folder of a
# layer below it (DEPS, transitively), and that "mmpath.h" is included
# only by ${MM_LAYER_PUBLIC_IMPL} (src/lib) and the layers above it: at
# configure time, and again at build time whenever one of its files
# changes. A forbidden include fails with the file, line and include.
#
# Variables read: MM_LAYER_ROOT (default ${CMAKE_SOURCE_DIR}/src),
# MM_LAYER_INCLUDE_DIRS (public include directories of every layer),
# MM_LAYER_PUBLIC_IMPL (default lib).
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/layer_check.cmake)
set(MM_LAYER_CHECK_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/layer_check.cmake)

function(mm_layer name)
  cmake_parse_arguments(L "" "" "DIRS;DEPS;SOURCES" ${ARGN})
  if(NOT MM_LAYER_ROOT)
    set(MM_LAYER_ROOT ${CMAKE_SOURCE_DIR}/src)
  endif()
  if(NOT DEFINED MM_LAYER_PUBLIC_IMPL)
    set(MM_LAYER_PUBLIC_IMPL lib)
  endif()
  if(NOT L_DIRS)
    set(L_DIRS ${name})
  endif()
  get_property(seen GLOBAL PROPERTY MM_LAYER_${name}_LAYERS SET)
  if(seen)
    message(FATAL_ERROR "mm_layer(${name}): declared twice")
  endif()

  # what it may include: its folders and those of every layer below it
  set(folders ${L_DIRS})
  set(below ${name})
  foreach(dep IN LISTS L_DEPS)
    get_property(known GLOBAL PROPERTY MM_LAYER_${dep}_LAYERS SET)
    if(NOT known)
      message(FATAL_ERROR "mm_layer(${name} DEPS ${dep}): '${dep}' is not a layer "
        "declared before ${name}. Layers are declared bottom up, each naming "
        "only layers below it, so that no cycle can be declared.")
    endif()
    get_property(f GLOBAL PROPERTY MM_LAYER_${dep}_FOLDERS)
    get_property(l GLOBAL PROPERTY MM_LAYER_${dep}_LAYERS)
    list(APPEND folders ${f})
    list(APPEND below ${l})
  endforeach()
  list(REMOVE_DUPLICATES folders)
  list(REMOVE_DUPLICATES below)
  set_property(GLOBAL PROPERTY MM_LAYER_${name}_FOLDERS ${folders})
  set_property(GLOBAL PROPERTY MM_LAYER_${name}_LAYERS ${below})
  set_property(GLOBAL APPEND PROPERTY MM_LAYERS ${name})
  set(public FALSE)
  if(MM_LAYER_PUBLIC_IMPL IN_LIST below)
    set(public TRUE)
  endif()

  set(sources "")
  set(checked "")
  foreach(d IN LISTS L_DIRS)
    file(GLOB c CONFIGURE_DEPENDS ${MM_LAYER_ROOT}/${d}/*.c)
    file(GLOB h CONFIGURE_DEPENDS ${MM_LAYER_ROOT}/${d}/*.h)
    list(APPEND sources ${c})
    list(APPEND checked ${c} ${h})
  endforeach()
  list(SORT sources)
  list(SORT checked)
  set(pub "")
  if(public)
    set(pub PUBLIC_HEADER)
  endif()
  mm_layer_check_files(${name} ALLOWED ${folders} FILES ${checked}
    ROOT ${CMAKE_SOURCE_DIR} ${pub})

  # the same check at build time, when a file of the layer changes (the
  # stamp is an order-only input of the layer's compilation)
  set(dir ${CMAKE_BINARY_DIR}/layers)
  set(list_file ${dir}/${name}.cmake)
  set(stamp ${dir}/${name}.checked)
  file(CONFIGURE OUTPUT ${list_file} CONTENT
"set(MM_LAYER ${name})
set(MM_ALLOWED \"${folders}\")
set(MM_FILES \"${checked}\")
set(MM_PUBLIC ${public})
set(MM_ROOT \"${CMAKE_SOURCE_DIR}\")
set(MM_STAMP \"${stamp}\")
" @ONLY)
  add_custom_command(OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DMM_LAYER_CHECK_LIST=${list_file} -P ${MM_LAYER_CHECK_SCRIPT}
    DEPENDS ${checked} ${list_file} ${MM_LAYER_CHECK_SCRIPT}
    COMMENT "Checking the includes of layer ${name}"
    VERBATIM)

  add_library(mm_${name} OBJECT ${sources} ${L_SOURCES} ${stamp})
  target_include_directories(mm_${name} PUBLIC ${MM_LAYER_INCLUDE_DIRS})
  foreach(dep IN LISTS L_DEPS)
    target_link_libraries(mm_${name} PUBLIC mm_${dep})
  endforeach()
endfunction()
