// Small, often-repeated strings (kinds, namespaces, components, reasons, managers) are shared so that
// a hundred thousand tracked objects hold one copy of "ReplicaSet", not a hundred thousand.

const MAX_POOL = 100_000;

export class Interner {
  private readonly pool = new Map<string, string>();

  constructor(private readonly maxPool = MAX_POOL) {}

  intern(s: string): string {
    const hit = this.pool.get(s);
    if (hit !== undefined) return hit;
    // Past the cap (a stream of unique values) the pool stops growing: no harm, no sharing.
    if (this.pool.size >= this.maxPool) return ownCopy(s);
    const own = ownCopy(s);
    this.pool.set(own, own);
    return own;
  }
}

/**
 * A string of its own: a part cut out of a longer one (a regex group, `slice`) is, in V8, a view
 * that keeps the whole of the longer one alive — an image name, the whole `Pulling image …`
 * message. Measured (Node 20): `[s].join('')` and `(' ' + s).slice(1)` still give views;
 * a JSON round trip gives a flat string. Only on a pool miss.
 */
function ownCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
