# install.cmake: what `cmake --install` puts where (GNUInstallDirs), as a
# Debian package would: the CLI, libmmpath.so.MAJOR and libmmpath.a, the
# public header, mmpath.pc, the knowledge base and the demo patients under
# share/mmpath, the man pages, the systemd unit, its user and an example
# configuration file. Every installed artefact states the license
# (Apache-2.0, LICENSE). The files' sources are in dist/.
set(MM_DIST ${CMAKE_SOURCE_DIR}/dist)
set(MM_DIST_OUT ${CMAKE_BINARY_DIR}/dist)
set(MMPATH_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING
  "where mmpath.service goes, relative to the prefix")
set(MMPATH_SYSUSERS_DIR lib/sysusers.d CACHE STRING
  "where the sysusers.d file creating the user mmpath goes, relative to the prefix")

# pkg-config: the libraries libmmpath.a needs come in Requires.private
# and Libs.private (pkg-config --static); libmicrohttpd only when linked.
set(MM_PC_REQUIRES_PRIVATE "yaml-0.1 sqlite3")
if(MHD_FOUND)
  string(APPEND MM_PC_REQUIRES_PRIVATE " libmicrohttpd libcrypto")
endif()
if(PQ_FOUND)
  string(APPEND MM_PC_REQUIRES_PRIVATE " libpq")
endif()
foreach(f mmpath.pc mmpath.service mmpath.conf mmpath.1 mmpath.3)
  configure_file(${MM_DIST}/${f}.in ${MM_DIST_OUT}/${f} @ONLY)
endforeach()

install(TARGETS mmpath RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS mmpath_shared
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development)
install(TARGETS mmpath_lib ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  COMPONENT Development)
install(FILES ${CMAKE_SOURCE_DIR}/include/mmpath.h ${MM_GENERATED_DIR}/mmpath_version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT Development)
install(FILES ${MM_DIST_OUT}/mmpath.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT Development)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/kb/ DESTINATION ${MM_KB_INSTALL_DIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/demo/patients/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/mmpath/demo/patients)
install(FILES ${MM_DIST_OUT}/mmpath.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${MM_DIST_OUT}/mmpath.3 DESTINATION ${CMAKE_INSTALL_MANDIR}/man3)
install(FILES ${MM_DIST_OUT}/mmpath.service DESTINATION ${MMPATH_SYSTEMD_UNIT_DIR})
install(FILES ${MM_DIST}/mmpath.sysusers DESTINATION ${MMPATH_SYSUSERS_DIR}
  RENAME mmpath.conf)
install(FILES ${MM_DIST_OUT}/mmpath.conf DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${MM_DIST_OUT}/mmpath.conf DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/mmpath)
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE ${CMAKE_SOURCE_DIR}/README.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
