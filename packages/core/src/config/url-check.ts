import { errorMessage, type ConfigProblem } from '../errors.js';

/**
 * For a factory's `checkConfig`: each of `keys` that is set must parse as a URL. (A schema pattern
 * such as `^https?://\S+` lets `http://[::1:4318` through; `new URL` at start-up would not.)
 */
export function checkUrls(config: object, keys: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of keys) {
    const value = (config as Record<string, unknown>)[key];
    if (typeof value !== 'string' || value === '') continue;
    try {
      new URL(value);
    } catch (err) {
      problems.push({ path: key, message: `invalid URL: ${errorMessage(err)}` });
    }
  }
  return problems;
}
