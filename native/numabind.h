/* numabind native shim: batch entry points called once per batch through FFI.
 * Every function is a plain loop, allocates nothing, and reports one errno per op. */
#ifndef NUMABIND_H
#define NUMABIND_H
#include <stddef.h>
#include <stdint.h>

/* Must match assembly/abi.ts (OP_*). */
struct nb_op {
  uint64_t addr;
  uint64_t len;
  int32_t mode;       /* mode | MPOL_F_* mode flags */
  uint32_t flags;     /* MPOL_MF_* */
  uint32_t mask;      /* index into the mask table, NB_NO_MASK for NULL */
  uint32_t request;   /* not read here: the host maps failures back to requests with it */
};
#define NB_NO_MASK 0xffffffffu

/* Options for numabind_mbind_batch. */
#define NB_CONTINUE_ON_ERROR 1u

long numabind_mbind_batch(const struct nb_op *ops, size_t n, const uint64_t *masks,
                          size_t mask_words, int32_t *errnos, uint32_t options);
#endif
