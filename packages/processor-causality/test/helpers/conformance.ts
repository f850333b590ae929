import { kspanCasesDir } from '@kspan/testing';
import { loadCases, type Case } from './cases.js';

/** kspan's recorded cases (the conformance data), each with its capture and kspan's expected tree. */
export function conformanceCases(): Case[] {
  return loadCases(kspanCasesDir());
}
