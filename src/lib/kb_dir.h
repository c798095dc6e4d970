/* kb_dir.h: where an installed mmpath finds its knowledge base.
 *
 * `cmake --install` puts the kb under DATADIR/mmpath/kb. The compiled-in
 * MMPATH_KB_INSTALLED names it for the configured prefix; a tree installed
 * elsewhere (`cmake --install --prefix P`, a DESTDIR copied as a whole) is
 * found relative to the binary or shared library that holds this code
 * (MMPATH_KB_FROM_BINDIR / MMPATH_KB_FROM_LIBDIR, set by CMake), so an
 * installed tree is relocatable. */
#ifndef MM_LIB_KB_DIR_H
#define MM_LIB_KB_DIR_H

#include <stddef.h>

/* Writes into buf (cap bytes) the kb directory installed next to the
 * executable or libmmpath.so running this code, when one holds a
 * manifest.yaml. Returns 0 when found, -1 otherwise (buf is then ""). */
int mm_lib_kb_relocated(char *buf, size_t cap);

/* The directory mmpath_kb_open(NULL) opens: $MMPATH_KB when set and not
 * empty, else the relocated one (above), else MMPATH_KB_INSTALLED. Always
 * writes a path into buf (truncated to cap). */
void mm_lib_kb_default(char *buf, size_t cap);

#endif
