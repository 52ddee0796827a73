/**
 * Org scale: one role trusted by many Staging accounts. 50 accounts are bootstrapped in the
 * emulator and set up in one run (figures printed for the record), accounts come from AWS
 * Organizations too, and a trust policy that would outgrow IAM's limit is refused with the
 * way out (aws:PrincipalOrgID).
 */
import { GetRoleCommand, GetUserPolicyCommand } from "@aws-sdk/client-iam";
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListAccountsCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { describe, expect, it } from "vitest";
import { bootstrapAccount, writeSandboxProfiles, type BootstrappedAccount } from "../src/localaws/bootstrap.js";
import { parsePolicyDocument } from "../src/policy/index.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const COUNT = 50;
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

describe("many Staging accounts", () => {
  const extra: Record<string, BootstrappedAccount> = {};
  const names = Array.from({ length: COUNT }, (_, i) => `s${String(i + 1).padStart(2, "0")}`);
  const stagingFlags = () => ["--staging-profile", "staging", ...names.flatMap((n) => ["--staging-profile", n])];

  it(`sets up ${COUNT} Staging accounts in one run, and every one of them can assume the role`, async () => {
    const accounts = await Promise.all(
      names.map((_, i) => bootstrapAccount(sandbox.moto.endpoint, { accountId: String(300000000001 + i), userName: "StageAdmin" })),
    );
    names.forEach((name, i) => (extra[name] = accounts[i]!));
    await writeSandboxProfiles(`${sandbox.dir}/aws`, { prod: sandbox.prod, staging: sandbox.staging, ...extra }, { endpoint: sandbox.moto.endpoint });

    const started = performance.now();
    const result = await sandbox.run([
      "setup",
      "--production-profile",
      "prod",
      ...stagingFlags(),
      "--bucket",
      "scale-bucket",
      "--region",
      "us-east-1",
      "--yes",
    ]);
    const seconds = (performance.now() - started) / 1000;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    console.log(
      `scale: setup across ${COUNT + 1} Staging accounts took ${seconds.toFixed(2)} s and ${result.calls.calls.length} AWS calls (${result.calls.writes.length} writes)`,
    );
    expect(result.stdout).toContain(`[${COUNT}/${COUNT}]`);
    expect(result.stdout).toContain(`Stage 2 · ${COUNT} more Staging accounts`);

    const trust = parsePolicyDocument((await prod().iam.send(new GetRoleCommand({ RoleName: "StageRole" }))).Role!.AssumeRolePolicyDocument!);
    const principals = (trust.Statement[0]!.Principal as { AWS: string[] }).AWS;
    expect(principals).toHaveLength(COUNT + 1);
    expect(principals).toEqual([...principals].sort());
    for (const name of names) {
      const policy = await clientsFor(sandbox.moto.endpoint, extra[name]!).iam.send(
        new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-StageRole" }),
      );
      expect(policy.PolicyDocument).toBeTruthy();
    }
    let assumed = 0;
    for (const name of names) {
      const run = await sandbox.run(["assume", "--profile", name]);
      if (run.code === 0 && run.stdout.includes("assumed-role/StageRole/")) assumed++;
    }
    expect(assumed).toBe(COUNT);
    const verify = await sandbox.run(["verify"]);
    expect(verify.stdout).toContain(`✔ the trust policy of StageRole admits StageAdmin in ${COUNT} more Staging accounts`);
    expect(verify.code).toBe(0);
  });

  it("a rerun changes nothing in any account", async () => {
    const rerun = await sandbox.run(["setup", "--production-profile", "prod", ...stagingFlags(), "--bucket", "scale-bucket", "--region", "us-east-1", "--yes"]);
    expect(rerun.code).toBe(0);
    expect(rerun.calls.writes).toEqual([]);
    expect(rerun.stdout.match(/: unchanged/g)).toHaveLength(COUNT);
  });

  it("teardown removes the Staging side in every account", async () => {
    const result = await sandbox.run(["teardown", "--yes"]);
    expect(result.code).toBe(0);
    expect(result.stdout.match(/: removed/g)).toHaveLength(COUNT);
    await expect(
      clientsFor(sandbox.moto.endpoint, extra["s07"]!).iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-StageRole" })),
    ).rejects.toThrow();
  });
});

describe("accounts from AWS Organizations, and the size limit", () => {
  it("--staging-accounts-from-org trusts every account of the organization, --ou only those of the unit", async () => {
    const orgs = new OrganizationsClient({ endpoint: sandbox.moto.endpoint, region: "us-east-1", credentials: sandbox.prod.accessKey });
    await orgs.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    for (const name of ["a", "b", "c"]) await orgs.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    const members = ((await orgs.send(new ListAccountsCommand({}))).Accounts ?? []).map((a) => a.Id!).filter((id) => id !== "111111111111");
    expect(members.length).toBeGreaterThanOrEqual(3);

    const all = await sandbox.run([...setupArgs("org-bucket", ["--role-name", "OrgRole", "--temp-profile", "OrgRoleCred1"]), "--staging-accounts-from-org"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("trusted but have no profile here");
    const trust = parsePolicyDocument((await prod().iam.send(new GetRoleCommand({ RoleName: "OrgRole" }))).Role!.AssumeRolePolicyDocument!);
    const principals = (trust.Statement[0]!.Principal as { AWS: string[] }).AWS;
    for (const id of members) expect(principals).toContain(`arn:aws:iam::${id}:root`);
    expect(principals).not.toContain("arn:aws:iam::111111111111:root");

    const root = (await orgs.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    const ou = (await orgs.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: "staging" }))).OrganizationalUnit!.Id!;
    await orgs.send(new MoveAccountCommand({ AccountId: members[0]!, SourceParentId: root, DestinationParentId: ou }));
    const unit = await sandbox.run([
      ...setupArgs("org-bucket", ["--role-name", "OrgRole", "--temp-profile", "OrgRoleCred1"]),
      "--staging-accounts-from-org",
      "--ou",
      ou,
    ]);
    expect(unit.code).toBe(0);
    const narrowed = parsePolicyDocument((await prod().iam.send(new GetRoleCommand({ RoleName: "OrgRole" }))).Role!.AssumeRolePolicyDocument!);
    expect((narrowed.Statement[0]!.Principal as { AWS: string[] }).AWS).toEqual(["arn:aws:iam::222222222222:root", `arn:aws:iam::${members[0]}:root`].sort());
  });

  it("a trust policy past IAM's limit is refused before any write, and --org-id is the way out", async () => {
    const many = Array.from({ length: 70 }, (_, i) => ["--staging-account", String(400000000001 + i)]).flat();
    const refused = await sandbox.run([...setupArgs("limit-bucket", ["--role-name", "LimitRole", "--temp-profile", "LimitRoleCred2"]), ...many]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/With 71 Staging accounts, the trust policy of LimitRole would be \d+ characters, over AWS's limit of 2048/);
    expect(refused.stderr).toContain("--org-id");
    expect(refused.calls.writes).toEqual([]);

    const orgWide = await sandbox.run([
      ...setupArgs("limit-bucket", ["--role-name", "LimitRole", "--temp-profile", "LimitRoleCred2", "--org-id", "o-abcdef12345"]),
      ...many,
    ]);
    expect(orgWide.code).toBe(0);
    const trust = parsePolicyDocument((await prod().iam.send(new GetRoleCommand({ RoleName: "LimitRole" }))).Role!.AssumeRolePolicyDocument!);
    expect(trust.Statement[0]).toMatchObject({ Principal: { AWS: "*" }, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abcdef12345" } } });
  });
});
