import { KspanError } from '@kspan/core/config';

/** A mistake in how kspan was called: one line on stderr and exit code 2. */
export function usageError(message: string): KspanError {
  return new KspanError('USAGE', message);
}
