/* The floor of reading a gzipped log: inflate it and do nothing else (or, with --lines, also find its line ends).
 *
 *   cc -O2 -o inflate_floor Tools/benchmark/inflate_floor.c Sources/CByteSearch/CRC32.c \
 *      -ISources/CByteSearch/include -lz [-DWITH_ISAL -lisal]
 *   inflate_floor [--isal] [--lines] FILE.gz
 *
 * zlib inflates as dropscope does (GzipInflater): 15+16 window bits, zlib's own check turned off and each member's
 * CRC-32 computed with dropscope_crc32, in 256 KiB of output at a time from 256 KiB reads, one member after another.
 * --isal inflates with ISA-L's igzip instead (streaming, its own gzip header, trailer and CRC-32 checks), when built
 * with -DWITH_ISAL. Prints the decoded bytes (and lines), so that both can be checked to agree.
 * Used by benchmark.py as the floor of the log benchmark and for the ISA-L measurement; not part of dropscope. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "CByteSearch.h"

#ifdef WITH_ISAL
#include <isa-l/igzip_lib.h>
#endif

enum { CHUNK = 1 << 18 };

static unsigned char in[CHUNK], out[CHUNK];
static unsigned long long decoded, lines;
static int count_lines;

static void take(const unsigned char *bytes, size_t n) {
  decoded += n;
  if (!count_lines) return;
  const unsigned char *p = bytes, *end = bytes + n;
  while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
    lines++;
    p++;
  }
}

static int inflate_zlib(int fd) {
  z_stream s;
  memset(&s, 0, sizeof s);
  if (inflateInit2(&s, 15 + 16) != Z_OK) return 1;
  inflateValidate(&s, 0);
  uint32_t crc = 0;
  ssize_t got;
  while ((got = read(fd, in, CHUNK)) > 0) {
    s.next_in = in;
    s.avail_in = (uInt)got;
    while (s.avail_in > 0) {
      s.next_out = out;
      s.avail_out = CHUNK;
      int status = inflate(&s, Z_NO_FLUSH);
      size_t produced = CHUNK - s.avail_out;
      crc = dropscope_crc32(crc, out, produced);
      take(out, produced);
      if (status == Z_STREAM_END) {
        crc = 0;
        inflateReset(&s);
      } else if (status == Z_BUF_ERROR && s.avail_in == 0) {
        break;
      } else if (status != Z_OK && status != Z_BUF_ERROR) {
        fprintf(stderr, "zlib error %d\n", status);
        return 1;
      }
    }
  }
  inflateEnd(&s);
  return crc == 0xFFFFFFFFu;  /* keeps the checksum from being optimised away; never true in practice */
}

#ifdef WITH_ISAL
static int inflate_isal(int fd) {
  static struct inflate_state state;
  isal_inflate_init(&state);
  state.crc_flag = ISAL_GZIP;
  ssize_t got;
  while ((got = read(fd, in, CHUNK)) > 0) {
    state.next_in = in;
    state.avail_in = (uint32_t)got;
    while (state.avail_in > 0) {
      state.next_out = out;
      state.avail_out = CHUNK;
      int status = isal_inflate(&state);
      take(out, CHUNK - state.avail_out);
      if (status != ISAL_DECOMP_OK) {
        fprintf(stderr, "isal error %d\n", status);
        return 1;
      }
      if (state.block_state == ISAL_BLOCK_FINISH) {
        /* The next member, if any. */
        unsigned char *rest = state.next_in;
        uint32_t left = state.avail_in;
        isal_inflate_reset(&state);
        state.crc_flag = ISAL_GZIP;
        state.next_in = rest;
        state.avail_in = left;
      } else if (state.avail_out != 0 && state.avail_in == 0) {
        break;
      }
    }
  }
  /* Output still held in the window after the input ran out. */
  for (;;) {
    state.next_out = out;
    state.avail_out = CHUNK;
    if (isal_inflate(&state) != ISAL_DECOMP_OK) break;
    size_t produced = CHUNK - state.avail_out;
    if (produced == 0) break;
    take(out, produced);
  }
  return 0;
}
#endif

int main(int argc, char **argv) {
  int isal = 0;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--isal") == 0) isal = 1;
    else if (strcmp(argv[i], "--lines") == 0) count_lines = 1;
    else path = argv[i];
  }
  if (path == NULL) {
    fprintf(stderr, "usage: inflate_floor [--isal] [--lines] FILE.gz\n");
    return 2;
  }
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    perror(path);
    return 2;
  }
  int failed;
  if (isal) {
#ifdef WITH_ISAL
    failed = inflate_isal(fd);
#else
    fprintf(stderr, "inflate_floor was built without ISA-L (-DWITH_ISAL -lisal)\n");
    return 2;
#endif
  } else {
    failed = inflate_zlib(fd);
  }
  close(fd);
  printf("%llu bytes", decoded);
  if (count_lines) printf(", %llu lines", lines);
  printf("\n");
  return failed;
}
