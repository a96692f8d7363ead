/**
 * Questions to the user. In batch mode nothing is ever asked: callers use the
 * documented default or fail with a {@link BatchModeError}.
 *
 * @module
 */
import process from "node:process";
import { BatchModeError, NoInputError } from "./errors.ts";

/** Asks the user questions on the terminal. */
export interface Prompter {
  /** Ask for a line of text; an empty answer gives `defaultValue`. */
  ask(question: string, defaultValue?: string): Promise<string>;
  /** Ask a yes/no question. */
  confirm(question: string, defaultValue: boolean): Promise<boolean>;
}

/** A prompter that refuses to ask anything; used in batch mode and by the library. */
export const batchPrompter: Prompter = {
  ask(question) {
    throw new BatchModeError(question);
  },
  confirm(question) {
    throw new BatchModeError(question);
  },
};

/**
 * A prompter reading answers line by line from stdin (a terminal or a pipe).
 *
 * @example
 * ```ts
 * const name = await stdinPrompter().ask("Name?", "ws");
 * ```
 */
export function stdinPrompter(): Prompter {
  let pending: string[] = [];
  let ended = false;
  let buffer = "";
  let waiter: (() => void) | undefined;
  let listening = false;
  const listen = () => {
    if (listening) return;
    listening = true;
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      pending.push(...parts.map((l) => l.replace(/\r$/, "")));
      waiter?.();
    });
    process.stdin.on("end", () => {
      ended = true;
      if (buffer) pending.push(buffer);
      buffer = "";
      waiter?.();
    });
  };
  const readLine = async (): Promise<string | undefined> => {
    listen();
    process.stdin.resume();
    while (pending.length === 0 && !ended) {
      await new Promise<void>((resolve) => (waiter = resolve));
      waiter = undefined;
    }
    process.stdin.pause();
    const [line, ...rest] = pending;
    pending = rest;
    return line;
  };
  const answer = async (text: string, what: string): Promise<string> => {
    process.stdout.write(text);
    const line = await readLine();
    if (line === undefined) {
      process.stdout.write("\n");
      throw new NoInputError(what);
    }
    return line.trim();
  };
  return {
    async ask(question, defaultValue) {
      const suffix = defaultValue !== undefined && defaultValue !== "" ? ` [${defaultValue}]` : "";
      const line = await answer(`${question}${suffix}: `, question);
      return line === "" && defaultValue !== undefined ? defaultValue : line;
    },
    async confirm(question, defaultValue) {
      for (;;) {
        const line = (await answer(`${question} [${defaultValue ? "Y/n" : "y/N"}]: `, question)).toLowerCase();
        if (line === "") return defaultValue;
        if (line === "y" || line === "yes") return true;
        if (line === "n" || line === "no") return false;
        process.stdout.write("Error: invalid input\n");
      }
    },
  };
}
