/* move_pages in caller-sized chunks: a chunk bounds how long one call holds the caller (the
 * kernel migrates a chunk synchronously), and the host picks it for its latency target. */
#include "nb_sys.h"
#include "numabind.h"

long numabind_move_pages(int32_t pid, size_t count, const uint64_t *pages, const int32_t *nodes,
                         int32_t *status, int32_t flags, size_t chunk, uint64_t *done) {
  long not_moved = 0;
  size_t at, n;
  if (chunk == 0) chunk = count;
  for (at = 0; at < count; at += n) {
    n = count - at > chunk ? chunk : count - at;
#ifdef SYS_move_pages
    long r = NB_SYSCALL(SYS_move_pages, pid, n, pages + at, nodes ? nodes + at : NULL,
                        status + at, flags);
#else
    long r = -ENOSYS;
    (void)pid; (void)pages; (void)nodes; (void)status; (void)flags;
#endif
    if (r < 0) {
      *done = at;
      return r;
    }
    not_moved += r; /* since 4.17 a positive result counts pages left where they were */
  }
  *done = count;
  return not_moved;
}
