# layer_check.cmake: the include rule of the layers (cmake/layers.cmake).
# A file of a layer may `#include "folder/..."` only for a folder of the
# layer itself or of a layer declared below it, and "mmpath.h" (the public
# header, implemented by src/lib) only if the lib layer is below it or is
# it. Includes without a folder (a header of the same folder, a generated
# one such as mmpath_version.h) and <system> includes are not checked.
#
# Two uses:
#   include(layer_check.cmake) and
#     mm_layer_check_files(<layer> ALLOWED <folder>... FILES <file>...
#                          [PUBLIC_HEADER] [ROOT <dir shown relative to>])
#   cmake -DMM_LAYER_CHECK_LIST=<file> -P layer_check.cmake
#     at build time: the file (written by mm_layer) sets MM_LAYER,
#     MM_ALLOWED, MM_FILES, MM_PUBLIC, MM_ROOT and MM_STAMP, touched on success.
# Either way a forbidden include stops with FATAL_ERROR naming the file,
# the line and the include: a cycle between layers cannot be built.
if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.25) # IN_LIST, file(CONFIGURE)
endif()

function(mm_layer_check_files layer)
  cmake_parse_arguments(C "PUBLIC_HEADER" "ROOT" "ALLOWED;FILES" ${ARGN})
  set(bad "")
  foreach(f IN LISTS C_FILES)
    file(READ "${f}" text)
    # one match per #include "..." at the start of a line
    string(REGEX MATCHALL "(^|\n)[ \t]*#[ \t]*include[ \t]*\"[^\"\n]*\"" incs "${text}")
    foreach(m IN LISTS incs)
      string(REGEX REPLACE "^.*\"([^\"]*)\"$" "\\1" inc "${m}")
      set(why "")
      if(inc STREQUAL "mmpath.h")
        if(NOT C_PUBLIC_HEADER)
          set(why "the public header is for src/lib and the layers above it")
        endif()
      elseif(inc MATCHES "/")
        string(REGEX REPLACE "/.*$" "" folder "${inc}")
        if(NOT folder IN_LIST C_ALLOWED)
          set(why "'${folder}' is not ${layer} nor a layer declared below it")
        endif()
      endif()
      if(why)
        # the line number, only now that it is needed
        string(REGEX REPLACE "^\n" "" m1 "${m}")
        string(FIND "${text}" "${m1}" at)
        string(SUBSTRING "${text}" 0 ${at} before)
        string(REGEX MATCHALL "\n" nl "${before}")
        list(LENGTH nl line)
        math(EXPR line "${line} + 1")
        set(shown "${f}")
        if(C_ROOT)
          file(RELATIVE_PATH shown "${C_ROOT}" "${f}")
        endif()
        string(APPEND bad "\n  ${shown}:${line}: #include \"${inc}\": ${why}")
      endif()
    endforeach()
  endforeach()
  if(bad)
    list(JOIN C_ALLOWED " " allowed)
    if(C_PUBLIC_HEADER)
      string(APPEND allowed " (and mmpath.h)")
    endif()
    message(FATAL_ERROR "layer ${layer}: forbidden include${bad}\n"
      "Layer ${layer} may include the folders: ${allowed}. Move the code to "
      "the right layer, or declare the dependency in mm_layer(${layer} DEPS ...) "
      "if that layer is really below.")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE AND MM_LAYER_CHECK_LIST)
  include(${MM_LAYER_CHECK_LIST})
  set(pub "")
  if(MM_PUBLIC)
    set(pub PUBLIC_HEADER)
  endif()
  mm_layer_check_files(${MM_LAYER} ALLOWED ${MM_ALLOWED} FILES ${MM_FILES} ROOT ${MM_ROOT} ${pub})
  file(TOUCH ${MM_STAMP})
endif()
