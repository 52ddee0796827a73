/**
 * The commands that deploy an exported CloudFormation template: `aws cloudformation deploy`
 * when nothing of it exists, an IMPORT change set when all of it does (setup ran before), and
 * when only some does, what CloudFormation needs first (it cannot import and create in one
 * change set). Pure.
 */
import { displayShellWord } from "../shell-words.js";
import type { CloudFormationImports } from "./adopt.js";

export interface StackDeployment {
  templatePath: string;
  /** The resources-to-import list beside it, when anything is imported. */
  importPath: string;
  stackName: string;
  profile: string;
  region: string;
  imports: CloudFormationImports | undefined;
}

const CHANGE_SET = "xacct-adopt";

export function stackCommands(stack: StackDeployment): string[] {
  const where = `--profile ${displayShellWord(stack.profile)} --region ${stack.region}`;
  const template = displayShellWord(stack.templatePath);
  const deploy = `aws cloudformation deploy --template-file ${template} --stack-name ${stack.stackName} --capabilities CAPABILITY_NAMED_IAM ${where}`;
  const toImport = stack.imports?.toImport ?? [];
  if (toImport.length === 0) return [deploy];
  const ids = toImport.map((r) => r.LogicalResourceId).join(", ");
  if (!stack.imports?.complete) {
    return [
      `# ${ids} exist already and the rest of ${template} does not; CloudFormation cannot import and create in one change set. ` +
        `Import them first (IMPORT change set, --resources-to-import file://${displayShellWord(stack.importPath)}, with a copy of the template holding only them), then:`,
      deploy,
    ];
  }
  const named = `--stack-name ${stack.stackName} --change-set-name ${CHANGE_SET} ${where}`;
  return [
    `aws cloudformation create-change-set --change-set-type IMPORT --resources-to-import file://${displayShellWord(stack.importPath)} ` +
      `--template-body file://${template} --capabilities CAPABILITY_NAMED_IAM ${named}`,
    `aws cloudformation wait change-set-create-complete ${named}`,
    `aws cloudformation execute-change-set ${named}`,
  ];
}
