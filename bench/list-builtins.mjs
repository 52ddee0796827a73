/**
 * Preload (`node --import ./bench/list-builtins.mjs ...`) that writes, at exit, the Node
 * built-in modules the process loaded (process.moduleLoadList's "NativeModule" entries) to the
 * file named by XACCT_BENCH_BUILTIN_LIST, one a line.
 */
import { writeFileSync } from "node:fs";

const list = process.env.XACCT_BENCH_BUILTIN_LIST;
if (list) {
  process.on("exit", () =>
    writeFileSync(
      list,
      process.moduleLoadList
        .filter((entry) => entry.startsWith("NativeModule "))
        .map((entry) => `${entry.slice("NativeModule ".length)}\n`)
        .join(""),
    ),
  );
}
