/** Error codes a client can act on; the message is for people. */
export type ApiErrorCode =
  | 'bad-request'
  | 'not-found'
  | 'conflict'
  | 'no-project'
  | 'project-locked'
  | 'forbidden'
  | 'internal';

/**
 * An error that crosses the API boundary intact (code + message).
 *
 * ```ts
 * throw new ApiError('not-found', `No subject with id ${id}`);
 * ```
 */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): { code: ApiErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }

  /** Rebuilds an ApiError from its JSON form; anything else becomes an internal error. */
  static fromJSON(value: unknown): ApiError {
    if (value && typeof value === 'object' && 'code' in value && 'message' in value) {
      const { code, message } = value as { code: unknown; message: unknown };
      if (typeof code === 'string' && typeof message === 'string') {
        return new ApiError(code as ApiErrorCode, message);
      }
    }
    return new ApiError('internal', String(value));
  }
}
