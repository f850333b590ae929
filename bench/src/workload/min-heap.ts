/** A binary min-heap ordered by `key`, ties broken by insertion order (stable). */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly seqs: number[] = [];
  private readonly values: T[] = [];
  private seq = 0;

  get size(): number {
    return this.values.length;
  }

  /** The smallest key, or Infinity when empty. */
  peekKey(): number {
    return this.keys[0] ?? Infinity;
  }

  push(key: number, value: T): void {
    this.keys.push(key);
    this.seqs.push(this.seq++);
    this.values.push(value);
    let i = this.values.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): T | undefined {
    const n = this.values.length;
    if (n === 0) return undefined;
    const top = this.values[0];
    this.swap(0, n - 1);
    this.keys.pop();
    this.seqs.pop();
    this.values.pop();
    let i = 0;
    const m = n - 1;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let s = i;
      if (l < m && this.less(l, s)) s = l;
      if (r < m && this.less(r, s)) s = r;
      if (s === i) break;
      this.swap(i, s);
      i = s;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const ka = this.keys[a] as number;
    const kb = this.keys[b] as number;
    return ka < kb || (ka === kb && (this.seqs[a] as number) < (this.seqs[b] as number));
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b] as number, this.keys[a] as number];
    [this.seqs[a], this.seqs[b]] = [this.seqs[b] as number, this.seqs[a] as number];
    [this.values[a], this.values[b]] = [this.values[b] as T, this.values[a] as T];
  }
}
