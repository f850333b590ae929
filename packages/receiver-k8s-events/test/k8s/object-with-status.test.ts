import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { KubeObject } from '@kspan/core';
import {
  MAX_CONDITION_MESSAGE,
  MAX_SPEC_BYTES,
  objectWithStatus,
  statusFingerprint,
} from '../../src/k8s/object-with-status.js';
import { ownerMetadata } from '../../src/k8s/owner-metadata.js';

// Whole objects as the API server returned them (`kubectl get … -o json` on the e2e cluster).
const FULL = (
  JSON.parse(readFileSync(new URL('./fixtures/full-objects.json', import.meta.url), 'utf8')) as {
    items: KubeObject[];
  }
).items;

/** A fresh deep copy of the first recorded object of `kind` (name prefix optional). */
function full(kind: string, prefix = ''): KubeObject & { spec: any; status: any } {
  const found = FULL.find((o) => o.kind === kind && o.metadata?.name?.startsWith(prefix));
  if (!found) throw new Error(`no ${kind} ${prefix} in the fixture`);
  return structuredClone(found) as KubeObject & { spec: any; status: any };
}

const CONDITION_KEYS = [
  'type',
  'status',
  'reason',
  'message',
  'lastTransitionTime',
  'lastUpdateTime',
];

describe('objectWithStatus', () => {
  it('keeps exactly the metadata ownerMetadata keeps, for every kind', () => {
    for (const o of FULL) {
      const out = objectWithStatus(structuredClone(o));
      expect(out.metadata, `${o.kind} ${o.metadata?.name}`).to.deep.equal(
        ownerMetadata(o).metadata,
      );
      expect(out.apiVersion).to.equal(o.apiVersion);
      expect(out.kind).to.equal(o.kind);
      expect(Object.keys(out)).to.include.members(['apiVersion', 'kind', 'metadata']);
    }
  });

  it('Deployment: the whole spec, observedGeneration, replica counts and conditions only', () => {
    const d = full('Deployment');
    d.spec.template.metadata.annotations = {
      'kubectl.kubernetes.io/restartedAt': '2026-11-29T12:00:00Z',
    };
    d.status.collisionCount = 2;
    const out = objectWithStatus(d) as KubeObject & { spec: any; status: any };
    expect(out.spec).to.deep.equal(d.spec);
    expect(out.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).to.equal(
      '2026-11-29T12:00:00Z',
    );
    expect(Object.keys(out.status).sort()).to.deep.equal(
      [
        'availableReplicas',
        'conditions',
        'observedGeneration',
        'readyReplicas',
        'replicas',
        'updatedReplicas',
      ].sort(),
    );
    const progressing = out.status.conditions.find((c: any) => c.type === 'Progressing');
    expect(progressing.reason).to.equal('NewReplicaSetAvailable');
    expect(progressing.lastUpdateTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    for (const c of out.status.conditions)
      expect(CONDITION_KEYS).to.include.members(Object.keys(c));
  });

  it('StatefulSet, DaemonSet, Job, CronJob: each kind keeps its own counts and times', () => {
    const sts = objectWithStatus(full('StatefulSet')) as any;
    expect(sts.status).to.have.keys([
      'observedGeneration',
      'replicas',
      'readyReplicas',
      'currentReplicas',
      'updatedReplicas',
      'availableReplicas',
      'currentRevision',
      'updateRevision',
    ]); // collisionCount (in the API's answer) is dropped
    expect(sts.spec.template.spec.containers[0].env).to.deep.equal([
      { name: 'PASSWORD', value: 'hunter2' },
    ]); // nothing redacted here: the processor redacts what it shows
    const ds = objectWithStatus(full('DaemonSet')) as any;
    expect(ds.status).to.have.keys([
      'observedGeneration',
      'desiredNumberScheduled',
      'currentNumberScheduled',
      'updatedNumberScheduled',
      'numberReady',
      'numberAvailable',
      'numberMisscheduled',
    ]);
    const job = objectWithStatus(full('Job')) as any;
    expect(job.status).to.include.keys(['startTime', 'completionTime', 'succeeded', 'conditions']);
    expect(job.status).to.not.have.any.keys('uncountedTerminatedPods', 'terminating');
    expect(job.status.conditions.map((c: any) => c.type)).to.include('Complete');
    for (const c of job.status.conditions) expect(c).to.not.have.property('lastProbeTime');
    const cron = full('CronJob');
    cron.status = { lastScheduleTime: '2026-11-29T03:00:00Z', active: [{ name: 'x' }] };
    expect((objectWithStatus(cron) as any).status).to.deep.equal({
      lastScheduleTime: '2026-11-29T03:00:00Z',
    });
    expect((objectWithStatus(full('CronJob')) as any).status).to.equal(undefined); // `{}` in
  });

  it('Pod: no spec; phase, startTime, conditions and container states only', () => {
    const p = full('Pod', 'web-');
    const out = objectWithStatus(p) as any;
    expect(out).to.not.have.property('spec');
    expect(out.status).to.have.keys(['phase', 'startTime', 'conditions', 'containerStatuses']);
    expect(out.status.conditions.map((c: any) => c.type).sort()).to.deep.equal([
      'ContainersReady',
      'Initialized',
      'PodScheduled',
      'Ready',
    ]);
    const ready = out.status.conditions.find((c: any) => c.type === 'Ready');
    expect(ready).to.deep.equal({
      type: 'Ready',
      status: 'True',
      lastTransitionTime: p.status.conditions.find((c: any) => c.type === 'Ready')
        .lastTransitionTime,
    });
    expect(out.status.containerStatuses).to.deep.equal([
      {
        name: 'app',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: p.status.containerStatuses[0].state.running.startedAt } },
      },
    ]);
    // The Job's pod ended: its terminated state keeps reason, exit code and both times.
    const done = objectWithStatus(full('Pod', 'once-')) as any;
    expect(done.status.containerStatuses[0].state.terminated).to.have.keys([
      'reason',
      'exitCode',
      'startedAt',
      'finishedAt',
    ]);
    const waiting = full('Pod', 'web-');
    waiting.status.initContainerStatuses = [
      {
        name: 'init',
        ready: false,
        restartCount: 3,
        image: 'x',
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
      },
    ];
    expect((objectWithStatus(waiting) as any).status.initContainerStatuses).to.deep.equal([
      {
        name: 'init',
        ready: false,
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      },
    ]);
    expect(JSON.stringify(out).length).to.be.lessThan(JSON.stringify(p).length / 2);
  });

  it('HorizontalPodAutoscaler: its target and bounds, replica counts, scale time and conditions', () => {
    const h = full('HorizontalPodAutoscaler');
    expect(h.spec.metrics, 'the fixture has metrics to drop').to.have.length(1);
    const out = objectWithStatus(h) as KubeObject & { spec: any; status: any };
    expect(out.spec).to.deep.equal({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 3,
      maxReplicas: 5,
    });
    expect(Object.keys(out.status).sort()).to.deep.equal(
      ['conditions', 'currentReplicas', 'desiredReplicas', 'lastScaleTime'].filter(
        (k) => k in h.status,
      ),
    );
    expect(out.status.desiredReplicas).to.equal(3);
    expect(out.status).to.not.have.property('currentMetrics');
  });

  it('replaces a spec over 64 KiB by its size, and cuts condition messages to 256 characters', () => {
    const d = full('Deployment');
    d.spec.template.spec.containers[0].env = [{ name: 'BIG', value: 'x'.repeat(MAX_SPEC_BYTES) }];
    const bytes = Buffer.byteLength(JSON.stringify(d.spec));
    d.status.conditions[0].message = 'm'.repeat(1000);
    const out = objectWithStatus(d) as any;
    expect(out.spec).to.deep.equal({ 'kspan.truncated': bytes });
    expect(bytes).to.be.greaterThan(MAX_SPEC_BYTES);
    expect(out.status.conditions[0].message).to.have.length(MAX_CONDITION_MESSAGE);
    expect(out.status.conditions[0].message.endsWith('…')).to.equal(true);
    // At the limit, kept whole.
    d.status.conditions[0].message = 'm'.repeat(MAX_CONDITION_MESSAGE);
    expect((objectWithStatus(d) as any).status.conditions[0].message).to.equal(
      'm'.repeat(MAX_CONDITION_MESSAGE),
    );
  });

  it('reads odd input without throwing: no status, status not an object, junk conditions', () => {
    expect(objectWithStatus({ kind: 'Pod', metadata: { uid: 'u' } })).to.deep.equal({
      kind: 'Pod',
      metadata: { uid: 'u' },
    });
    const odd = objectWithStatus({
      kind: 'Deployment',
      metadata: { uid: 'u' },
      spec: 'x',
      status: { conditions: [1, null, { type: 'Available', status: 'True', extra: 1 }] },
    });
    expect(odd).to.deep.equal({
      kind: 'Deployment',
      metadata: { uid: 'u' },
      status: { conditions: [{ type: 'Available', status: 'True' }] },
    });
  });
});

describe('statusFingerprint', () => {
  it('ignores resourceVersion and managedFields, and sees any kept change', () => {
    const a = objectWithStatus(full('Pod', 'web-'));
    const b = structuredClone(a);
    b.metadata!.resourceVersion = '999999';
    b.metadata!.managedFields = [{ manager: 'kwok', time: '2030-01-01T00:00:00Z' }];
    expect(statusFingerprint(b)).to.deep.equal(statusFingerprint(a));
    const c = structuredClone(a) as any;
    c.status.conditions[0].lastTransitionTime = '2030-01-01T00:00:00Z';
    expect(statusFingerprint(c)).to.not.deep.equal(statusFingerprint(a));
    const d = structuredClone(a);
    d.metadata!.labels = { ...d.metadata!.labels, extra: '1' };
    expect(statusFingerprint(d)).to.not.deep.equal(statusFingerprint(a));
    for (const n of statusFingerprint(a))
      expect(Number.isInteger(n) && n >= 0 && n < 2 ** 30).to.equal(true);
  });
});
