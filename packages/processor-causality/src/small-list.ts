// Lists that are mostly small (a span's occurrences, an object's marks) grow by copying into an
// array of exactly one more slot: `push`/`splice` reserve room for 16 or more, which most lists
// never use and every one of them would keep.

/** From this length on a list is spliced in place: it is one of the few that grow long. */
const SMALL_LIST = 16;

/**
 * `list` with `item` inserted at `i`: a copy exactly one slot longer while the list is small, else
 * `list` itself, spliced. Assign the result back.
 */
export function insertAt<T>(list: T[], i: number, item: T): T[] {
  if (list.length >= SMALL_LIST) {
    list.splice(i, 0, item);
    return list;
  }
  return withItemAt(list, i, item);
}

/**
 * A copy of `list` with `item` inserted at `i`, exactly one slot longer. A loop, not `concat`:
 * `concat` asks every argument whether it spreads (`Symbol.isConcatSpreadable`, a lookup through
 * the item's prototypes) and was ten times slower for these short lists.
 */
function withItemAt<T>(list: readonly T[], i: number, item: T): T[] {
  const n = list.length;
  const out = new Array<T>(n + 1);
  for (let j = 0; j < i; j++) out[j] = list[j]!;
  out[i] = item;
  for (let j = i; j < n; j++) out[j + 1] = list[j]!;
  return out;
}
