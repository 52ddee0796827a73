/**
 * Preload (`node --import ./bench/list-modules.mjs ...`) that appends the URL of every ES
 * module the process loads to the file named by XACCT_BENCH_MODULE_LIST.
 */
import { appendFileSync } from "node:fs";
import { register } from "node:module";

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
}
