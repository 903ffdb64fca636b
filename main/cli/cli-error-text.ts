import { terminalText } from './terminal-text';

/**
 * How the CLI prints a failure: `Error: <message>` once, without the error's class name or a JavaScript
 * stack (those say nothing to the person at the terminal). `DECA_DEBUG=1` adds the stack for a bug report.
 * The message goes through {@link terminalText}, since it often quotes a file name.
 *
 * ```ts
 * cliErrorText(new Error('No such file: x.zip')); // 'Error: No such file: x.zip'
 * ```
 */
export function cliErrorText(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const message = error instanceof Error ? error.message : String(error);
  // Messages that wrap another error's text keep one "Error:" prefix, not two.
  const text = `Error: ${terminalText(message.replace(/^(?:(?:[A-Z]\w*)?Error: )+/, ''), { keepNewlines: true })}`;
  const stack = error instanceof Error && env.DECA_DEBUG === '1' ? error.stack : undefined;
  return stack ? `${text}\n${stack}` : text;
}
