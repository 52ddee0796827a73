/**
 * Further Staging accounts and other remembered setups (attack 13-d): teardown keeps a Staging
 * inline policy another setup uses in that account, whether that account is its main Staging
 * account or a further one (D1); a rerun that leaves out a further Staging account is refused
 * before any write, as a moved main Staging account is (D3).
 */
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { ListUserPoliciesCommand } from "@aws-sdk/client-iam";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { bootstrapAccount, writeSandboxProfiles, type BootstrappedAccount } from "../src/localaws/bootstrap.js";
import { clientsFor } from "./support/accounts.js";
import { useSandbox, type CliResult } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
let third: BootstrappedAccount | undefined;

/** A third account, 333333333333, with profile `third` (user StageAdmin, as in Staging). */
async function withThird(): Promise<BootstrappedAccount> {
  if (third) return third;
  third = await bootstrapAccount(sandbox.moto.endpoint, { accountId: "333333333333", userName: "StageAdmin" });
  await writeSandboxProfiles(`${sandbox.dir}/aws`, { prod: sandbox.prod, staging: sandbox.staging, third }, { endpoint: sandbox.moto.endpoint });
  return third;
}

const policiesIn = async (account: BootstrappedAccount) =>
  (await clientsFor(sandbox.moto.endpoint, account).iam.send(new ListUserPoliciesCommand({ UserName: "StageAdmin" }))).PolicyNames ?? [];
const writes = (result: CliResult) => result.calls.calls.filter((c) => !/^(Get|List|Head)/.test(c.operation));
const out = (result: CliResult) => result.stdout + result.stderr;

function setup(bucket: string, staging: string[], extra: string[] = []): string[] {
  return [
    "setup",
    "--production-profile",
    "prod",
    ...staging.flatMap((p) => ["--staging-profile", p]),
    "--bucket",
    bucket,
    "--region",
    "us-east-1",
    "--yes",
    ...extra,
  ];
}

describe("a Staging inline policy shared across main and further Staging accounts (D1)", () => {
  it("teardown of the setup with the further account keeps the policy the other setup's main Staging side uses", async () => {
    const account = await withThird();
    const bucket = "shared3-a13d";
    await prod().s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const sa = await sandbox.run(setup(bucket, ["staging", "third"], ["--mode", "resource-policy", "--role-name", "SA"]));
    expect(sa.code, out(sa)).toBe(0);
    const sb = await sandbox.run(setup(bucket, ["third"], ["--mode", "resource-policy", "--role-name", "SB"]));
    expect(sb.code, out(sb)).toBe(0);

    const torn = await sandbox.run(["teardown", "--setup", `${bucket}/SA`, "--yes"]);
    expect(torn.code, out(torn)).toBe(0);
    expect(torn.stdout).toMatch(
      new RegExp(`account 333333333333 \\(profile third\\): kept — inline policy xacct-read-${bucket} of user StageAdmin: setup ${bucket}/SB uses it too`),
    );
    expect(await policiesIn(account)).toContain(`xacct-read-${bucket}`);
    const verify = await sandbox.run(["verify", "--setup", `${bucket}/SB`]);
    expect(verify.code, out(verify)).toBe(0);
    expect((await sandbox.run(["teardown", "--setup", `${bucket}/SB`, "--yes"])).code).toBe(0);
    expect(await policiesIn(account)).not.toContain(`xacct-read-${bucket}`);
  });

  it("teardown of the setup whose main Staging account it is keeps the policy the other setup's further account uses", async () => {
    const account = await withThird();
    const bucket = "shared4-a13d";
    await prod().s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const sa = await sandbox.run(setup(bucket, ["staging", "third"], ["--mode", "resource-policy", "--role-name", "SA"]));
    expect(sa.code, out(sa)).toBe(0);
    const sb = await sandbox.run(setup(bucket, ["third"], ["--mode", "resource-policy", "--role-name", "SB"]));
    expect(sb.code, out(sb)).toBe(0);

    const torn = await sandbox.run(["teardown", "--setup", `${bucket}/SB`, "--yes"]);
    expect(torn.code, out(torn)).toBe(0);
    expect(torn.stdout).toMatch(new RegExp(`inline policy xacct-read-${bucket}.*setup ${bucket}/SA uses it too`));
    expect(await policiesIn(account)).toContain(`xacct-read-${bucket}`);
    const torn2 = await sandbox.run(["teardown", "--setup", `${bucket}/SA`, "--yes"]);
    expect(torn2.code, out(torn2)).toBe(0);
    expect(await policiesIn(account)).not.toContain(`xacct-read-${bucket}`);
  });
});

describe("a Staging user xacct made in a further account, that another setup uses as its main one (D1)", () => {
  it("teardown of the setup that made it keeps the user and its policy there", async () => {
    const account = await withThird();
    const bucket = "shared5-a13d";
    await prod().s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const flags = (role: string) => ["--mode", "resource-policy", "--role-name", role, "--staging-user", "Reader"];
    const sa = await sandbox.run(setup(bucket, ["staging", "third"], flags("SA")));
    expect(sa.code, out(sa)).toBe(0);
    const sb = await sandbox.run(setup(bucket, ["third"], flags("SB")));
    expect(sb.code, out(sb)).toBe(0);
    const readerPolicies = async () =>
      (await clientsFor(sandbox.moto.endpoint, account).iam.send(new ListUserPoliciesCommand({ UserName: "Reader" }))).PolicyNames ?? [];
    expect(await readerPolicies()).toContain(`xacct-read-${bucket}`);

    const torn = await sandbox.run(["teardown", "--setup", `${bucket}/SA`, "--yes"]);
    expect(torn.code, out(torn)).toBe(0);
    expect(torn.stdout).toContain(`setup ${bucket}/SB uses it too`);
    expect(await readerPolicies()).toContain(`xacct-read-${bucket}`);
    const verify = await sandbox.run(["verify", "--setup", `${bucket}/SB`]);
    expect(verify.code, out(verify)).toBe(0);
  });
});

describe("a rerun that leaves out a further Staging account (D3)", () => {
  it("is refused before any write, naming the account and teardown; given again, the rerun runs and teardown removes it there", async () => {
    const account = await withThird();
    const bucket = "alpha-a13d";
    const made = await sandbox.run(setup(bucket, ["staging", "third"], ["--role-name", "AlphaRole", "--temp-profile", "AlphaCred"]));
    expect(made.code, out(made)).toBe(0);
    expect(await policiesIn(account)).toContain("xacct-assume-AlphaRole");

    const dropped = await sandbox.run(setup(bucket, ["staging"], ["--role-name", "AlphaRole", "--temp-profile", "AlphaCred"]));
    expect(dropped.code, out(dropped)).toBe(2);
    expect(dropped.stderr).toContain("333333333333 (profile third)");
    expect(dropped.stderr).toContain(`xacct teardown --setup ${bucket}/AlphaRole --yes`);
    expect(dropped.stderr).toContain("--staging-profile third");
    expect(writes(dropped)).toEqual([]);
    const state = JSON.parse(await readFile(sandbox.statePath, "utf8"));
    expect(state.setups[`${bucket}/AlphaRole`].moreStaging).toEqual([{ accountId: "333333333333", profile: "third" }]);

    const again = await sandbox.run(setup(bucket, ["staging", "third"], ["--role-name", "AlphaRole", "--temp-profile", "AlphaCred"]));
    expect(again.code, out(again)).toBe(0);
    const torn = await sandbox.run(["teardown", "--setup", `${bucket}/AlphaRole`, "--yes"]);
    expect(torn.code, out(torn)).toBe(0);
    expect(await policiesIn(account)).not.toContain("xacct-assume-AlphaRole");
  });
});
