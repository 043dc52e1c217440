import { expect, test } from "vitest";
import { parseKernelList } from "../../../host/core/system/mod.ts";

test("parseKernelList() reads sparse ranges as sysfs prints them", () => {
  expect(parseKernelList("0-1,3-9,11\n")).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9, 11]);
  expect(parseKernelList("\n")).toEqual([]);
  expect(parseKernelList("16")).toEqual([16]);
});

test("parseKernelList() rejects text that is not a list", () => {
  expect(() => parseKernelList("0,,1")).toThrow(SyntaxError);
  expect(() => parseKernelList("a")).toThrow(/bad item "a"/);
});
