/**
 * A binary min-heap ordered by `less`, O(log n) per push/pop: the causality processor's timers,
 * the benchmark workload's delivery queue.
 */
export class Heap<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const item = a[i]!;
      const parent = a[p]!;
      if (!this.less(item, parent)) break;
      // Swapped through locals: a destructuring swap allocated an array per step.
      a[i] = parent;
      a[p] = item;
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        const moved = a[m]!;
        a[m] = a[i]!;
        a[i] = moved;
        i = m;
      }
    }
    return top;
  }
}
