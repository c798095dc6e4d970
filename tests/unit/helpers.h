/* helpers.h: shared by the cmocka tests. */
#ifndef MM_TEST_HELPERS_H
#define MM_TEST_HELPERS_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Path of a file under tests/data (MMPATH_TESTDATA), in a static buffer. */
const char *test_data_path(const char *name);
/* The knowledge base directory (MMPATH_KB). */
const char *test_kb_dir(void);

struct mm_kb;
/* Loads the knowledge base of test_kb_dir() into *out, printing its
 * problems; 0 or -1, for a cmocka group setup. */
int test_kb_load(struct mm_kb **out);

#endif
