/**
 * What setup is given (its flags) and what it works with once the answers are in: the types the
 * setup command and its parts (answers, flags, stage 3) share, in a module none of them owns.
 */
import type { AwsClients } from "../aws/clients.js";
import type { ProfileView } from "../awsconfig/sdk-view.js";
import type { DiscoveredAccounts, SetupAnswers } from "../plan.js";
import type { MoreStagingFlags } from "../setups/accounts.js";
import type { TargetOptions } from "../setups/target.js";
import type { SetupState } from "../state.js";
import type { AnswerRecord } from "../wizard/equivalent-command.js";
import type { TrustFlags } from "../wizard/setup-questions.js";
import type { CommandContext } from "./context.js";

export interface SetupOptions extends TargetOptions, TrustFlags, MoreStagingFlags {
  testKey?: string;
  profileStyle?: string;
  /** The MFA device stage 3 assumes the role with, when the trust requires MFA. */
  mfaSerial?: string;
  /** Unattended: the current MFA code (never remembered, never printed). */
  tokenCode?: string;
  yes?: boolean;
  /** Read only: show the changes and stop. */
  plan?: boolean;
  /** With --plan: exit 2 when changes are pending, 0 when none. */
  detailedExitcode?: boolean;
  /** false (--no-preflight): apply even when the evaluator says the result would be wrong. */
  preflight?: boolean;
  hardenBucket?: boolean;
}

/** Everything setup works with: the answers, the accounts behind them, their clients, what an earlier run remembered. */
export interface SetupSession {
  options: SetupOptions;
  ctx: CommandContext;
  tempProfile: string;
  answers: SetupAnswers;
  accounts: DiscoveredAccounts;
  prod: AwsClients;
  staging: AwsClients;
  previous: SetupState | undefined;
  view: ProfileView;
  /** The answers as they come, for the equivalent command. */
  record: AnswerRecord;
}
