/** Documents of managed policies, by ARN, read once each. */
import { GetPolicyCommand, GetPolicyVersionCommand } from "@aws-sdk/client-iam";
import type { AwsClients } from "../aws/clients.js";
import { withAwsContext } from "../aws/errors.js";
import { parsePolicyDocument } from "../policy/index.js";
import type { LabeledPolicy } from "../policy-eval/index.js";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { PolicyDocument } from "../policy/index.js";

/** A managed policy's name and its default version's document. */
export async function readManagedDocument(iam: IAMClient, arn: string): Promise<{ name: string; document: PolicyDocument }> {
  const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId }));
  return { name: policy.Policy?.PolicyName ?? arn, document: parsePolicyDocument(version.PolicyVersion?.Document ?? "{}") };
}

export async function managedDocumentsExcept(clients: AwsClients, arns: string[], except: string, owner: string, profile: string): Promise<LabeledPolicy[]> {
  return withAwsContext({ action: `reading the managed policies of ${owner}`, profile }, () =>
    Promise.all(
      arns
        .filter((arn) => arn !== except)
        .map(async (arn) => {
          const { name, document } = await readManagedDocument(clients.iam, arn);
          return { label: `managed policy ${name} of ${owner}`, document };
        }),
    ),
  );
}
