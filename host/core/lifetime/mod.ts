// How long a policy lasts: numabind ends it with the buffer object it was set through
// (bound_buffers.ts), so a runtime's next allocation at those pages does not inherit it.
export * from "./bound_buffers.ts";
