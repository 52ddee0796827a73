/**
 * Organization policies against the emulator. A third account runs the organization; Production
 * and Staging are accounts it created (the emulator lets other accounts join only that way).
 * Neither side may read the organization's policies, so verify says it did not check them (?,
 * exit 3); with --org-profile of the management account it reads and applies them: a Deny SCP
 * on Staging fails exactly the assume hop, a Deny RCP on Production fails the bucket's hop.
 * Decisions come from xacct's evaluator; the emulator only stores the policies.
 */
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  DetachPolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bootstrapAccount, writeSandboxProfiles, type BootstrappedAccount } from "../src/localaws/bootstrap.js";
import type { Hop } from "../src/verify/hops.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "org-policies-bucket";
let org: OrganizationsClient;
let management: BootstrappedAccount;
let prodId = "";
let stagingId = "";

async function memberAccount(name: string): Promise<string> {
  const out = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
  return out.CreateAccountStatus!.AccountId!;
}

beforeAll(async () => {
  management = await bootstrapAccount(sandbox.moto.endpoint, { accountId: "333333333333", userName: "OrgAdmin" });
  org = new OrganizationsClient({ endpoint: sandbox.moto.endpoint, region: "us-east-1", credentials: management.accessKey });
  await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  const root = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
  for (const type of ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] as const)
    await org.send(new EnablePolicyTypeCommand({ RootId: root, PolicyType: type }));
  prodId = await memberAccount("production");
  stagingId = await memberAccount("staging");
  const prod = await bootstrapAccount(sandbox.moto.endpoint, { accountId: prodId, userName: "ProdAdmin" });
  const staging = await bootstrapAccount(sandbox.moto.endpoint, { accountId: stagingId, userName: "StageAdmin" });
  await writeSandboxProfiles(join(sandbox.dir, "aws"), { prod, staging, org: management }, { endpoint: sandbox.moto.endpoint });
  const setup = await sandbox.run(setupArgs(BUCKET));
  expect(setup.code, setup.stderr).toBe(0);
});

async function verifyJson(extra: string[] = []): Promise<{ code: number; hops: Hop[]; undecided: number; failed: number; stdout: string }> {
  const run = await sandbox.run(["verify", "--json", ...extra]);
  const out = JSON.parse(run.stdout) as { hops: Hop[]; undecided: number; failed: number };
  return { code: run.code, stdout: run.stdout, ...out };
}

async function withPolicy(
  type: "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY",
  target: string,
  statement: object,
  check: () => Promise<void>,
): Promise<void> {
  const created = await org.send(
    new CreatePolicyCommand({
      Name: `deny-${type}`,
      Description: "test",
      Type: type,
      Content: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
    }),
  );
  const PolicyId = created.Policy!.PolicySummary!.Id!;
  await org.send(new AttachPolicyCommand({ PolicyId, TargetId: target }));
  try {
    await check();
  } finally {
    await org.send(new DetachPolicyCommand({ PolicyId, TargetId: target }));
  }
}

describe("organization policies", () => {
  it("not readable with the two sides' credentials: a ? hop naming both accounts and the fix, exit 3", async () => {
    const { code, hops, undecided, failed } = await verifyJson();
    const hop = hops.find((h) => h.id === "organization-policies-checked")!;
    expect(hop.ok).toBeNull();
    expect(hop.title).toContain("not checked (no access)");
    expect(hop.detail).toContain(stagingId);
    expect(hop.detail).toContain(prodId);
    expect(hop.fix).toContain("--org-profile");
    expect(hops.filter((h) => h.ok !== true).map((h) => h.id)).toEqual(["organization-policies-checked"]);
    expect({ code, undecided, failed }).toEqual({ code: 3, undecided: 1, failed: 0 });
  });

  it("with --org-profile of the management account they are read and applied: all ✔, exit 0", async () => {
    const { code, hops } = await verifyJson(["--org-profile", "org"]);
    expect(hops.find((h) => h.id === "organization-policies-checked")?.ok).toBe(true);
    expect(hops.filter((h) => h.ok !== true)).toEqual([]);
    expect(code).toBe(0);
  });

  it("a Deny SCP on Staging fails exactly the assume hop, naming the SCP", async () => {
    await withPolicy("SERVICE_CONTROL_POLICY", stagingId, { Sid: "NoAssume", Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" }, async () => {
      const { code, hops } = await verifyJson(["--org-profile", "org"]);
      expect(hops.filter((h) => h.ok !== true).map((h) => h.id)).toEqual(["user-may-assume"]);
      expect(hops.find((h) => h.id === "user-may-assume")!.detail).toContain("NoAssume");
      expect(code).toBe(1);
    });
  });

  it("a Deny RCP on Production fails the bucket's hop, naming the RCP", async () => {
    const statement = { Sid: "NoReads", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` };
    await withPolicy("RESOURCE_CONTROL_POLICY", prodId, statement, async () => {
      const { code, hops } = await verifyJson(["--org-profile", "org"]);
      expect(hops.filter((h) => h.ok !== true).map((h) => h.id)).toEqual(["bucket-allows-read"]);
      expect(hops.find((h) => h.id === "bucket-allows-read")!.detail).toContain("NoReads");
      expect(code).toBe(1);
    });
  });

  it("a denied assume, where the SCPs could not be read, names them as the possible cause", async () => {
    const { startFaultProxy } = await import("./support/fault-proxy.js");
    const proxy = await startFaultProxy(sandbox.moto.endpoint);
    // The emulator would let the assume through; an SCP in AWS would refuse it, so the proxy does.
    proxy.rule = (r) => (r.action === "AssumeRole" ? { status: 403, code: "AccessDenied", message: "explicit deny in a service control policy" } : undefined);
    const result = await sandbox.run(["--endpoint-url", proxy.endpoint, "assume", "--write-profile"]);
    await proxy.close();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Possible cause: organization policies (SCPs, RCPs) on the path: not checked (no access).");
    expect(result.stderr).toContain("--org-profile");
  });

  it("an --org-profile that does not exist is refused before any AWS call", async () => {
    const run = await sandbox.run(["verify", "--org-profile", "nosuch"]);
    expect(run.code).toBe(2);
    expect(run.calls.calls).toEqual([]);
  });
});
