// Recency lives in @kspan/core (one bounded-LRU rule for every package); import it from there.
export { Recency } from '@kspan/core';
