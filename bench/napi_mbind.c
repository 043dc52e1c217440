/* What would meet the single-bind target: a Node-API function (no libffi, no parameter
 * objects) doing the same mbind as the shim's zero-argument entry point. Built by
 * bench/bind.mjs only when Node's headers are installed; not part of the package. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <node_api.h>

static napi_value mbind_page(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], out;
  double addr, len;
  int32_t mode;
  uint64_t mask = 1;
  long r;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_get_value_double(env, argv[0], &addr);
  napi_get_value_double(env, argv[1], &len);
  napi_get_value_int32(env, argv[2], &mode);
  do r = syscall(SYS_mbind, (uint64_t)addr, (uint64_t)len, mode, &mask, 65UL, 0);
  while (r == -1 && errno == EINTR);
  napi_create_int32(env, r == -1 ? -errno : 0, &out);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "mbindPage", NAPI_AUTO_LENGTH, mbind_page, NULL, &fn);
  napi_set_named_property(env, exports, "mbindPage", fn);
  return exports;
}
