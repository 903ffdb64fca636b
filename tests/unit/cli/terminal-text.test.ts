import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliErrorText } from '../../../main/cli/cli-error-text';
import { runCli } from '../../../main/cli/run-cli';
import { terminalText } from '../../../main/cli/terminal-text';
import { SHARED_PHOTOS, useTempStudioHome } from '../../helpers/temp-dir';

const tmp = useTempStudioHome('deca-terminal-');

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('text from outside on the terminal', () => {
  it('escapes control characters, ANSI escapes and bidi overrides', () => {
    expect(terminalText('a.jpg\nimported  b.jpg')).toBe('a.jpg\\nimported  b.jpg');
    expect(terminalText('\u001b[2J\u001b[31mred.jpg\r')).toBe('\\e[2J\\e[31mred.jpg\\r');
    expect(terminalText('evil\u202egpj.exe\u0000\u009b')).toBe('evil\\u202egpj.exe\\x00\\x9b');
    expect(terminalText('Zoë 李.jpg')).toBe('Zoë 李.jpg');
    expect(terminalText('two\nlines\u001b', { keepNewlines: true })).toBe('two\n  lines\\e');
  });

  it('an imported file whose name holds a newline and ANSI codes prints one honest line', async () => {
    const project = path.join(tmp.dir, 'T.decastudio');
    expect((await cli(['project', 'create', project, '--name', 'T'])).code).toBe(0);
    const photos = path.join(tmp.dir, 'photos');
    mkdirSync(photos);
    const evil = path.join(photos, 'a.jpg\nimported  passwd\u001b[2K.jpg');
    copyFileSync(path.join(SHARED_PHOTOS, 'london_frl/p005/005_03_neutral_front.jpg'), evil);
    const r = await cli(['import', project, '--subject', 'Ann', evil]);
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(2); // the file's line and the summary
    expect(r.out[0]).toMatch(/^imported .*a\.jpg\\nimported {2}passwd\\e\[2K\.jpg$/);
    expect(r.out.join('\n')).not.toMatch(/\u001b/);
    const listed = await cli(['photos', project]);
    expect(listed.out.join('\n')).not.toMatch(/[\n\u001b].*passwd/);
  });

  it('prints a failure as one "Error: message", without the class name or a JavaScript stack', async () => {
    expect(cliErrorText(new TypeError('Error: boom'), {})).toBe('Error: boom');
    expect(cliErrorText(new Error('x'), { DECA_DEBUG: '1' })).toMatch(/^Error: x\nError: x\n\s+at /);
    const r = await cli(['packs', 'import', path.join(tmp.dir, 'no-such.zip')]);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(/^Error: No such file or folder: .*no-such\.zip$/)]);
    const broken = await cli(['packs', 'render', 'no-such-pack', '--out', path.join(tmp.dir, 'x.png')]);
    expect(broken.err.join('\n')).toMatch(/^Error: (?!Error)/);
    expect(broken.err.join('\n')).not.toMatch(/\n\s+at /);
  });
});
