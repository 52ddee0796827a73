/**
 * Every question xacct asks goes through a Prompter. The terminal one uses @inquirer/prompts
 * on the streams it is given (so tests drive the real prompts); the unattended one refuses
 * to ask and names the flag that answers the question instead.
 */
import type { Readable, Writable } from "node:stream";
import { invalidInput } from "../errors.js";
import { wrapText } from "../ui/wrap.js";

export interface Choice<T extends string> {
  name: string;
  value: T;
  description?: string;
}

interface Question {
  message: string;
  /** The flag that answers this question in unattended runs. */
  flag: string;
}

export interface Prompter {
  select<T extends string>(q: Question & { choices: Choice<T>[]; default?: T }): Promise<T>;
  input(q: Question & { default?: string; validate?: (value: string) => true | string }): Promise<string>;
  confirm(q: Question & { default?: boolean }): Promise<boolean>;
}

export function terminalPrompter(streams: { input: Readable; output: Writable }): Prompter {
  // Loaded on first use: start-up of commands that never ask stays fast.
  const prompts = () => import("@inquirer/prompts");
  const context = { input: streams.input, output: streams.output, clearPromptOnDone: false };
  // Questions and descriptions break between words, so the terminal never cuts one in two.
  // Room is kept for the "? " before a question and the default or "(y/N)" after it.
  const columns = (streams.output as { columns?: number }).columns;
  const fit = (text: string, room: number): string => (columns ? wrapText(text, Math.max(20, columns - room)) : text);
  const fitChoices = <T extends string>(choices: Choice<T>[]): Choice<T>[] =>
    choices.map((c) => (c.description ? { ...c, description: fit(c.description, 1) } : c));
  return {
    async select(q) {
      const { select } = await prompts();
      return select({ message: fit(q.message, 4), choices: fitChoices(q.choices), ...(q.default ? { default: q.default } : {}) }, context);
    },
    async input(q) {
      const { input } = await prompts();
      const extra = 6 + (q.default?.length ?? 0);
      return input({ message: fit(q.message, extra), ...(q.default ? { default: q.default } : {}), ...(q.validate ? { validate: q.validate } : {}) }, context);
    },
    async confirm(q) {
      const { confirm } = await prompts();
      return confirm({ message: fit(q.message, 12), default: q.default ?? true }, context);
    },
  };
}

/** For scripts and CI: no terminal, so every missing answer is an input error naming its flag. */
export function unattendedPrompter(): Prompter {
  const refuse = (q: Question): never => {
    throw invalidInput(
      `${q.message.replace(/[?:]\s*$/, "")}: there is no terminal to ask, so give ${q.flag}.`,
      "Unattended runs need every answer as a flag; see `xacct setup --help`.",
    );
  };
  return { select: async (q) => refuse(q), input: async (q) => refuse(q), confirm: async (q) => refuse(q) };
}

/** Turns one of our validators (which throw) into an inquirer validate function. */
export function asPromptValidator(check: (value: string) => unknown): (value: string) => true | string {
  return (value) => {
    try {
      check(value.trim());
      return true;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
}
