import path from 'node:path';
import { APP_VERSION, appDataDir } from '../../app-paths';
import { startBrowserServer } from '../../server/browser-server';
import { Studio } from '../../services/studio';
import { CliUsageError, type CliCommand } from '../cli-command';

/** Where the built renderer sits next to the bundled CLI (out/main/cli.cjs → out/renderer). */
export function defaultRendererDir(): string {
  return process.env.DECA_RENDERER_DIR ?? path.resolve(__dirname, '../renderer');
}

/** `deca-studio serve [project] [--port P]`: browser mode. */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the studio to a browser on 127.0.0.1 (prints the URL with its access token)',
  usage: 'serve [project] [--port P]',
  options: { port: { type: 'string' } },
  async run({ positionals, values }, io) {
    if (positionals.length > 1) throw new CliUsageError('Give at most one project folder');
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError('--port must be 0..65535');
    const studio = new Studio({ mode: 'browser', version: APP_VERSION, settingsDir: appDataDir() });
    if (positionals[0]) await studio.openProject(positionals[0]);
    const server = await startBrowserServer({ studio, rendererDir: defaultRendererDir(), port });
    io.out(`DECA Studio is serving on 127.0.0.1 only. Open this URL in a browser:\n${server.url}`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    io.out('Stopping…');
    await server.close();
    await studio.closeProject();
    return 0;
  },
};
