// Re-exports for the end-to-end tests in e2e/test (which is not a workspace package and so cannot
// resolve these itself): the same module instances this package uses.
export * from 'rxjs';
export * from '@kspan/core';
export { Value } from '@sinclair/typebox/value';
