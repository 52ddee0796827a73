/** `xacct list`: every setup xacct remembers, with its temporary profile's expiry and when it was last verified. */
import { loadProfileView } from "../awsconfig/sdk-view.js";
import { setupLines, summarizeSetup, type ProfileFacts } from "../setups/list-view.js";
import { loadSetups } from "../state.js";
import type { CommandContext } from "./context.js";

export async function listCommand(ctx: CommandContext): Promise<void> {
  const setups = await loadSetups(ctx.statePath);
  const { out } = ctx;
  if (setups.length === 0) {
    ctx.result["setups"] = [];
    out.line("No setup remembered yet: make one with `xacct setup`.");
    return;
  }
  const view = await loadProfileView(ctx.env);
  const facts = (name: string): ProfileFacts => {
    const settings = view.settings(name);
    return {
      present: settings !== undefined,
      style: settings?.["xacct_profile"],
      expiration: settings?.["xacct_expiration"],
      roleArn: settings && roleOfProfile(settings),
    };
  };
  const summaries = setups.map((setup) => summarizeSetup(setup, facts(setup.tempProfile)));
  ctx.result["setups"] = summaries;
  const now = new Date();
  for (const summary of summaries) {
    out.heading(summary.id);
    for (const [label, value] of setupLines(summary, now)) out.line(`  ${label.padEnd(9)} ${value}`);
  }
}

/** The role a profile xacct wrote is for: role_arn (role style), the --role-arn of its credential_process, or xacct_role (static). */
function roleOfProfile(settings: Readonly<Record<string, string | undefined>>): string | undefined {
  const fromProcess = /--role-arn=['"]?([^\s'"]+)/.exec(settings["credential_process"] ?? "")?.[1];
  return settings["role_arn"] ?? fromProcess ?? settings["xacct_role"];
}
