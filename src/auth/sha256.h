/* sha256.h: SHA-256 (FIPS 180-4), for storing API tokens hashed. Small and
 * self-contained so the server needs no crypto library. */
#ifndef MM_SHA256_H
#define MM_SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct mm_sha256 {
  uint32_t h[8];
  uint64_t len;        /* bytes hashed so far */
  unsigned char buf[64];
  size_t n;            /* bytes in buf */
} mm_sha256;

void mm_sha256_init(mm_sha256 *c);
void mm_sha256_update(mm_sha256 *c, const void *data, size_t len);
void mm_sha256_final(mm_sha256 *c, unsigned char out[32]);
/* One call: lowercase hex digest (64 characters and a NUL). */
void mm_sha256_hex(char out[65], const void *data, size_t len);

#endif
