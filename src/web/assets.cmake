# assets.cmake: embeds the web page (src/web/www/*) into the web layer
# (mm_web, hence libmmpath) as C arrays at build time, so `mmpath serve`
# needs no files beside the binary. Included by the top-level
# CMakeLists.txt after mm_layer(web); embed_assets.cmake does the work.
# Each generated file includes web/assets.h, whose mm_asset it fills.
if(TARGET mm_web)
  file(GLOB MM_WWW_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/www/*)
  file(GLOB MM_DEMO_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/server/demo/*)
  set(MM_ASSETS_C ${CMAKE_BINARY_DIR}/generated/server_assets.c)
  set(MM_DEMO_C ${CMAKE_BINARY_DIR}/generated/server_demo.c)
  add_custom_command(OUTPUT ${MM_ASSETS_C}
    COMMAND ${CMAKE_COMMAND} -DOUT=${MM_ASSETS_C} -DDIR=${CMAKE_CURRENT_LIST_DIR}/www
            -DTABLE=mm_assets -P ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
    DEPENDS ${MM_WWW_FILES} ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
    COMMENT "Embedding the web page (src/web/www)"
    VERBATIM)
  # The demo data loaded into a new database (not served as a page).
  add_custom_command(OUTPUT ${MM_DEMO_C}
    COMMAND ${CMAKE_COMMAND} -DOUT=${MM_DEMO_C} -DDIR=${CMAKE_SOURCE_DIR}/src/server/demo
            -DTABLE=mm_demo_files -P ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
    DEPENDS ${MM_DEMO_FILES} ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
    COMMENT "Embedding the demo data (src/server/demo)"
    VERBATIM)
  # The demo patients of the source tree (demo/patients), offered by the
  # page's example list; none is fine.
  file(GLOB MM_EXAMPLE_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/demo/patients/*.json)
  set(MM_EXAMPLES_C ${CMAKE_BINARY_DIR}/generated/server_examples.c)
  add_custom_command(OUTPUT ${MM_EXAMPLES_C}
    COMMAND ${CMAKE_COMMAND} -DOUT=${MM_EXAMPLES_C} -DDIR=${CMAKE_SOURCE_DIR}/demo/patients
            -DTABLE=mm_example_patients_table -P ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
    DEPENDS ${MM_EXAMPLE_FILES} ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
    COMMENT "Embedding the demo patients (demo/patients)"
    VERBATIM)
  target_sources(mm_web PRIVATE ${MM_ASSETS_C} ${MM_DEMO_C} ${MM_EXAMPLES_C})
endif()
