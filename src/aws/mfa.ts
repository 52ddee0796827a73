/** The MFA devices of an IAM user, for the wizard to offer when a role requires MFA. */
import { ListMFADevicesCommand } from "@aws-sdk/client-iam";
import type { AwsClients } from "./clients.js";
import { withAwsContext } from "./errors.js";

/** Serial numbers (ARNs) of the user's devices, oldest first. */
export async function listMfaDevices(clients: AwsClients, userName: string, profile: string): Promise<string[]> {
  const serials: string[] = [];
  let marker: string | undefined;
  do {
    const page = await withAwsContext({ action: `listing the MFA devices of user ${userName}`, profile }, () =>
      clients.iam.send(new ListMFADevicesCommand({ UserName: userName, Marker: marker })),
    );
    for (const device of page.MFADevices ?? []) if (device.SerialNumber) serials.push(device.SerialNumber);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return serials;
}

/** The user name of an IAM user's ARN (`arn:aws:iam::ACCOUNT:user/path/NAME`), else undefined (a role session has no devices). */
export function userNameOf(arn: string): string | undefined {
  const match = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match?.[1];
}
