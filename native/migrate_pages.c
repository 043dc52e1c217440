/* migrate_pages: every page of a process from one node set to another. */
#include "nb_sys.h"
#include "numabind.h"

long numabind_migrate_pages(int32_t pid, size_t mask_words, const uint64_t *from,
                            const uint64_t *to) {
  if (mask_words == 0 || mask_words > NB_MAX_MASK_WORDS) return -EINVAL;
#ifdef SYS_migrate_pages
  return NB_SYSCALL(SYS_migrate_pages, pid, NB_MAXNODE(mask_words), from, to);
#else
  (void)pid; (void)mask_words; (void)from; (void)to;
  return -ENOSYS;
#endif
}
