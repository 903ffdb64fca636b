import { ApiError } from '../../../core/api/api-error';

/**
 * The message to show a person for anything an API call threw. API errors carry a message
 * written for people; anything else (a network failure) gets a generic prefix.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return `Something went wrong: ${error.message}`;
  return `Something went wrong: ${String(error)}`;
}
