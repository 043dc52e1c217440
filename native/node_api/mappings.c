/* The mappings alloc() made on this Node environment (the main thread, or one worker), kept
 * so that they are unmapped when the environment ends. A worker's ArrayBuffers die with its
 * isolate, but a FinalizationRegistry never runs at isolate teardown, so without this every
 * worker that exits leaks what it allocated (measured: 8 workers of 256 MiB each left RSS
 * 2 GiB higher). Node-API runs the instance data's finalizer at teardown, worker.terminate()
 * included. An open-addressing table keyed by address: alloc() and the collection of its
 * buffers are O(1), whatever the number of live mappings (up to vm.max_map_count). */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "mappings.h"

struct slot { uintptr_t addr; size_t len; }; /* addr 0: empty */
struct nb_mappings { struct slot *t; size_t cap, n; };

static size_t home(const struct nb_mappings *m, uintptr_t a) {
  return (size_t)((a >> 12) * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
}

static int grow(struct nb_mappings *m) {
  size_t cap = m->cap ? m->cap * 2 : 64, old = m->cap;
  struct slot *t = calloc(cap, sizeof *t), *o = m->t;
  if (!t) return -1;
  m->t = t; m->cap = cap; m->n = 0;
  for (size_t i = 0; i < old; i++) if (o[i].addr) nb_mappings_add(m, o[i].addr, o[i].len);
  free(o);
  return 0;
}

struct nb_mappings *nb_mappings_new(void) {
  return calloc(1, sizeof(struct nb_mappings));
}

int nb_mappings_add(struct nb_mappings *m, uintptr_t addr, size_t len) {
  if (!addr) return -1;
  if ((m->n + 1) * 2 > m->cap && grow(m) != 0) return -1;
  size_t i = home(m, addr);
  while (m->t[i].addr && m->t[i].addr != addr) i = (i + 1) & (m->cap - 1);
  if (!m->t[i].addr) m->n++;
  m->t[i].addr = addr;
  m->t[i].len = len;
  return 0;
}

/* Removes addr; later entries of its probe run shift back, so lookups never need tombstones. */
int nb_mappings_remove(struct nb_mappings *m, uintptr_t addr) {
  if (!m->cap || !addr) return -1;
  size_t i = home(m, addr);
  while (m->t[i].addr != addr) {
    if (!m->t[i].addr) return -1;
    i = (i + 1) & (m->cap - 1);
  }
  for (size_t j = (i + 1) & (m->cap - 1); m->t[j].addr; j = (j + 1) & (m->cap - 1)) {
    size_t h = home(m, m->t[j].addr);
    /* Move j into the hole at i unless its home lies cyclically in (i, j]. */
    if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) { m->t[i] = m->t[j]; i = j; }
  }
  m->t[i].addr = 0;
  m->n--;
  return 0;
}

size_t nb_mappings_count(const struct nb_mappings *m) {
  return m->n;
}

void nb_mappings_release(struct nb_mappings *m) {
  for (size_t i = 0; i < m->cap; i++) if (m->t[i].addr) munmap((void *)m->t[i].addr, m->t[i].len);
  free(m->t);
  free(m);
}
