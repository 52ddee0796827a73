/**
 * Preloaded into a CLI process (`node --import data:…`): at exit, writes every file the process
 * loaded to $XACCT_TEST_MODULE_LIST, one URL a line: ES modules through a loader hook, CommonJS
 * from require's cache. The start-up tests read it to prove what a run does not load.
 */
export const MODULE_LIST_PRELOAD = `
import { appendFileSync } from "node:fs";
import { register, createRequire } from "node:module";
const list = process.env.XACCT_TEST_MODULE_LIST;
register("data:text/javascript," + encodeURIComponent(\`
import { appendFileSync } from "node:fs";
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, nextLoad) { appendFileSync(file, url + "\\\\n"); return nextLoad(url, context); }\`), { data: { file: list } });
const Module = createRequire(import.meta.url)("node:module");
process.on("exit", () => appendFileSync(list, Object.keys(Module._cache).map((path) => "file://" + path + "\\n").join("")));
`;
