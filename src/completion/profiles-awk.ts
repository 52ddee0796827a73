/**
 * Profile names straight from the AWS config and credentials files, read by awk inside the
 * completion script: a TAB must not wait for a node start (~110 ms) on every keystroke. Only
 * section names are printed, never a value: `[profile NAME]` and `[default]` of the config
 * file, `[NAME]` of the credentials file; `[sso-session …]` and `[services …]` are skipped.
 * The program holds no single quote, so every shell can quote it in single quotes.
 */
export const PROFILES_AWK = [
  "/^[ \\t]*\\[/ {",
  '  s = $0; sub(/^[ \\t]*\\[[ \\t]*/, "", s)',
  '  e = index(s, "]"); if (e == 0) next',
  '  s = substr(s, 1, e - 1); sub(/[ \\t]+$/, "", s)',
  '  if (cfg == 0) { if (s != "") print s; next }',
  '  if (s == "default") { print s; next }',
  '  if (s ~ /^profile[ \\t]/) { sub(/^profile[ \\t]+/, "", s); if (s != "") print s }',
  "}",
].join("\n");
