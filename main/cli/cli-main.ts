import { cliErrorText } from './cli-error-text';
import { runCli } from './run-cli';

// Entry point of the `deca-studio` binary (bundled to out/main/cli.cjs). It also runs in Electron's main
// process (`electron out/main/cli.cjs …`), where video is decoded in a hidden window and the app must be
// told to exit (Electron does not end when its event loop is empty).
const finish = (code: number) => {
  process.exitCode = code;
  if ((process as { type?: string }).type === 'browser') void import('electron').then(({ app }) => app.exit(code));
};
runCli(process.argv.slice(2)).then(finish, (error: unknown) => {
  process.stderr.write(`${cliErrorText(error)}\n`);
  finish(1);
});
