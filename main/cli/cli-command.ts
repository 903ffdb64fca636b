import type { ParseArgsConfig } from 'node:util';

/** Where a command writes; injected so tests can capture output. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

export interface CliArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/**
 * One CLI verb (`deca-studio <name> …`). Each verb lives in its own file under `commands/` and is
 * listed in `commands/index.ts`. `run` returns the process exit code.
 *
 * ```ts
 * export const helloCommand: CliCommand = {
 *   name: 'hello', summary: 'Say hello', usage: 'hello <name>', options: {},
 *   run: async ({ positionals }, io) => (io.out(`hello ${positionals[0]}`), 0),
 * };
 * ```
 */
export interface CliCommand {
  /** One or two words: `import`, `packs list`. */
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: CliArgs, io: CliIO): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 64 (EX_USAGE). */
export class CliUsageError extends Error {}

export const EXIT = { ok: 0, failed: 1, partial: 2, usage: 64 } as const;
