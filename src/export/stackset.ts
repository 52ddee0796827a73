/**
 * The AWS CLI commands that roll the Staging StackSet template out over an organizational
 * unit. Pure: xacct prints them; whoever holds the organization's management (or delegated
 * administrator) credentials runs them.
 */
import { displayShellWord } from "../shell-words.js";

export interface StackSetInput {
  stackSetName: string;
  templatePath: string;
  organizationalUnitId: string;
  region: string;
}

/** Stack and StackSet names allow letters, digits and hyphens only; IAM names allow more. */
export function stackNameFor(account: "production" | "staging", roleName: string): string {
  return `xacct-${account}-${roleName}`.replace(/[^A-Za-z0-9-]/g, "-");
}

/**
 * SERVICE_MANAGED with auto-deployment: accounts that join the OU get the stack, accounts
 * that leave lose it. IAM is global, so the instances go to one region only; a second region
 * would try to create the same named group and policy again.
 */
export function stackSetCommands(input: StackSetInput): string[] {
  return [
    [
      "aws cloudformation create-stack-set",
      `--stack-set-name ${input.stackSetName}`,
      `--template-body ${displayShellWord(`file://${input.templatePath}`)}`,
      "--capabilities CAPABILITY_NAMED_IAM",
      "--permission-model SERVICE_MANAGED",
      "--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false",
    ].join(" \\\n    "),
    [
      "aws cloudformation create-stack-instances",
      `--stack-set-name ${input.stackSetName}`,
      `--deployment-targets OrganizationalUnitIds=${input.organizationalUnitId}`,
      `--regions ${input.region}`,
    ].join(" \\\n    "),
  ];
}
