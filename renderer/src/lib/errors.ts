import { ApiError } from '../../../core/api/api-error';

/**
 * The message to show a person for anything an API call threw. API errors carry a message
 * written for people; a failed fetch means the browser-mode server is gone, which people can fix.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) {
    return 'Cannot reach the DECA Studio server. Is "deca-studio serve" still running? Restart it and open the URL it prints.';
  }
  if (error instanceof Error) return `Something went wrong: ${error.message}`;
  return `Something went wrong: ${String(error)}`;
}
