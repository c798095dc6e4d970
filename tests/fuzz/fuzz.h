/* fuzz.h: what the fuzz targets share. Each tests/fuzz/<target>.c defines
 * LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize when it needs the
 * knowledge base); it is linked either with libFuzzer (clang,
 * -fsanitize=fuzzer) or with replay.c, which runs it on every file of a
 * corpus (gcc, the normal and ASan builds). A property that does not hold
 * calls fuzz_fail(), which aborts: both drivers report an abort as a crash. */
#ifndef MM_FUZZ_H
#define MM_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kb/kb.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The knowledge base of $MMPATH_KB, else the source tree's kb/, loaded once
 * (exits when it cannot be: a fuzz run without it would test nothing). The
 * targets only read it, as the server's threads do. */
const mm_kb *fuzz_kb(void);

/* Prints why and aborts (a finding). */
_Noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
