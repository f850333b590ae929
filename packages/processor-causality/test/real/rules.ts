// The mechanical ground truth of a recording, as rules over the recorded data only (see README.md):
// A. replica arithmetic: each pod a ReplicaSet created or deleted belongs to the Deployment step
//    that asked for it (steps and pods in name-time order); replacements belong to no step;
//    pods the spam filter left without a creation event still join the step's trace.
// C. uid identity: a pod's own events go under the event that created that uid; its Killing under
//    the event that deleted it, or (deleted by a user or an eviction) not under its creation.
import type { WatchEvent } from '@kspan/core';
import type { Defect, Relation, SpanRef } from './expected.js';
import { incarnations, objects, occurrences, type ObjectHistory, type Occ } from './analysis.js';

const CREATE = [/^Created pod: (\S+)$/, /^create Pod (\S+) in StatefulSet \S+ successful$/];
const DELETE = [/^Deleted pod: (\S+)$/, /^delete Pod (\S+) in StatefulSet \S+ successful$/];
const STEP = /^Scaled (up|down) replica set (\S+) from (\d+) to (\d+)$/;
const POD_LIFE = new Set([
  'Scheduled',
  'FailedScheduling',
  'Pulling',
  'Pulled',
  'Created',
  'Started',
]);

const isUp = (o: Occ) => CREATE.some((re) => re.test(o.bare));

const named = (o: Occ, res: RegExp[]) => {
  for (const re of res) {
    const m = re.exec(o.bare);
    if (m) return m[1];
  }
  return undefined;
};

export class Deriver {
  readonly rels: Relation[] = [];
  readonly warnings: string[] = [];
  private readonly occs: Occ[];
  private readonly objs: ObjectHistory[];

  constructor(items: readonly WatchEvent[]) {
    this.occs = occurrences(items);
    this.objs = objects(items);
  }

  /** A reference that picks exactly this occurrence's span. */
  ref(o: Occ): SpanRef {
    const same = this.occs.filter((x) => x.uid === o.uid);
    const r: SpanRef = { event: o.name };
    if (new Set(same.map((x) => x.message)).size > 1) r.message = o.message;
    if (same.filter((x) => x.message === o.message).length > 1) r.count = o.count;
    return r;
  }

  add(id: string, defect: Defect, span: Occ, check: Partial<Relation>, why: string) {
    if (this.rels.some((r) => r.id === id)) return;
    this.rels.push({ id, defect, span: this.ref(span), ...check, why });
  }

  /** A: each pod a ReplicaSet created (deleted) belongs to the Deployment step that asked for it. */
  steps(): void {
    const steps = this.occs.filter((o) => o.reason === 'ScalingReplicaSet' && STEP.test(o.bare));
    const rsNames = new Set(steps.map((s) => STEP.exec(s.bare)![2]!));
    for (const rs of rsNames) {
      const mine = this.occs.filter(
        (o) =>
          (o.kind === 'ReplicaSet' && o.objName === rs && (named(o, CREATE) || named(o, DELETE))) ||
          (steps.includes(o) && STEP.exec(o.bare)![2] === rs),
      );
      const quota: Array<{ step: Occ; up: boolean; left: number }> = [];
      // Pod events no step had room for yet: a repeat of an aggregated step is timed only by when
      // it was observed (later than it happened), so its pods can come first in that order.
      let waiting: Occ[] = [];
      for (const o of mine) {
        const m = STEP.exec(o.bare);
        if (m && steps.includes(o)) {
          const up = m[1] === 'up';
          // A step in the other direction supersedes what the earlier steps had not done yet.
          for (const q of quota) if (q.up !== up) q.left = 0;
          const q = { step: o, up, left: Math.abs(Number(m[4]) - Number(m[3])) };
          quota.push(q);
          if (o.count > 1)
            waiting = waiting.filter((w) => {
              const fits = isUp(w) === up && q.left > 0 && o.at - w.at < 1_000_000_000n;
              if (fits) {
                q.left--;
                this.underStep(w, o, steps);
              }
              return !fits;
            });
          continue;
        }
        const q = quota.find((x) => x.up === isUp(o) && x.left > 0);
        if (!q) {
          waiting.push(o);
          continue;
        }
        q.left--;
        this.underStep(o, q.step, steps);
      }
      for (const o of waiting) {
        if (isUp(o)) this.replacement(o, quota.filter((x) => x.up).at(-1)?.step);
        else this.warnings.push(`${o.name} "${o.message}": no scale-down step asked for it`);
      }
      this.spamDropped(rs, quota);
    }
  }

  private underStep(o: Occ, step: Occ, steps: Occ[]) {
    const sameSecond = steps.filter((s) => s.objUid === step.objUid && s.second === step.second);
    const defect: Defect =
      o.aggregated || step.aggregated ? '2' : sameSecond.length > 1 ? '1' : 'base';
    const verb = named(o, CREATE) ? 'created' : 'deleted';
    const n = `${o.name}#${o.count}`;
    this.add(
      `step/${n}`,
      defect,
      o,
      { parent: this.ref(step) },
      `"${step.bare}" asked for this pod (replica arithmetic over ${step.objName}'s steps for the ReplicaSet, in name-time order); the pod was ${verb} after it`,
    );
    // The whole-second pick: the latest step of that Deployment in the pod event's second.
    const latest = steps.filter((s) => s.objUid === step.objUid && s.second === o.second).at(-1);
    if (latest && latest !== step)
      this.add(
        `not-latest-step/${n}`,
        defect,
        o,
        { notParent: this.ref(latest) },
        `"${latest.bare}" is a later step of the same second; its own pods are accounted for by arithmetic`,
      );
  }

  /** A pod created with no step asking for it: a replacement after a deletion nobody's event records. */
  private replacement(o: Occ, lastUp: Occ | undefined) {
    if (!lastUp) return;
    this.add(
      `replacement/${o.name}#${o.count}`,
      '4',
      o,
      { notParent: this.ref(lastUp) },
      `"${lastUp.bare}" had already created all the pods it asked for; this one replaces a deleted pod`,
    );
  }

  /** Pods of the ReplicaSet with no creation event (client-go's spam filter) still join their step. */
  private spamDropped(rs: string, quota: Array<{ step: Occ; up: boolean; left: number }>) {
    const announced = new Set(this.occs.map((o) => named(o, CREATE)).filter(Boolean));
    const silent = this.objs.filter(
      (p) => p.kind === 'Pod' && p.owner?.name === rs && !announced.has(p.name),
    );
    const open = quota.filter((q) => q.up && q.left > 0);
    for (const pod of silent) {
      const q = open.find((x) => x.left > 0);
      const first = this.occs.find((o) => o.objUid === pod.uid && o.reason === 'Scheduled');
      if (!q || !first) {
        this.warnings.push(`pod ${pod.name} has no creation event and no step left to own it`);
        continue;
      }
      q.left--;
      this.add(
        `silent/${pod.name}`,
        '2',
        first,
        { sameTrace: this.ref(q.step) },
        `pod ${pod.name} (owner ${rs}) has no "Created pod" event (spam filter after 25); "${q.step.bare}" still asked for it`,
      );
    }
  }

  /** C: a pod's own events under its creation (by uid), its Killing under its deletion. */
  pods(): void {
    const creations = this.occs.filter((o) => named(o, CREATE));
    const deletions = this.occs.filter((o) => named(o, DELETE));
    for (const [name, incs] of incarnations(this.objs)) {
      const made = creations.filter((o) => named(o, CREATE) === name);
      if (made.length !== incs.length) {
        if (made.length)
          this.warnings.push(`pod ${name}: ${incs.length} uids, ${made.length} creation events`);
        continue;
      }
      incs.forEach((pod, k) => {
        const created = made[k]!;
        const until = made[k + 1]?.at;
        const naming = [...made, ...deletions.filter((d) => named(d, DELETE) === name)];
        for (const o of this.occs.filter((x) => x.objUid === pod.uid)) {
          const n = `${o.name}#${o.count}`;
          // Defect 2 when the creating occurrence is an aggregated one, 3 when the name is reused,
          // 1 when another event naming the pod falls in the same whole second after this one.
          const sameSecond = naming.some(
            (d) => d !== created && d.second === o.second && d.at > o.at,
          );
          // A retried FailedScheduling (a new Event, after the first) is defect 5's case.
          const retry =
            o.reason === 'FailedScheduling' &&
            this.occs.some((x) => x.objUid === pod.uid && x.reason === o.reason && x.at < o.at);
          const defect: Defect = retry
            ? '5'
            : created.aggregated
              ? '2'
              : incs.length > 1
                ? '3'
                : sameSecond
                  ? '1'
                  : 'base';
          if (POD_LIFE.has(o.reason)) {
            if (o.count === 1)
              this.add(
                `pod/${n}`,
                defect,
                o,
                { parent: this.ref(created) },
                `the event is about pod uid ${pod.uid}, which "${created.bare}" (occurrence ${created.count}) created`,
              );
            else
              this.add(
                `pod-repeat/${n}`,
                o.reason === 'FailedScheduling' ? '5' : defect,
                o,
                { sameTrace: this.ref(created) },
                `a repeat of an event about pod uid ${pod.uid} belongs to that pod's creation, "${created.bare}", whatever changed since`,
              );
          } else if (o.reason === 'Killing') {
            const del = deletions.find(
              (d) =>
                named(d, DELETE) === name &&
                d.at > created.at &&
                (until === undefined || d.at < until),
            );
            if (del)
              this.add(
                `killing/${n}`,
                defect,
                o,
                { parent: this.ref(del) },
                `pod uid ${pod.uid} was stopped because "${del.bare}" deleted it (the next incarnation, if any, was created after)`,
              );
            else
              this.add(
                `killing-unowned/${n}`,
                '4',
                o,
                { notParent: this.ref(created) },
                `no controller deleted pod uid ${pod.uid} (a user or an eviction did): its creation is not the cause of its end`,
              );
          }
        }
      });
    }
  }
}
