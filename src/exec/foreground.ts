/**
 * Whether xacct is in its terminal's foreground process group. Then a Ctrl-C (SIGINT) or
 * Ctrl-\ (SIGQUIT) was sent by the terminal to the whole group, the command included, and
 * forwarding it would deliver it twice (terraform reads a second interrupt as "stop now").
 * Linux: /proc/self/stat; elsewhere ps. Unknown: undefined.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export function inForegroundGroup(): boolean | undefined {
  const group = fromProc() ?? fromPs();
  if (group === undefined) return undefined;
  return group.tpgid > 0 && group.tpgid === group.pgrp;
}

/** Fields 5 (pgrp) and 8 (tpgid) of /proc/self/stat, counted after the command name's closing parenthesis. */
export function parseProcStat(text: string): { pgrp: number; tpgid: number } | undefined {
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const pgrp = Number(fields[2]);
  const tpgid = Number(fields[5]);
  return Number.isInteger(pgrp) && Number.isInteger(tpgid) ? { pgrp, tpgid } : undefined;
}

function fromProc(): { pgrp: number; tpgid: number } | undefined {
  try {
    return parseProcStat(readFileSync("/proc/self/stat", "utf8"));
  } catch {
    return undefined;
  }
}

function fromPs(): { pgrp: number; tpgid: number } | undefined {
  try {
    const [pgrp, tpgid] = execFileSync("ps", ["-o", "pgid=,tpgid=", "-p", String(process.pid)], { encoding: "utf8", timeout: 2000 })
      .trim()
      .split(/\s+/)
      .map(Number);
    return Number.isInteger(pgrp) && Number.isInteger(tpgid) ? { pgrp: pgrp!, tpgid: tpgid! } : undefined;
  } catch {
    return undefined;
  }
}
