import { createHmac, randomBytes } from 'node:crypto';

/** The `diff` settings in the form the processor uses (config.ts resolves them). */
export interface DiffSettings {
  /** Kinds whose spec is kept and compared; empty: no diff. */
  kinds: ReadonlySet<string>;
  /** Values under `env` are redacted. */
  redactEnv: boolean;
  /** Keys (and list item names) that look like a secret; their values are redacted. */
  redactKeys: RegExp | undefined;
  /** Longest `kspan.change.diff` attribute, in characters. */
  maxLength: number;
  /** Longest compact spec kept, in characters; a longer one is not compared. */
  maxSpecLength: number;
  /** Objects whose specs are kept (least recently updated evicted). */
  maxObjects: number;
  /** Characters of compact spec held in all, across objects. */
  maxStoredLength: number;
}

/** A spec as kept: its compact JSON, or the length of one too large to compare. */
export type CompactSpec = string | number;

/**
 * A redacted value in the compact form: a marker and a keyed hash, so that a change of the value is
 * seen while the value itself is never held. The key is random per process; the hash never leaves it.
 */
const MASK = '\u0000';
const HASH_KEY = randomBytes(16);

export function isMasked(v: unknown): boolean {
  return typeof v === 'string' && v.startsWith(MASK);
}

function mask(v: unknown): string {
  const text = JSON.stringify(v) ?? '';
  return MASK + createHmac('sha256', HASH_KEY).update(text).digest('base64').slice(0, 16);
}

/**
 * Fields that identify a list item, tried in order (Kubernetes' merge keys: containers, env, volumes
 * by `name`; volumeMounts by `mountPath`; container ports by `containerPort`; Service ports by
 * `port`…). The first that every item has, with a scalar value unique in the list, is used.
 */
const ITEM_KEYS = [
  'name',
  'mountPath',
  'containerPort',
  'port',
  'devicePath',
  'ip',
  'topologyKey',
  'key',
];

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keyedBy(list: readonly unknown[], field: string): boolean {
  const seen = new Set<unknown>();
  for (const item of list) {
    if (!isPlainObject(item)) return false;
    const id = item[field];
    if ((typeof id !== 'string' && typeof id !== 'number') || seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}

/** The field that identifies the items of every given list, if one does (an empty list fits any). */
export function itemKeyField(...lists: readonly (readonly unknown[])[]): string | undefined {
  if (lists.every((l) => l.length === 0)) return undefined;
  return ITEM_KEYS.find((f) => lists.every((l) => keyedBy(l, f)));
}

/**
 * Makes the compact form of a top object's spec: the spec with every value that must not be shown
 * masked (values under `env`, under a secret-looking key or list item, and strings such as
 * `--password=…` or `TOKEN=…`), as JSON. A spec the receiver cut (`{"kspan.truncated": n}`) or one longer than
 * `maxSpecLength` is kept as its length only.
 */
export function compactSpec(spec: Record<string, unknown>, s: DiffSettings): CompactSpec {
  const cut = spec['kspan.truncated'];
  if (typeof cut === 'number') return cut;
  const json = JSON.stringify(new Compactor(s).object(spec, false, undefined));
  return json.length > s.maxSpecLength ? json.length : json;
}

class Compactor {
  /**
   * A string that sets a secret-looking name: `--db-password=…`, `API_TOKEN=…` (in an argument, or
   * a shell line). Only `=`: an image such as `vault-secret-operator:v1` is no secret.
   */
  private readonly assignment: RegExp | undefined;

  constructor(private readonly s: DiffSettings) {
    const keys = s.redactKeys;
    this.assignment = keys
      ? new RegExp(`(?:^|\\s)-{0,2}[\\w.-]*(?:${keys.source})[\\w.-]*=`, 'i')
      : undefined;
  }

  private secret(key: string): boolean {
    return this.s.redactKeys?.test(key) ?? false;
  }

  object(o: Record<string, unknown>, hide: boolean, idField: string | undefined): unknown {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o))
      // An item's identity stays visible: it names the item in the diff's paths.
      out[k] = k === idField ? v : this.value(v, hide || this.secret(k), k);
    return out;
  }

  private value(v: unknown, hide: boolean, key: string): unknown {
    if (Array.isArray(v)) return this.list(v, hide, key);
    if (isPlainObject(v)) return this.object(v, hide, undefined);
    if (hide || (typeof v === 'string' && this.assignment?.test(v))) return mask(v);
    return v;
  }

  private list(list: unknown[], hide: boolean, key: string): unknown[] {
    const field = itemKeyField(list);
    const envList = key === 'env' && this.s.redactEnv;
    return list.map((item) => {
      if (!isPlainObject(item)) return this.value(item, hide, key);
      const id = field === undefined ? undefined : item[field];
      const hideItem = hide || envList || (typeof id === 'string' && this.secret(id));
      return this.object(item, hideItem, field);
    });
  }
}
