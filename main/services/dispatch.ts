import { ApiError } from '../../core/api/api-error';
import type { ApiHandlers } from '../../core/api/contract';
import { isApiMethod, validateRequest } from '../../core/api/validate-request';

export type DispatchResult = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * The single entry from any transport: checks the method name and the request against the
 * contract, runs the handler, and turns every failure into a serialisable error.
 *
 * ```ts
 * const result = await dispatch(handlers, 'subjects.list', {});
 * ```
 */
export async function dispatch(handlers: ApiHandlers, method: unknown, raw: unknown): Promise<DispatchResult> {
  try {
    if (!isApiMethod(method)) throw new ApiError('not-found', `Unknown API method "${String(method).slice(0, 100)}"`);
    const req = validateRequest(method, raw);
    const handler = handlers[method] as (req: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(req) };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error: error.toJSON() };
    const sqliteCode = (error as { code?: string }).code;
    if (sqliteCode === 'SQLITE_CONSTRAINT_UNIQUE') {
      return { ok: false, error: { code: 'conflict', message: 'That name is already taken' } };
    }
    console.error(`[api] ${String(method)} failed:`, error);
    return { ok: false, error: { code: 'internal', message: (error as Error).message || 'Internal error' } };
  }
}
