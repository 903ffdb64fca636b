import { createArkitSolver } from '../../core/expression/solve-arkit';
import type { ComputeTasks, TaskName } from './compute-tasks';
import type { TaskContext } from './task-context';
import type { WorkerState } from './worker-state';

type Handlers = { [K in TaskName]?: (req: ComputeTasks[K]['req'], ctx: TaskContext, state: WorkerState) => Promise<ComputeTasks[K]['res']> | ComputeTasks[K]['res'] };

/** Expressions as data in the workers: ARKit weights solved from fitted geometry. */
export const EXPRESSION_TASKS: Handlers = {
  'expression.arkit': ({ pack, ict, photos }, ctx, state) => {
    // The solver's tables (the ARKit basis at the points and its normal matrix) are built once per pack pair.
    const solver = state.memo(`arkit:${pack.key}:${ict?.key ?? ''}`, () => createArkitSolver(pack.model, ict?.model ?? null));
    const weights = photos.map((p) => {
      ctx.throwIfStopped();
      return solver.solve(p.shape, p);
    });
    return { method: solver.method, weights };
  },
};
