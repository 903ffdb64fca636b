import { parseArgs } from 'node:util';
import { CliUsageError, EXIT, type CliCommand, type CliIO } from './cli-command';
import { COMMANDS } from './commands/index';
import { cliErrorText } from './cli-error-text';

const CONSOLE_IO: CliIO = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

function help(io: CliIO): void {
  io.out('Usage: deca-studio <command> [options]\n\nCommands:');
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  for (const c of COMMANDS) io.out(`  ${c.usage.padEnd(width)}  ${c.summary}`);
}

/** Finds the longest command name that the arguments start with (`packs list` before `packs`). */
function findCommand(argv: readonly string[]): { command: CliCommand; rest: string[] } | null {
  const byLength = [...COMMANDS].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of byLength) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return null;
}

/**
 * Runs the `deca-studio` CLI with the given arguments; resolves with the exit code.
 *
 * ```ts
 * const code = await runCli(['subjects', '/p/Portraits.decastudio', '--json']);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO = CONSOLE_IO): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    help(io);
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    io.err(`Unknown command "${argv[0]}". Run "deca-studio --help" for the list.`);
    return EXIT.usage;
  }
  const { command, rest } = found;
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      io.out(`Usage: deca-studio ${command.usage}\n\n${command.summary}`);
      return EXIT.ok;
    }
    return await command.run({ positionals: parsed.positionals, values: parsed.values }, io);
  } catch (error) {
    if (error instanceof CliUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\nUsage: deca-studio ${command.usage}`);
      return EXIT.usage;
    }
    io.err(cliErrorText(error));
    return EXIT.failed;
  }
}
