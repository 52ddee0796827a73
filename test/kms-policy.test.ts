/**
 * The KMS policy builders: least privilege (exactly the key, exactly kms:Decrypt, only through
 * S3 in the key's region), a key-policy statement merged and taken out by Sid around other
 * people's statements, and the keys xacct refuses to grant on.
 */
import { describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import {
  buildKeyPolicyStatement,
  buildKmsDecryptStatement,
  buildReadObjectsPolicy,
  isXacctKeyStatement,
  keyPolicyPrincipals,
  keyStatementSid,
  mergeKeyStatement,
  plannedKmsGrants,
  refuseOversizedKeyPolicy,
  refuseUnsafeKeyMerge,
  removeKeyStatement,
  s3ViaService,
  withKmsDecrypt,
  type KmsKey,
  type PolicyDocument,
} from "../src/policy/index.js";

const PROD = "111111111111";
const STAGING = "222222222222";
const KEY: KmsKey = {
  arn: `arn:aws:kms:eu-west-1:${PROD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  accountId: PROD,
  region: "eu-west-1",
  manager: "CUSTOMER",
};
const ROLE = `arn:aws:iam::${PROD}:role/StageRole`;
const SETUP_ID = "reports/StageRole";
const DEFAULT_KEY_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Id: "key-default-1",
  Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: "kms:*", Resource: "*" }],
} as PolicyDocument;

describe("the reader's kms:Decrypt statement", () => {
  it("grants exactly kms:Decrypt on exactly the key ARN, only through S3 in the key's region", () => {
    expect(buildKmsDecryptStatement(KEY)).toEqual({
      Sid: "XacctDecryptBucketKey",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: KEY.arn,
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
    });
  });

  it("names S3's host in the key's partition", () => {
    expect(s3ViaService("cn-north-1")).toBe("s3.cn-north-1.amazonaws.com.cn");
    expect(s3ViaService("us-gov-west-1")).toBe("s3.us-gov-west-1.amazonaws.com");
  });

  it("joins the role's read policy without changing its other statements, once however often it is added", () => {
    const read = buildReadObjectsPolicy({ partition: "aws", bucket: "reports" });
    const once = withKmsDecrypt(read, KEY);
    expect(once.Statement).toEqual([...read.Statement, buildKmsDecryptStatement(KEY)]);
    expect(withKmsDecrypt(once, KEY)).toEqual(once);
  });
});

describe("the key-policy statement", () => {
  it("admits the role alone in role mode, with the ViaService condition, under a Sid derived from the setup id", () => {
    const statement = buildKeyPolicyStatement({ setupId: SETUP_ID, region: KEY.region, principals: keyPolicyPrincipals({ mode: "role", roleArn: ROLE }) });
    expect(statement).toEqual({
      Sid: keyStatementSid(SETUP_ID),
      Effect: "Allow",
      Principal: { AWS: ROLE },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
    });
    expect(keyStatementSid(SETUP_ID)).toMatch(/^XacctKeyDecrypt[0-9a-f]{12}$/);
    expect(keyStatementSid("other/StageRole")).not.toBe(keyStatementSid(SETUP_ID));
  });

  it("admits the Staging accounts' roots, or the chosen principals, in resource-policy mode", () => {
    const sharing = {
      mode: "resource-policy" as const,
      partition: "aws" as const,
      stagingAccountId: STAGING,
      moreStagingAccountIds: ["333333333333", STAGING],
    };
    expect(keyPolicyPrincipals(sharing)).toEqual([`arn:aws:iam::${STAGING}:root`, "arn:aws:iam::333333333333:root"]);
    expect(keyPolicyPrincipals({ ...sharing, principals: [`arn:aws:iam::${STAGING}:user/ci`] })).toEqual([`arn:aws:iam::${STAGING}:user/ci`]);
  });
});

describe("merging into and taking out of a shared key policy", () => {
  const setup = {
    setupId: SETUP_ID,
    keyArn: KEY.arn,
    region: KEY.region,
    statement: buildKeyPolicyStatement({ setupId: SETUP_ID, region: KEY.region, principals: [ROLE] }),
  };
  const otherSetup = buildKeyPolicyStatement({ setupId: "other/OtherRole", region: KEY.region, principals: [`arn:aws:iam::${PROD}:role/OtherRole`] });
  const shared = { ...DEFAULT_KEY_POLICY, Statement: [...DEFAULT_KEY_POLICY.Statement, otherSetup] };

  it("adds its statement, keeps every other statement and field, and replaces (not duplicates) it on a rerun", () => {
    const merged = mergeKeyStatement(shared, setup);
    expect(merged).toEqual({ ...shared, Statement: [...shared.Statement, setup.statement] });
    expect(mergeKeyStatement(merged, setup)).toEqual(merged);
  });

  it("takes out only this setup's statement, leaving another setup's and the key's own", () => {
    const removal = removeKeyStatement(mergeKeyStatement(shared, setup), setup);
    expect(removal.after).toEqual(shared);
    expect(removal.removed).toEqual([setup.statement.Sid]);
    expect(removal.left).toEqual([otherSetup]);
  });

  it("refuses, and does not remove, a statement under its Sid whose content is not xacct's", () => {
    const squatter = { ...setup.statement, Action: "kms:*" };
    const policy = { ...DEFAULT_KEY_POLICY, Statement: [...DEFAULT_KEY_POLICY.Statement, squatter] };
    expect(isXacctKeyStatement(squatter, KEY.region)).toBe(false);
    expect(() => refuseUnsafeKeyMerge(policy, setup)).toThrow(/not written by xacct/);
    expect(removeKeyStatement(policy, setup)).toMatchObject({ after: policy, removed: [], left: [squatter] });
  });
});

describe("the key policy's size", () => {
  it("refuses a merge KMS would reject for its size (32 KB), before writing", () => {
    const big = {
      ...DEFAULT_KEY_POLICY,
      Statement: [
        ...DEFAULT_KEY_POLICY.Statement,
        {
          Sid: "Bulky",
          Effect: "Allow" as const,
          Principal: { AWS: `arn:aws:iam::${PROD}:root` },
          Action: "kms:Describe*",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalTag/team": "x".repeat(33_000) } },
        },
      ],
    };
    const setup = {
      setupId: SETUP_ID,
      keyArn: KEY.arn,
      region: KEY.region,
      statement: buildKeyPolicyStatement({ setupId: SETUP_ID, region: KEY.region, principals: [ROLE] }),
    };
    expect(() => refuseOversizedKeyPolicy(mergeKeyStatement(big, setup), KEY.arn)).toThrow(/over KMS's limit of 32768/);
    expect(() => refuseOversizedKeyPolicy(mergeKeyStatement(DEFAULT_KEY_POLICY, setup), KEY.arn)).not.toThrow();
  });
});

describe("the grants a setup plans for a key", () => {
  const sharing = { mode: "role" as const, productionAccountId: PROD, stagingAccountIds: [STAGING] };
  const plan = (key: KmsKey, admits: boolean, mode: "role" | "resource-policy" = "role") =>
    plannedKmsGrants({ key, bucket: "reports", setupId: SETUP_ID, sharing: { ...sharing, mode }, principals: [ROLE], keyPolicyAdmitsReader: admits });

  it("adds a key-policy statement only when the key policy does not already admit the reader", () => {
    expect(plan(KEY, true)).toEqual({ decrypt: buildKmsDecryptStatement(KEY) });
    expect(plan(KEY, false).keyStatement?.Sid).toBe(keyStatementSid(SETUP_ID));
  });

  it("needs nothing for the AWS managed aws/s3 key in role mode, which admits its own account through S3", () => {
    expect(plan({ ...KEY, manager: "AWS" }, true)).toEqual({});
  });

  it("refuses the AWS managed aws/s3 key in resource-policy mode, naming the fix", () => {
    const failure = (() => {
      try {
        plan({ ...KEY, manager: "AWS" }, false, "resource-policy");
      } catch (error) {
        return error;
      }
    })() as XacctError;
    expect(failure).toBeInstanceOf(XacctError);
    expect(failure.message).toContain("cannot decrypt");
    expect(failure.hint).toMatch(/--mode role/);
    expect(failure.hint).toMatch(/customer managed key/);
  });

  it("refuses a key of a third account: xacct grants only within Production and Staging", () => {
    const foreign = { ...KEY, accountId: "999999999999", arn: KEY.arn.replace(PROD, "999999999999") };
    expect(() => plan(foreign, false)).toThrow(/third account \(999999999999\)/);
  });
});
