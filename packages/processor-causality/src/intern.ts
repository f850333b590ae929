// Small, often-repeated strings (kinds, namespaces, components, reasons, managers) are shared so that
// a hundred thousand tracked objects hold one copy of "ReplicaSet", not a hundred thousand.

const MAX_POOL = 100_000;

export class Interner {
  private readonly pool = new Map<string, string>();

  intern(s: string): string {
    const hit = this.pool.get(s);
    if (hit !== undefined) return hit;
    // Past the cap (a pathological stream of unique values) the pool stops growing: no harm, no sharing.
    if (this.pool.size < MAX_POOL) this.pool.set(s, s);
    return s;
  }
}
