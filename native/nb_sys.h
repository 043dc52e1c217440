/* Private helpers shared by the entry points: the maxnode rule and the EINTR retry. */
#ifndef NB_SYS_H
#define NB_SYS_H
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Builds as on a libc whose headers lack these syscalls (test/kernel/native.test.ts). */
#ifdef NB_PRETEND_NO_NUMA_SYSCALLS
#undef SYS_mbind
#undef SYS_get_mempolicy
#undef SYS_set_mempolicy
#undef SYS_move_pages
#undef SYS_migrate_pages
#endif

/* The kernel's get_nodes() decrements maxnode before reading, so a table of `words` u64
 * needs words * 64 + 1 to include its top bit (numactl master and lrita/numa lose it). */
#define NB_MAXNODE(words) ((unsigned long)(words) * 64 + 1)

/* One syscall, retried while a signal interrupts it; 0/positive result or -errno. */
#define NB_SYSCALL(...) __extension__({ \
  long nb_r_; \
  do nb_r_ = syscall(__VA_ARGS__); while (nb_r_ == -1 && errno == EINTR); \
  nb_r_ == -1 ? -(long)errno : nb_r_; })
#endif
