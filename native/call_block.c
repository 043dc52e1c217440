/* Zero-argument entry points over a per-thread call block (see struct nb_call). The block is
 * thread-local because each Node worker runs its JavaScript on its own OS thread. */
#include "nb_sys.h"
#include "numabind.h"

static __thread struct nb_call block;

struct nb_call *numabind_call_block(void) {
  return &block;
}

/* A block naming more mask words than it holds is refused before any syscall. */
#define NB_CHECK_BLOCK(b) do { if ((b)->mask_words > NB_CALL_MASK_WORDS) return -EINVAL; } while (0)

/* This thread's block, looked up once per call: in a shared library a thread-local's address
 * is a call (__tls_get_addr), which GCC would otherwise repeat after the first use of it. The
 * empty asm makes the address opaque, so it is kept in a register instead. */
static inline struct nb_call *this_block(void) {
  struct nb_call *b = &block;
  __asm__("" : "+r"(b));
  return b;
}

long numabind_mbind_call(void) {
  struct nb_call *b = this_block();
  NB_CHECK_BLOCK(b);
#ifdef SYS_mbind
  return NB_SYSCALL(SYS_mbind, b->addr, b->len, b->mode, b->mask_words ? b->mask : NULL,
                    b->mask_words ? NB_MAXNODE(b->mask_words) : 0, b->flags);
#else
  return -ENOSYS;
#endif
}

long numabind_get_mempolicy_call(void) {
  struct nb_call *b = this_block();
  NB_CHECK_BLOCK(b);
  return numabind_get_mempolicy(&b->mode, b->mask, b->mask_words, b->addr, b->flags);
}

long numabind_set_mempolicy_call(void) {
  struct nb_call *b = this_block();
  NB_CHECK_BLOCK(b);
  return numabind_set_mempolicy(b->mode, b->mask, b->mask_words);
}
