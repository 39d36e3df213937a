#include "CByteSearch.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Whether the byte at `i` is an anchor, `prev` the byte before it (0 for the first byte).
static inline int is_anchor(uint8_t byte, uint8_t prev) {
  uint8_t folded = byte | 0x20, before = prev | 0x20;
  return folded == 'k' || folded == 'z' || folded == 'j' || (folded == 'w' && before == 's')
    || (byte == '_' && before == 't') || byte == '@';
}

size_t dropscope_secret_anchors(const uint8_t *bytes, size_t count, size_t start,
                                size_t *offsets, size_t capacity, size_t *next) {
  size_t found = 0, i = start;
  // Sixteen bytes at a time, each compared with the anchors in one instruction per anchor; the byte before each
  // comes from a load one byte earlier, so the first byte is taken alone.
  if (i == 0 && count > 0) {
    if (is_anchor(bytes[0], 0)) offsets[found++] = 0;
    i = 1;
  }
#if defined(__SSE2__)
  const __m128i fold = _mm_set1_epi8(0x20);
  const __m128i k = _mm_set1_epi8('k'), z = _mm_set1_epi8('z'), j = _mm_set1_epi8('j'), w = _mm_set1_epi8('w');
  const __m128i s = _mm_set1_epi8('s'), t = _mm_set1_epi8('t'), u = _mm_set1_epi8('_'), at = _mm_set1_epi8('@');
  while (i + 16 <= count && found + 16 <= capacity) {
    __m128i v = _mm_loadu_si128((const __m128i *)(bytes + i));
    __m128i before = _mm_or_si128(_mm_loadu_si128((const __m128i *)(bytes + i - 1)), fold);
    __m128i folded = _mm_or_si128(v, fold);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(folded, k), _mm_cmpeq_epi8(folded, z)),
                               _mm_or_si128(_mm_cmpeq_epi8(folded, j), _mm_cmpeq_epi8(v, at)));
    hit = _mm_or_si128(hit, _mm_and_si128(_mm_cmpeq_epi8(folded, w), _mm_cmpeq_epi8(before, s)));
    hit = _mm_or_si128(hit, _mm_and_si128(_mm_cmpeq_epi8(v, u), _mm_cmpeq_epi8(before, t)));
    unsigned mask = (unsigned)_mm_movemask_epi8(hit);
    while (mask) {
      offsets[found++] = i + (size_t)__builtin_ctz(mask);
      mask &= mask - 1;
    }
    i += 16;
  }
#endif
  while (i < count && found < capacity) {
    if (is_anchor(bytes[i], bytes[i - 1])) offsets[found++] = i;
    i += 1;
  }
  *next = i;
  return found;
}
