import type { CliCommand } from '../cli-command';
import { analyzeCommand } from './analyze';
import { clipCreateCommand, clipListCommand } from './clip';
import { detailCommand, detailInstallCommand } from './detail';
import { encoderEncodeCommand, encoderInstallCommand } from './encoder';
import { exportCommand } from './export';
import { expressionsCommand } from './expressions';
import { importCommand } from './import';
import { landmarksCommand } from './landmarks';
import { metricsCommand } from './metrics';
import { packsImportCommand } from './packs-import';
import { packsInfoCommand } from './packs-info';
import { packsListCommand } from './packs-list';
import { packsRemoveCommand } from './packs-remove';
import { packsRenderCommand } from './packs-render';
import { photosCommand } from './photos';
import { pinsClearCommand, pinsGetCommand, pinsRefitCommand, pinsSetCommand, pinsUndoCommand } from './pins';
import { projectCreateCommand } from './project-create';
import { reconstructCommand } from './reconstruct';
import { renderCommand } from './render';
import { serveCommand } from './serve';
import { subjectsCommand } from './subjects';
import { swapCommand } from './swap';

/** Every CLI verb. A new verb: a file in this folder and one line here. */
export const COMMANDS: readonly CliCommand[] = [projectCreateCommand, importCommand, subjectsCommand, photosCommand, serveCommand,
  packsListCommand, packsImportCommand, packsInfoCommand, packsRenderCommand, packsRemoveCommand,
  landmarksCommand, analyzeCommand, exportCommand, reconstructCommand, detailCommand, swapCommand, metricsCommand, renderCommand,
  encoderInstallCommand, encoderEncodeCommand, detailInstallCommand,
  pinsSetCommand, pinsGetCommand, pinsUndoCommand, pinsClearCommand, pinsRefitCommand, expressionsCommand, clipCreateCommand, clipListCommand];
