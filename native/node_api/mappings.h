/* The mappings of one Node environment, unmapped when it ends (mappings.c). */
#ifndef NUMABIND_MAPPINGS_H
#define NUMABIND_MAPPINGS_H
#include <stddef.h>
#include <stdint.h>

struct nb_mappings;
struct nb_mappings *nb_mappings_new(void);
/* 0, or -1 when addr is 0 or memory runs out. Adding an address again replaces its length. */
int nb_mappings_add(struct nb_mappings *m, uintptr_t addr, size_t len);
/* 0, or -1 when addr is not held. */
int nb_mappings_remove(struct nb_mappings *m, uintptr_t addr);
size_t nb_mappings_count(const struct nb_mappings *m);
/* munmap every mapping held, then free the table. */
void nb_mappings_release(struct nb_mappings *m);
#endif
