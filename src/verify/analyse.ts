/**
 * Reads the path of one setup from both accounts and judges every hop: what `verify` shows
 * and what a translated AccessDenied points at. Read-only.
 */
import { clientsFor } from "../aws/clients.js";
import type { CommandContext } from "../commands/context.js";
import type { GrantMode } from "../plan.js";
import { identifySetupProfiles } from "../setups/accounts.js";
import type { Target } from "../setups/target.js";
import type { SetupState } from "../state.js";
import { partitionForRegion, roleArn as buildRoleArn } from "../policy/arn.js";
import type { ContextValue } from "../policy-eval/index.js";
import { defaultSessionName } from "../session-name.js";
import { readPathDocuments } from "./documents.js";
import { readOrganizationPolicies } from "./org-policies.js";
import { computeHops, type Hop } from "./hops.js";
import { stagingSideName } from "./preflight.js";

/** The setup's names the path runs through (a Target, or a remembered setup), and what verify adds. */
export interface PathToAnalyse extends Pick<Target, "productionProfile" | "stagingProfile" | "region" | "bucket" | "roleName" | "stagingUser" | "stagingRole"> {
  mode: GrantMode;
  /** The Staging side is these permission sets (the setup's trust): their policy is not read. */
  ssoPermissionSets?: string[] | undefined;
  /** A profile of the organization's management or delegated administrator account, to read SCPs and RCPs. */
  orgProfile?: string | undefined;
  /** An object (`--key`): its own KMS key, when it has one, is the one the KMS hops judge. */
  objectKey?: string | undefined;
}

export interface PathAnalysis {
  roleArn: string;
  hops: Hop[];
}

/**
 * `request` shapes the assume request judged (built from the role ARN once it is known) and
 * names further Staging accounts the trust must admit, and objects the user named (judged too).
 */
export async function analysePath(
  ctx: CommandContext,
  path: PathToAnalyse,
  request: {
    context: (roleArn: string) => Record<string, ContextValue>;
    moreStagingAccountIds?: string[] | undefined;
    objectKeys?: string[] | undefined;
    /** The remembered setup judged: the profiles must reach its accounts, or nothing is judged. */
    remembered?: SetupState | undefined;
  },
): Promise<PathAnalysis> {
  const prod = clientsFor(ctx, { profile: path.productionProfile }, path.region);
  const staging = clientsFor(ctx, { profile: path.stagingProfile }, path.region);
  const { production: prodIdentity, staging: stagingIdentity } = await identifySetupProfiles({ production: prod, staging }, path, request.remembered);
  const target = (profile: string) => ({ profile, region: path.region, endpoint: ctx.endpoint });
  const [read, organization] = await Promise.all([
    readPathDocuments(prod, staging, { ...path, stagingAccountId: stagingIdentity.accountId }),
    readOrganizationPolicies(
      {
        production: { ...target(path.productionProfile), accountId: prodIdentity.accountId },
        staging: { ...target(path.stagingProfile), accountId: stagingIdentity.accountId },
      },
      path.orgProfile === undefined ? undefined : target(path.orgProfile),
      ctx.calls,
    ),
  ]);
  // The request of each side carries its account's organization (aws:PrincipalOrgID).
  const docs = {
    ...read,
    organization,
    userFacts: read.userFacts && { ...read.userFacts, org: organization.stagingOrg },
    roleFacts: read.roleFacts && { ...read.roleFacts, org: organization.productionOrg },
  };
  // IAM's own ARN carries the role's path (role/team/Name); the name alone is a guess.
  const roleArn = docs.roleArn ?? buildRoleArn(partitionForRegion(path.region), prodIdentity.accountId, path.roleName);
  const hops = computeHops(docs, {
    mode: path.mode,
    moreStagingAccountIds: request.moreStagingAccountIds,
    region: path.region,
    productionAccountId: prodIdentity.accountId,
    stagingAccountId: stagingIdentity.accountId,
    stagingUser: stagingSideName(path),
    ssoPermissionSets: path.ssoPermissionSets,
    roleName: path.roleName,
    roleArn,
    bucket: path.bucket,
    sessionName: defaultSessionName(path.stagingProfile),
    assumeContext: request.context(roleArn),
    objectKeys: request.objectKeys,
  });
  return { roleArn, hops };
}
