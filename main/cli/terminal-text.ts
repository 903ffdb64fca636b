export interface TerminalTextOptions {
  /**
   * Keep line breaks (multi-line messages), indenting every continuation line by two spaces so that
   * no line of the text can pass for a line of the CLI's own output.
   */
  keepNewlines: boolean;
}

export const TERMINAL_TEXT_DEFAULTS: TerminalTextOptions = { keepNewlines: false };

// C0 controls, DEL and C1 controls (ESC starts ANSI sequences; CSI is also 0x9b), the Unicode line and
// paragraph separators, and the bidirectional overrides and isolates that reorder what a line shows.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/**
 * Text from outside (a file name, a subject's name, an error quoting either) made safe to print on a
 * terminal: control characters, ANSI escape sequences and bidi overrides are shown escaped (`\n`,
 * `\e`, `\u202e`), so a file cannot print a fake "imported" line, recolour or clear the screen.
 *
 * ```ts
 * terminalText('a.jpg\nimported  b.jpg'); // 'a.jpg\\nimported  b.jpg' (one line)
 * terminalText('\u001b[2Jx.jpg');         // '\\e[2Jx.jpg'
 * ```
 */
export function terminalText(text: string, options: Partial<TerminalTextOptions> = {}): string {
  const { keepNewlines } = { ...TERMINAL_TEXT_DEFAULTS, ...options };
  const parts = keepNewlines ? text.split('\n') : [text];
  return parts.map((part) => part.replace(UNSAFE, escapeChar)).join('\n  ');
}

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}
