/* Zero-argument entry points over a per-thread call block (see struct nb_call). The block is
 * thread-local because each Node worker runs its JavaScript on its own OS thread. */
#include "nb_sys.h"
#include "numabind.h"

static __thread struct nb_call block;

struct nb_call *numabind_call_block(void) {
  return &block;
}

/* A block naming more mask words than it holds is refused before any syscall. */
#define NB_CHECK_BLOCK() do { if (block.mask_words > NB_CALL_MASK_WORDS) return -EINVAL; } while (0)

long numabind_mbind_call(void) {
  NB_CHECK_BLOCK();
#ifdef SYS_mbind
  return NB_SYSCALL(SYS_mbind, block.addr, block.len, block.mode,
                    block.mask_words ? block.mask : NULL,
                    block.mask_words ? NB_MAXNODE(block.mask_words) : 0, block.flags);
#else
  return -ENOSYS;
#endif
}

long numabind_get_mempolicy_call(void) {
  NB_CHECK_BLOCK();
  return numabind_get_mempolicy(&block.mode, block.mask, block.mask_words, block.addr,
                                block.flags);
}

long numabind_set_mempolicy_call(void) {
  NB_CHECK_BLOCK();
  return numabind_set_mempolicy(block.mode, block.mask, block.mask_words);
}
