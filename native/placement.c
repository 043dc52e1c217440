/* Where the calling thread runs: its CPU affinity, the CPU and node it is on, and the home
 * node of ranges bound with MPOL_BIND or MPOL_PREFERRED_MANY (Linux 5.17+). */
#include "nb_sys.h"
#include "numabind.h"

#ifndef SYS_set_mempolicy_home_node
#define SYS_set_mempolicy_home_node 450 /* the same number on every architecture */
#endif

long numabind_sched_getaffinity(size_t len, uint8_t *mask) {
  /* The raw syscall, not glibc's wrapper: it returns the bytes the kernel wrote. */
  return NB_SYSCALL(SYS_sched_getaffinity, 0, len, mask);
}

long numabind_sched_setaffinity(size_t len, const uint8_t *mask) {
  return NB_SYSCALL(SYS_sched_setaffinity, 0, len, mask);
}

long numabind_getcpu(uint32_t *cpu_node) {
  return NB_SYSCALL(SYS_getcpu, cpu_node, cpu_node + 1, 0);
}

long numabind_set_home_node(uint64_t start, uint64_t len, uint64_t node) {
  return NB_SYSCALL(SYS_set_mempolicy_home_node, start, len, node, 0);
}
