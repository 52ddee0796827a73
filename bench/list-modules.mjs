/**
 * Preload (`node --import ./bench/list-modules.mjs ...`) that appends the URL of every ES
 * module the process loads to the file named by XACCT_BENCH_MODULE_LIST, and at exit every
 * CommonJS file (require's cache: the credentials cache-hit bundle is one).
 */
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

const hooks = `
import { appendFileSync } from "node:fs";
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, nextLoad) {
  appendFileSync(file, url + "\\n");
  return nextLoad(url, context);
}`;

if (process.env.XACCT_BENCH_MODULE_LIST) {
  appendFileSync(process.env.XACCT_BENCH_MODULE_LIST, "");
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { file: process.env.XACCT_BENCH_MODULE_LIST } });
  const { _cache: required } = createRequire(import.meta.url)("node:module");
  const list = process.env.XACCT_BENCH_MODULE_LIST;
  process.on("exit", () =>
    appendFileSync(
      list,
      Object.keys(required)
        .map((path) => `${pathToFileURL(path).href}\n`)
        .join(""),
    ),
  );
}
