// Over 400 lines: the rule as data, the built-in rules (~170 lines of data, each with its why),
// their compilation and the table that matches events — one concept, the rules, read together.
import { bareMessage } from './aggregation.js';
import { Interner } from './intern.js';
import type { NormEvent } from './normalize.js';

/**
 * A causality rule, as data: which events it applies to (reporting component, involved kind,
 * reason — each one value or a list, absent = any), a regular expression on the message, and what
 * a match means:
 * - `child`: the message names an object of this kind (named group `name`, optional `namespace`);
 *   the event's span becomes the parent of that object's events;
 * - `root`: the event starts a change (a top-level event such as Flux's `Sync`): it becomes the
 *   root span of the change's trace. With `child` too, each child is a change of its own
 *   (a CronJob's `Created job X` is the root of the trace of job X's run);
 * - `observer`: with `child`, the event only reports on the named object (a CronJob's
 *   `Saw completed job X`, `UnexpectedJob`): it is in that object's trace, but no parent of its
 *   events — the object did not act because of it;
 * - `scale_target`: with `root`, the change the event starts is its object's scale target's
 *   (`spec.scaleTargetRef`, scale-targets.ts): an HPA's `SuccessfulRescale` is the root of the
 *   change its write made to the Deployment it scales. While the target is unknown (the autoscaler
 *   watched without its spec) the rule is not a root;
 * - `attributes`: span attribute → named group, e.g. `{ "k8s.node.name": "node" }`.
 */
export interface CausalityRule {
  /** A name for docs and debugging. */
  name?: string;
  component?: string | string[];
  kind?: string | string[];
  reason?: string | string[];
  /** A JavaScript regular expression (no flags) matched against the message. */
  message?: string;
  child?: string;
  root?: boolean;
  observer?: boolean;
  scale_target?: boolean;
  attributes?: Record<string, string>;
}

const POD_OWNERS = [
  'replicaset-controller',
  'replication-controller',
  'daemonset-controller',
  'job-controller',
];
const POD_OWNER_KINDS = ['ReplicaSet', 'ReplicationController', 'DaemonSet', 'Job'];
const STS_VERBS = [
  'SuccessfulCreate',
  'SuccessfulUpdate',
  'SuccessfulDelete',
  'FailedCreate',
  'FailedUpdate',
  'FailedDelete',
];

/**
 * kspan's built-in rules (docs/kubernetes-events.md §3–4), every message variant of current
 * and older releases. User rules from the config are tried first, so they can override these.
 */
export const builtinRules: readonly CausalityRule[] = Object.freeze<CausalityRule[]>([
  {
    name: 'deployment-scaling-replicaset',
    component: 'deployment-controller',
    kind: 'Deployment',
    reason: 'ScalingReplicaSet',
    // "Scaled up replica set X to 1", "Scaled down replica set X from 2 to 1" (v1.32+),
    // "Scaled down replica set X to 1 from 2" (v1.22–1.31): the name is the word after "replica set".
    message: '^Scaled (?:up|down) replica set (?<name>\\S+)',
    child: 'ReplicaSet',
  },
  {
    name: 'deployment-failed-create-replicaset',
    component: 'deployment-controller',
    kind: 'Deployment',
    reason: 'FailedCreate',
    message: '^Failed to create new replica set "(?<name>[^"]+)"',
    child: 'ReplicaSet',
  },
  {
    name: 'controller-created-pod',
    component: POD_OWNERS,
    kind: POD_OWNER_KINDS,
    reason: 'SuccessfulCreate',
    message: '^Created pod: (?<name>\\S+)$',
    child: 'Pod',
  },
  {
    name: 'controller-deleted-pod',
    component: POD_OWNERS,
    kind: POD_OWNER_KINDS,
    reason: 'SuccessfulDelete',
    message: '^Deleted pod: (?<name>\\S+)$',
    child: 'Pod',
  },
  {
    name: 'statefulset-pod',
    component: 'statefulset-controller',
    kind: 'StatefulSet',
    reason: STS_VERBS,
    // "create Pod web-0 in StatefulSet web successful", "delete Pod web-1 in StatefulSet web failed error: …"
    message:
      '^(?:create|update|delete) Pod (?<name>\\S+) in StatefulSet \\S+ (?:successful|failed)',
    child: 'Pod',
  },
  {
    name: 'statefulset-claim',
    component: 'statefulset-controller',
    kind: 'StatefulSet',
    reason: STS_VERBS,
    // "create Claim data-web-0 Pod web-0 in StatefulSet web success",
    // "create Claim data-web-0 for Pod web-0 in StatefulSet web failed error: …"
    message:
      '^(?:create|update|delete) Claim (?<name>\\S+) (?:for )?Pod (?<pod>\\S+) in StatefulSet',
    child: 'PersistentVolumeClaim',
    attributes: { 'k8s.pod.name': 'pod' },
  },
  {
    name: 'statefulset-recreating-pod',
    component: 'statefulset-controller',
    kind: 'StatefulSet',
    reason: ['RecreatingFailedPod', 'RecreatingTerminatedPod'],
    message: '^StatefulSet \\S+ is recreating (?:failed|terminated) Pod (?<name>\\S+)',
    child: 'Pod',
  },
  {
    name: 'daemonset-failed-pod',
    component: 'daemonset-controller',
    kind: 'DaemonSet',
    reason: 'FailedDaemonPod',
    message: '^Found failed daemon pod (?<namespace>[^/\\s]+)/(?<name>\\S+) on node (?<node>\\S+),',
    child: 'Pod',
    attributes: { 'k8s.node.name': 'node' },
  },
  {
    name: 'cronjob-created-job',
    component: 'cronjob-controller',
    kind: 'CronJob',
    reason: 'SuccessfulCreate',
    message: '^Created job (?<name>\\S+)$',
    child: 'Job',
    // Each run of a CronJob is a change of its own: this event is the root of the run's trace.
    root: true,
  },
  {
    name: 'cronjob-saw-completed-job',
    component: 'cronjob-controller',
    kind: 'CronJob',
    reason: 'SawCompletedJob',
    // "Saw completed job: hello-28000, status: Complete" (older: without the status)
    message: '^Saw completed job: (?<name>[^,\\s]+)(?:, status: (?<status>\\S+))?',
    child: 'Job',
    // It reports on the job (after the fact, or what it found): never the cause of the job's events.
    observer: true,
    attributes: { 'k8s.job.status': 'status' },
  },
  {
    name: 'cronjob-deleted-job',
    component: 'cronjob-controller',
    kind: 'CronJob',
    reason: 'SuccessfulDelete',
    message: '^Deleted job (?<name>\\S+)$',
    child: 'Job',
  },
  {
    name: 'cronjob-unexpected-job',
    component: 'cronjob-controller',
    kind: 'CronJob',
    reason: 'UnexpectedJob',
    message: '^Saw a job that the controller did not create or forgot: (?<name>\\S+)$',
    child: 'Job',
    // It reports on the job (after the fact, or what it found): never the cause of the job's events.
    observer: true,
  },
  {
    name: 'cronjob-missing-job',
    component: 'cronjob-controller',
    kind: 'CronJob',
    reason: 'MissingJob',
    message: '^Active job went missing: (?<name>[^\\s,]+)',
    child: 'Job',
    // It reports on the job (after the fact, or what it found): never the cause of the job's events.
    observer: true,
  },
  {
    // The HPA controller writes the target's replicas through its scale subresource, then says so
    // ("New size: 3; reason: Current number of replicas below Spec.MinReplicas"): the cause of
    // the target's new generation, so the root of that change's trace.
    name: 'hpa-rescale',
    component: 'horizontal-pod-autoscaler',
    kind: 'HorizontalPodAutoscaler',
    reason: 'SuccessfulRescale',
    message: '^New size: \\d+; reason: ',
    root: true,
    scale_target: true,
  },
  {
    // Flux v1 reports each sync that applied a commit as a `Sync` event on the object it changed:
    // the change's cause, so the root of its trace.
    name: 'flux-sync',
    component: 'flux',
    reason: 'Sync',
    root: true,
  },
  {
    // The scheduler's component is its profile name (default-scheduler or a custom one): any.
    name: 'scheduler-scheduled',
    kind: 'Pod',
    reason: 'Scheduled',
    message: '^Successfully assigned (?<namespace>[^/\\s]+)/(?<pod>\\S+) to (?<node>\\S+)$',
    attributes: { 'k8s.node.name': 'node' },
  },
  {
    name: 'scheduler-preempted',
    kind: 'Pod',
    reason: 'Preempted',
    // newer: "Preempted by pod <uid> on node n1"; older: "Preempted by ns/name on node n1".
    // The preemptor itself comes from `related` (a link), not from the message.
    message: '^Preempted by (?:pod )?\\S+ on node (?<node>\\S+)',
    attributes: { 'k8s.node.name': 'node' },
  },
  {
    // Kubelet container events attach under their Pod through the Pod's creating event; these
    // rules only lift the image into an attribute. The container comes from the fieldPath.
    name: 'kubelet-image',
    kind: 'Pod',
    reason: ['Pulling', 'Pulled', 'Failed', 'BackOff', 'ErrImageNeverPull', 'InspectFailed'],
    message: '[Ii]mage "(?<image>[^"]+)"',
    attributes: { 'container.image.name': 'image' },
  },
]);

/** A rule ready to match: lists as sets, the message regex compiled once. */
export interface CompiledRule {
  readonly source: CausalityRule;
  readonly index: number;
  readonly components: ReadonlySet<string> | undefined;
  readonly kinds: ReadonlySet<string> | undefined;
  readonly reasons: ReadonlySet<string> | undefined;
  readonly message: RegExp | undefined;
  readonly child: string | undefined;
  readonly root: boolean;
  readonly observer: boolean;
  readonly scaleTarget: boolean;
  readonly attributes: readonly (readonly [string, string])[];
}

/** The object an event's message names (a rule's `child`). */
export interface NamedChild {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/**
 * What a matching rule says about one event. Held with the event (a causal one for `parent_ttl`):
 * the named child's fields are its own, and `child` is the match itself — not an object more each.
 */
export class RuleMatch implements NamedChild {
  constructor(
    readonly rule: CompiledRule,
    /** The named child's namespace and name ('' when the rule names none); its kind is the rule's. */
    readonly namespace: string,
    public name: string,
    readonly attributes: Record<string, string> | undefined,
  ) {}

  get kind(): string {
    return this.rule.child ?? '';
  }

  /** The named child, if the rule names one. */
  get child(): NamedChild | undefined {
    return this.rule.child ? this : undefined;
  }
}

/** A rule that cannot be compiled; `path` is relative to the rule list. */
export interface RuleProblem {
  path: string;
  message: string;
}

const asSet = (v: string | string[] | undefined) =>
  v === undefined ? undefined : new Set(Array.isArray(v) ? v : [v]);

/** Compiles rules, returning every problem at once (bad regex, a child rule without a `name` group). */
export function compileRules(rules: readonly CausalityRule[]): {
  rules: CompiledRule[];
  problems: RuleProblem[];
} {
  const out: CompiledRule[] = [];
  const problems: RuleProblem[] = [];
  rules.forEach((r, i) => {
    if (r.child === undefined && !r.root && Object.keys(r.attributes ?? {}).length === 0) {
      problems.push({
        path: `[${i}]`,
        message: 'a rule needs `child`, `root` or `attributes` to have an effect',
      });
      return;
    }
    let message: RegExp | undefined;
    if (r.message !== undefined) {
      try {
        message = new RegExp(r.message);
      } catch (err) {
        problems.push({
          path: `[${i}].message`,
          message: `invalid regular expression: ${(err as Error).message}`,
        });
        return;
      }
    }
    if (r.scale_target && !r.root) {
      problems.push({ path: `[${i}].scale_target`, message: '`scale_target` needs `root`' });
      return;
    }
    if (r.child !== undefined && !/\(\?<name>/.test(r.message ?? '')) {
      problems.push({
        path: `[${i}].message`,
        message: 'a rule with `child` needs a message pattern with a (?<name>…) group',
      });
      return;
    }
    for (const [attr, group] of Object.entries(r.attributes ?? {})) {
      if (!new RegExp(`\\(\\?<${group.replace(/[^\w]/g, '')}>`).test(r.message ?? '')) {
        problems.push({
          path: `[${i}].attributes.${attr}`,
          message: `the message pattern has no (?<${group}>…) group`,
        });
        return;
      }
    }
    out.push({
      source: r,
      index: i,
      components: asSet(r.component),
      kinds: asSet(r.kind),
      reasons: asSet(r.reason),
      message,
      child: r.child,
      root: r.root === true,
      observer: r.observer === true && r.child !== undefined,
      scaleTarget: r.scale_target === true,
      attributes: Object.entries(r.attributes ?? {}),
    });
  });
  return { rules: out, problems };
}

const MAX_SHARED_MATCHES = 4096;

/**
 * Finds the first rule matching an event. Rules are bucketed by reason so an event only tries the
 * few rules that could apply; the regex runs only when component, kind and reason already fit.
 */
export class RuleTable {
  private readonly byReason = new Map<string, CompiledRule[]>();
  private readonly anyReason: CompiledRule[] = [];
  /**
   * Owner kind (or `*`) → the child kinds whose children are changes of their own (from root+child
   * rules). Nested rather than `owner>child` strings: asked for every span, with no string made.
   */
  private readonly runs = new Map<string, Set<string>>();
  /**
   * Attribute values (an image, a node): few distinct, and each cut out of its event's message,
   * which it would keep alive as long as the event is held. Shared copies of their own instead.
   */
  private readonly values = new Interner(4096);
  /**
   * Matches that name no child, shared (never written: only a child's name is set, by the owner
   * graph): one per rule and set of attribute values. A kubelet's `Pulling`, a scheduler's
   * `Scheduled` made a match and an attribute object each (112 B), held with their events.
   */
  private readonly shared = new Map<CompiledRule, Map<string, RuleMatch>>();
  private sharedCount = 0;

  constructor(readonly rules: readonly CompiledRule[]) {
    for (const r of rules) {
      if (r.reasons) {
        for (const reason of r.reasons) {
          const list = this.byReason.get(reason) ?? [];
          list.push(r);
          this.byReason.set(reason, list);
        }
      } else this.anyReason.push(r);
      if (r.root && r.child)
        for (const k of r.kinds ?? ['*']) {
          let children = this.runs.get(k);
          if (!children) this.runs.set(k, (children = new Set()));
          children.add(r.child);
        }
    }
    // Keep table order within a bucket (user rules first) when merged with reason-less rules.
    if (this.anyReason.length > 0)
      for (const [reason, list] of this.byReason)
        this.byReason.set(
          reason,
          [...list, ...this.anyReason].sort((a, b) => a.index - b.index),
        );
  }

  /** Whether children of `childKind` owned by `ownerKind` each start a change of their own. */
  isRun(ownerKind: string, childKind: string): boolean {
    return (
      this.runs.get(ownerKind)?.has(childKind) === true ||
      this.runs.get('*')?.has(childKind) === true
    );
  }

  match(e: NormEvent): RuleMatch | undefined {
    const list = this.byReason.get(e.reason) ?? this.anyReason;
    for (const r of list) {
      if (r.kinds && !r.kinds.has(e.regarding.kind)) continue;
      if (r.components && !r.components.has(e.component)) continue;
      let groups: Record<string, string | undefined> | undefined;
      if (r.message) {
        const m = r.message.exec(bareMessage(e.message));
        if (!m) continue;
        groups = m.groups;
      }
      const name = groups?.name;
      if (r.child && !name) continue;
      let attributes: Record<string, string> | undefined;
      for (const [attr, group] of r.attributes) {
        const v = groups?.[group];
        if (v) (attributes ??= {})[attr] = this.values.intern(v);
      }
      return r.child
        ? new RuleMatch(r, groups?.namespace ?? e.regarding.namespace, name!, attributes)
        : this.sharedMatch(r, attributes);
    }
    return undefined;
  }

  /** The shared match of a rule without a child, with these attribute values. */
  private sharedMatch(r: CompiledRule, attributes: Record<string, string> | undefined): RuleMatch {
    let byValues = this.shared.get(r);
    if (!byValues) this.shared.set(r, (byValues = new Map()));
    // The values in the rule's order, '' for one absent (a value is never ''), each ended by \0:
    // one key per set of values, unless a value holds a \0 itself (then not shared).
    // With one attribute (the built-in rules') its value alone, no string made.
    let key = '';
    if (attributes && r.attributes.length === 1) key = attributes[r.attributes[0]![0]] ?? '';
    else if (attributes)
      for (const [attr] of r.attributes) {
        const v = attributes[attr] ?? '';
        if (v.includes('\0')) return new RuleMatch(r, '', '', attributes);
        key += `${v}\0`;
      }
    const hit = byValues.get(key);
    if (hit) return hit;
    const m = new RuleMatch(r, '', '', attributes);
    // At the cap the pool starts again (its matches stay with the events holding them): values
    // come and go (images of one rollout, then the next), and a pool that stopped growing shared
    // nothing new — 13.8k of the 1M replay's held matches were unshared copies of 5.8k.
    if (this.sharedCount >= MAX_SHARED_MATCHES) {
      this.shared.clear();
      this.sharedCount = 0;
      this.shared.set(r, (byValues = new Map()));
    }
    byValues.set(key, m);
    this.sharedCount++;
    return m;
  }
}
