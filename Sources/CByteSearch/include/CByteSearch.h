#ifndef DROPSCOPE_CBYTESEARCH_H
#define DROPSCOPE_CBYTESEARCH_H
#include <stddef.h>

/// glibc's vectorised memmem, which Swift's Glibc module does not export.
const void *dropscope_memmem(const void *haystack, size_t haystack_length,
                             const void *needle, size_t needle_length);

#include <stdint.h>

/// CRC-32 of gzip (as zlib's `crc32`), folded with PCLMULQDQ where the CPU has it: several times zlib's speed.
uint32_t dropscope_crc32(uint32_t crc, const void *data, size_t length);

/// The offsets, from `start` on, of the bytes where the redactor's needles may stand: `k`, `z`, `j` in either case;
/// `w` or `W` after `s` or `S`; `_` after `t` or `T`; `@`. Writes at most `capacity` offsets.
/// Returns the number written; `*next` is where to go on from (`count` once the bytes are all scanned).
size_t dropscope_secret_anchors(const uint8_t *bytes, size_t count, size_t start,
                                size_t *offsets, size_t capacity, size_t *next);

#endif
