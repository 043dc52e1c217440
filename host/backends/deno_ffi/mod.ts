// The backend under Deno: the C shim and libc through Deno.dlopen (open.ts).
export * from "./open.ts";
