/* Node-API entry points for single calls: one mbind, one get_mempolicy, one set_mempolicy.
 * A libffi call through ffi-rs costs ~1.5 us before its arguments, more than mbind itself
 * (~1.5 us); a Node-API function costs ~0.1 us (bench/bind.mjs). Batches stay on the C shim
 * through ffi-rs, where one crossing serves thousands of ops. Built only where Node's headers
 * exist (native/build.mjs); every function returns 0 or -errno and never throws. */
#include <node_api.h>
#include "../nb_sys.h"
#include "../numabind.h"
#include "mappings.h"

/* Bytes and address of a Uint8Array argument; NULL for null/undefined or any other value.
 * The pointers only reach the kernel, which copies from user memory at any alignment. */
static uint8_t *bytes_of(napi_env env, napi_value v, size_t *len) {
  napi_valuetype t;
  napi_typedarray_type tt;
  void *data = NULL;
  *len = 0;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_object) return NULL;
  if (napi_get_typedarray_info(env, v, &tt, len, &data, NULL, NULL) != napi_ok || tt != napi_uint8_array) {
    *len = 0;
    return NULL;
  }
  return data;
}

static napi_value result(napi_env env, long r) {
  napi_value out;
  napi_create_int32(env, (int32_t)r, &out);
  return out;
}

/* The mask argument: NULL when words is 0; -EINVAL when the array is shorter than words. */
static long mask_arg(napi_env env, napi_value v, uint32_t words, uint64_t **mask) {
  size_t len;
  uint8_t *p = bytes_of(env, v, &len);
  *mask = NULL;
  if (words == 0) return 0;
  if (!p || len < (size_t)words * 8) return -EINVAL;
  *mask = (uint64_t *)p;
  return 0;
}

/* mbindOne(addr, len, mode, flags, mask, words) */
static napi_value mbind_one(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  double addr, len;
  int32_t mode;
  uint32_t flags, words;
  uint64_t *mask;
  long r;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6
      || napi_get_value_double(env, argv[0], &addr) != napi_ok
      || napi_get_value_double(env, argv[1], &len) != napi_ok
      || napi_get_value_int32(env, argv[2], &mode) != napi_ok
      || napi_get_value_uint32(env, argv[3], &flags) != napi_ok
      || napi_get_value_uint32(env, argv[5], &words) != napi_ok) return result(env, -EINVAL);
  if ((r = mask_arg(env, argv[4], words, &mask)) != 0) return result(env, r);
#ifdef SYS_mbind
  r = NB_SYSCALL(SYS_mbind, (unsigned long)addr, (unsigned long)len, mode, mask,
                 mask ? NB_MAXNODE(words) : 0, flags);
#else
  r = -ENOSYS;
#endif
  return result(env, r);
}

/* getMempolicy(modeOut: Uint8Array(4), mask: Uint8Array(words * 8), addrLo, addrHi, flags):
 * the address in u32 halves, since any u64 may be asked about. */
static napi_value get_mempolicy_one(napi_env env, napi_callback_info info) {
  size_t argc = 5, mode_len, mask_len;
  napi_value argv[5];
  uint32_t lo, hi, flags;
  uint8_t *mode, *mask;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5
      || napi_get_value_uint32(env, argv[2], &lo) != napi_ok
      || napi_get_value_uint32(env, argv[3], &hi) != napi_ok
      || napi_get_value_uint32(env, argv[4], &flags) != napi_ok) return result(env, -EINVAL);
  mode = bytes_of(env, argv[0], &mode_len);
  mask = bytes_of(env, argv[1], &mask_len);
  if (!mode || mode_len < 4) return result(env, -EINVAL);
  return result(env, numabind_get_mempolicy((int32_t *)mode, (uint64_t *)mask, mask ? mask_len / 8 : 0,
                                            ((uint64_t)hi << 32) | lo, flags));
}

/* setMempolicy(mode, mask, words) */
static napi_value set_mempolicy_one(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t mode;
  uint32_t words;
  uint64_t *mask;
  long r;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3
      || napi_get_value_int32(env, argv[0], &mode) != napi_ok
      || napi_get_value_uint32(env, argv[2], &words) != napi_ok) return result(env, -EINVAL);
  if ((r = mask_arg(env, argv[1], words, &mask)) != 0) return result(env, r);
  return result(env, numabind_set_mempolicy(mode, mask, words));
}

/* This environment's mappings (mappings.c), or NULL when the table could not be made. */
static struct nb_mappings *mappings_of(napi_env env) {
  void *m = NULL;
  return napi_get_instance_data(env, &m) == napi_ok ? m : NULL;
}

/* trackMapping(addr, len): unmap [addr, addr + len) when this environment ends. */
static napi_value track_mapping(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  double addr, len;
  struct nb_mappings *m = mappings_of(env);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2
      || napi_get_value_double(env, argv[0], &addr) != napi_ok
      || napi_get_value_double(env, argv[1], &len) != napi_ok || addr <= 0 || len <= 0) return result(env, -EINVAL);
  if (!m) return result(env, -ENOMEM);
  return result(env, nb_mappings_add(m, (uintptr_t)addr, (size_t)len) == 0 ? 0 : -ENOMEM);
}

/* untrackMapping(addr): the mapping at addr was unmapped. */
static napi_value untrack_mapping(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double addr;
  struct nb_mappings *m = mappings_of(env);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1
      || napi_get_value_double(env, argv[0], &addr) != napi_ok) return result(env, -EINVAL);
  return result(env, m && nb_mappings_remove(m, (uintptr_t)addr) == 0 ? 0 : -ENOENT);
}

/* trackedMappings(): how many mappings this environment holds. */
static napi_value tracked_mappings(napi_env env, napi_callback_info info) {
  struct nb_mappings *m = mappings_of(env);
  (void)info;
  return result(env, m ? (long)nb_mappings_count(m) : 0);
}

static void release_mappings(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  nb_mappings_release(data);
}

NAPI_MODULE_INIT() {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    { "mbindOne", mbind_one }, { "getMempolicy", get_mempolicy_one }, { "setMempolicy", set_mempolicy_one },
    { "trackMapping", track_mapping }, { "untrackMapping", untrack_mapping }, { "trackedMappings", tracked_mappings },
  };
  struct nb_mappings *m = nb_mappings_new();
  if (m && napi_set_instance_data(env, m, release_mappings, NULL) != napi_ok) nb_mappings_release(m);
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f) != napi_ok
        || napi_set_named_property(env, exports, fns[i].name, f) != napi_ok) return NULL;
  }
  return exports;
}
