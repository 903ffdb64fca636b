import { cliErrorText } from './cli-error-text';
import { runCli } from './run-cli';

// Entry point of the `deca-studio` binary (bundled to out/main/cli.cjs).
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${cliErrorText(error)}\n`);
    process.exitCode = 1;
  },
);
