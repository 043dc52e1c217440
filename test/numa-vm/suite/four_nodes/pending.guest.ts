// Cases of the multi-node issue that wait for API not yet in numabind. Each todo names the
// API it needs; replace it with a plain test in the file of its concern when the API lands.
import { test } from "vitest";

test.todo("locate() reports node K for every page after alloc()/bind() to node K and touch (needs locate(), kernel-access issue)");
test.todo("locate() per page after interleave 0-3 matches (absolute page number) mod 4 (needs locate())");
test.todo("block interleave with weights 3:1 over nodes 0 and 1 lands pages exactly 3:1 (needs plan options interleaveBlock + weights, engine issue)");
test.todo("movePages() moves chosen touched pages and locate() shows them there (needs movePages(), locate())");
test.todo("a task policy set with setThreadPolicy() is inherited by a forked child process (needs setThreadPolicy(), getThreadPolicy())");
test.todo("relative nodes fold onto a cpuset's mems; static nodes keep the user mask on rebind (needs nodestring/validation of relative and static nodes, engine issue)");
