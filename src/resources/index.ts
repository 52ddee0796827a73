/**
 * The kinds of resource one setup manages, in the order setup writes them and the order
 * teardown removes them. A new kind is a module of its own (resource.ts says what it answers)
 * and one entry in each list it takes part in.
 */
import { attachment } from "./attachment.js";
import { bucket } from "./bucket.js";
import { bucketPolicy } from "./bucket-policy.js";
import { bucketSettings } from "./bucket-settings.js";
import { inlinePolicy } from "./inline-policy.js";
import { keyPolicy } from "./key-policy.js";
import { managedPolicy } from "./managed-policy.js";
import type { ResourceKind } from "./resource.js";
import { role, roleSession } from "./role.js";
import { roleTrust } from "./role-trust.js";
import { user } from "./user.js";

/**
 * Production first (the bucket before its policy, the policy and role before the attachment,
 * the role before a key policy that names it), then Staging.
 */
export const SETUP_ORDER: readonly ResourceKind[] = [
  bucket,
  bucketSettings,
  bucketPolicy,
  managedPolicy,
  role,
  roleSession,
  attachment,
  keyPolicy,
  user,
  inlinePolicy,
];

/**
 * What hangs off a resource goes before it: a key-policy statement naming the role before the
 * role, the attachment before the policy and role, the policy statements before the bucket.
 */
export const TEARDOWN_ORDER: readonly ResourceKind[] = [keyPolicy, attachment, managedPolicy, role, roleTrust, bucketPolicy, bucket, inlinePolicy, user];

export type { ApplyView, Change, ChangeKind, Removal, RemovalKind, ResourceKind, SetupView, TeardownView } from "./resource.js";
