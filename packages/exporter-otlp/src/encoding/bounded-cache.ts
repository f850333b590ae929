/**
 * What `make` gives for `key`, made once and kept in `cache`; the cache is emptied when it holds
 * `max` entries (the encoders' caches of keys and resources stay small in practice, and an
 * embedder's unusual input must not make them grow without end).
 */
export function cachedIn<K, V>(cache: Map<K, V>, max: number, key: K, make: (key: K) => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= max) cache.clear();
    value = make(key);
    cache.set(key, value);
  }
  return value;
}
