/**
 * The bash and zsh scripts: both drivers read the same data functions, written in the `case`
 * syntax the two shells share. Generated from the completion model; pure.
 */
import type { CompletionModel, ValueKind } from "./model.js";
import { PROFILES_AWK } from "./profiles-awk.js";

/** Values are written unquoted into case arms and word lists: only plain words pass. */
const PLAIN = /^[A-Za-z0-9._/-]+$/;

export function bashScript(model: CompletionModel): string {
  return [
    "# xacct completion for bash. Install one of:",
    "#   echo 'source <(xacct completion bash)' >> ~/.bashrc",
    "#   xacct completion bash > ~/.local/share/bash-completion/completions/xacct",
    dataFunctions(model),
    BASH_DRIVER,
    "complete -F _xacct xacct",
    "",
  ].join("\n");
}

export function zshScript(model: CompletionModel): string {
  return [
    "#compdef xacct",
    "# xacct completion for zsh. Install one of (after compinit):",
    "#   echo 'source <(xacct completion zsh)' >> ~/.zshrc",
    '#   xacct completion zsh > "${fpath[1]}/_xacct"',
    "(( $+functions[compdef] )) && compdef _xacct xacct",
    dataFunctions(model),
    ZSH_DRIVER,
    // Autoloaded from fpath, this file is _xacct's body: it defines, then completes.
    'if [[ "${funcstack[1]}" == _xacct ]]; then _xacct "$@"; fi',
    "",
  ].join("\n");
}

function dataFunctions(model: CompletionModel): string {
  const commands = model.commands.map((c) => c.name).filter((n) => PLAIN.test(n));
  const flagArms = model.commands.map((c) => `    ${c.name}) echo '${words(c.flags.flatMap((f) => f.names))}' ;;`);
  return [
    `__xacct_commands='${commands.join(" ")}'`,
    "__xacct_flags() {",
    '  case "$1" in',
    ...flagArms,
    `    *) echo '${words(model.globalFlags.flatMap((f) => f.names))}' ;;`,
    "  esac",
    "}",
    "# What the value after a flag completes to: __xacct_value COMMAND FLAG",
    "__xacct_value() {",
    '  case "$1 $2" in',
    ...valueArms(model),
    "    *) echo flag ;;",
    "  esac",
    "}",
    "__xacct_argument() {",
    '  case "$1" in',
    ...model.commands.filter((c) => c.argument.kind === "values").map((c) => `    ${c.name}) echo '${describe(c.argument)}' ;;`),
    "    *) echo text ;;",
    "  esac",
    "}",
    "# Commands that run another program: from its name on, the words are that program's.",
    "__xacct_runs() {",
    '  case "$1" in',
    ...model.commands.filter((c) => c.runsProgram).map((c) => `    ${c.name}) return 0 ;;`),
    "  esac",
    "  return 1",
    "}",
    "__xacct_profiles() {",
    '  local config="${AWS_CONFIG_FILE:-$HOME/.aws/config}" credentials="${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"',
    "  set --",
    '  [ -r "$config" ] && set -- "$@" cfg=1 "$config"',
    '  [ -r "$credentials" ] && set -- "$@" cfg=0 "$credentials"',
    "  [ $# -gt 0 ] || return 0",
    `  awk '${PROFILES_AWK}' "$@" 2>/dev/null | sort -u`,
    "}",
    "# Setup names come from xacct's state file, through the xacct being completed.",
    "__xacct_setups() {",
    '  local bin="$1"',
    '  case "$bin" in "~/"*) bin="$HOME/${bin#\\~/}" ;; esac',
    '  "$bin" __complete setups 2>/dev/null',
    "}",
  ].join("\n");
}

/** `'COMMAND FLAG'|…) echo KIND ;;`, one arm per kind; the program's flags match after any command. */
function valueArms(model: CompletionModel): string[] {
  const byKind = new Map<string, string[]>();
  const add = (pattern: string, kind: ValueKind) => {
    if (kind.kind === "flag") return;
    const key = describe(kind);
    byKind.set(key, [...(byKind.get(key) ?? []), pattern]);
  };
  const global = new Set(model.globalFlags.flatMap((f) => f.names));
  for (const command of model.commands) {
    for (const flag of command.flags) for (const name of flag.names) if (!global.has(name)) add(`'${command.name} ${name}'`, flag.value);
  }
  for (const flag of model.globalFlags) for (const name of flag.names) add(`*' ${name}'`, flag.value);
  return [...byKind].map(([kind, patterns]) => `    ${patterns.join("|")}) echo '${kind}' ;;`);
}

/** Shell text written with @{…} for the shells' ${…}, which a template literal would take as its own. */
function shell(text: string): string {
  return text.replaceAll("@{", "${");
}

function describe(kind: ValueKind): string {
  return kind.kind === "values" ? `values ${words(kind.values)}` : kind.kind;
}

function words(list: string[]): string {
  return list.filter((w) => PLAIN.test(w)).join(" ");
}

const BASH_DRIVER = shell(String.raw`# Names (profiles, setups: from files others may write) are data. compgen -W would expand
# $(…) and backticks inside them, so each name, one per line on stdin, is matched by prefix
# here and quoted with printf %q: offered as it is, and put on the command line as one word.
__xacct_names() {
  local n q
  while IFS= read -r n; do
    q="$(printf '%q' "$n")"
    [[ "$n" == "$1"* || "$q" == "$1"* ]] && COMPREPLY+=("$q")
  done
}

_xacct() {
  # Word lists split at spaces and newlines; profile and setup names only at newlines.
  local cur="@{COMP_WORDS[COMP_CWORD]}" prev="" cmd="" kind w i rest=0 IFS=$' \n'
  (( COMP_CWORD > 0 )) && prev="@{COMP_WORDS[COMP_CWORD-1]}"
  # The command is the first word that is neither a flag nor a flag's value.
  for (( i = 1; i < COMP_CWORD; i++ )); do
    w="@{COMP_WORDS[i]}"
    if [[ -n "$cmd" ]] && __xacct_runs "$cmd"; then
      [[ "$w" == -- ]] && { rest=$(( i + 1 )); break; }
      [[ "$w" != -* ]] && { rest=$i; break; }
    fi
    case "$w" in
      -*) [[ "$(__xacct_value "$cmd" "$w")" != flag ]] && (( i++ )) ;;
      *) [[ -z "$cmd" ]] && cmd="$w" ;;
    esac
  done
  COMPREPLY=()
  if (( rest > 0 )); then
    IFS=$'\n'
    if (( COMP_CWORD == rest )); then COMPREPLY=($(compgen -c -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
    return 0
  fi
  if (( COMP_CWORD > 1 )) && [[ "$prev" == -* ]]; then
    kind="$(__xacct_value "$cmd" "$prev")"
    case "$kind" in
      flag) ;;
      profiles) __xacct_names "$cur" < <(__xacct_profiles); return 0 ;;
      setups) __xacct_names "$cur" < <(__xacct_setups "@{COMP_WORDS[0]}"); return 0 ;;
      dirs) IFS=$'\n'; COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
      files) IFS=$'\n'; COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
      values\ *) COMPREPLY=($(compgen -W "@{kind#values }" -- "$cur")); return 0 ;;
      *) return 0 ;;
    esac
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(__xacct_flags "$cmd")" -- "$cur"))
  elif [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "$__xacct_commands" -- "$cur"))
  elif __xacct_runs "$cmd"; then
    IFS=$'\n'; COMPREPLY=($(compgen -c -- "$cur"))
  else
    kind="$(__xacct_argument "$cmd")"
    case "$kind" in values\ *) COMPREPLY=($(compgen -W "@{kind#values }" -- "$cur")) ;; esac
  fi
  return 0
}`);

const ZSH_DRIVER = shell(String.raw`_xacct() {
  local cur="@{words[CURRENT]}" prev="@{words[CURRENT-1]}" cmd="" kind w i rest=0
  # The command is the first word that is neither a flag nor a flag's value.
  for (( i = 2; i < CURRENT; i++ )); do
    w="@{words[i]}"
    if [[ -n "$cmd" ]] && __xacct_runs "$cmd"; then
      [[ "$w" == -- ]] && { rest=$(( i + 1 )); break; }
      [[ "$w" != -* ]] && { rest=$i; break; }
    fi
    case "$w" in
      -*) [[ "$(__xacct_value "$cmd" "$w")" != flag ]] && (( i++ )) ;;
      *) [[ -z "$cmd" ]] && cmd="$w" ;;
    esac
  done
  if (( rest > 0 )); then
    if (( CURRENT == rest )); then
      _command_names -e
    else
      words=("@{(@)words[rest,-1]}")
      (( CURRENT = CURRENT - rest + 1 ))
      _normal
    fi
    return
  fi
  if (( CURRENT > 2 )) && [[ "$prev" == -* ]]; then
    kind="$(__xacct_value "$cmd" "$prev")"
    case "$kind" in
      flag) ;;
      profiles) compadd -- @{(f)"$(__xacct_profiles)"}; return ;;
      setups) compadd -- @{(f)"$(__xacct_setups "@{words[1]}")"}; return ;;
      dirs) _path_files -/; return ;;
      files) _files; return ;;
      values\ *) compadd -- @{=kind#values }; return ;;
      *) return 1 ;;
    esac
  fi
  if [[ "$cur" == -* ]]; then
    compadd -- @{=$(__xacct_flags "$cmd")}
  elif [[ -z "$cmd" ]]; then
    compadd -- @{=__xacct_commands}
  elif __xacct_runs "$cmd"; then
    _command_names -e
  else
    kind="$(__xacct_argument "$cmd")"
    case "$kind" in values\ *) compadd -- @{=kind#values } ;; esac
  fi
}`);
