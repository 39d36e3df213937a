#ifndef DROPSCOPE_CBYTESEARCH_H
#define DROPSCOPE_CBYTESEARCH_H
#include <stddef.h>

/// glibc's vectorised memmem, which Swift's Glibc module does not export.
const void *dropscope_memmem(const void *haystack, size_t haystack_length,
                             const void *needle, size_t needle_length);

#endif
