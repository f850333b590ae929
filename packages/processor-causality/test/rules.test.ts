import { expect } from 'chai';
import { RuleTable, builtinRules, compileRules, type NormEvent } from '../src/index.js';

const table = new RuleTable(compileRules(builtinRules).rules);
const ev = (component: string, kind: string, reason: string, message: string): NormEvent => ({
  uid: 'u',
  name: 'n',
  namespace: 'ns',
  reason,
  message,
  type: 'Normal',
  action: '',
  component,
  instance: '',
  count: 1,
  t: 0,
  coarse: true,
  obs: 0,
  container: '',
  related: undefined,
  regarding: { kind, name: 'x', namespace: 'ns', uid: '', apiVersion: '', fieldPath: '' },
});
const child = (component: string, kind: string, reason: string, message: string) => {
  const m = table.match(ev(component, kind, reason, message));
  return m?.child ? `${m.child.kind} ${m.child.namespace}/${m.child.name}` : undefined;
};

describe('built-in rules: every message variant in the reference', () => {
  const cases: [string, string, string, string, string | undefined][] = [
    [
      'deployment-controller',
      'Deployment',
      'ScalingReplicaSet',
      'Scaled up replica set web-5d8f9c7b6d to 3',
      'ReplicaSet ns/web-5d8f9c7b6d',
    ],
    [
      'deployment-controller',
      'Deployment',
      'ScalingReplicaSet',
      'Scaled down replica set web-5d8f9c7b6d from 3 to 1',
      'ReplicaSet ns/web-5d8f9c7b6d',
    ], // v1.32+
    [
      'deployment-controller',
      'Deployment',
      'ScalingReplicaSet',
      'Scaled down replica set web-5d8f9c7b6d to 1 from 3',
      'ReplicaSet ns/web-5d8f9c7b6d',
    ], // v1.22–1.31
    [
      'deployment-controller',
      'Deployment',
      'ScalingReplicaSet',
      'Scaled down replica set web-5d8f9c7b6d to 1',
      'ReplicaSet ns/web-5d8f9c7b6d',
    ], // older
    [
      'deployment-controller',
      'Deployment',
      'FailedCreate',
      'Failed to create new replica set "web-5d8f9c7b6d": quota exceeded',
      'ReplicaSet ns/web-5d8f9c7b6d',
    ],
    [
      'replicaset-controller',
      'ReplicaSet',
      'SuccessfulCreate',
      'Created pod: web-5d8f9c7b6d-abcde',
      'Pod ns/web-5d8f9c7b6d-abcde',
    ],
    [
      'replicaset-controller',
      'ReplicaSet',
      'SuccessfulDelete',
      'Deleted pod: web-5d8f9c7b6d-abcde',
      'Pod ns/web-5d8f9c7b6d-abcde',
    ],
    [
      'replication-controller',
      'ReplicationController',
      'SuccessfulCreate',
      'Created pod: rc-abcde',
      'Pod ns/rc-abcde',
    ],
    [
      'daemonset-controller',
      'DaemonSet',
      'SuccessfulCreate',
      'Created pod: ds-abcde',
      'Pod ns/ds-abcde',
    ],
    ['job-controller', 'Job', 'SuccessfulCreate', 'Created pod: job-1-abcde', 'Pod ns/job-1-abcde'],
    ['job-controller', 'Job', 'SuccessfulDelete', 'Deleted pod: job-1-abcde', 'Pod ns/job-1-abcde'],
    [
      'replicaset-controller',
      'ReplicaSet',
      'FailedCreate',
      'Error creating: pods "x" is forbidden',
      undefined,
    ],
    [
      'statefulset-controller',
      'StatefulSet',
      'SuccessfulCreate',
      'create Pod web-0 in StatefulSet web successful',
      'Pod ns/web-0',
    ],
    [
      'statefulset-controller',
      'StatefulSet',
      'SuccessfulUpdate',
      'update Pod web-1 in StatefulSet web successful',
      'Pod ns/web-1',
    ],
    [
      'statefulset-controller',
      'StatefulSet',
      'SuccessfulDelete',
      'delete Pod web-2 in StatefulSet web successful',
      'Pod ns/web-2',
    ],
    [
      'statefulset-controller',
      'StatefulSet',
      'FailedCreate',
      'create Pod web-0 in StatefulSet web failed error: quota',
      'Pod ns/web-0',
    ],
    [
      'statefulset-controller',
      'StatefulSet',
      'SuccessfulCreate',
      'create Claim data-web-0 Pod web-0 in StatefulSet web success',
      'PersistentVolumeClaim ns/data-web-0',
    ],
    [
      'statefulset-controller',
      'StatefulSet',
      'FailedCreate',
      'create Claim data-web-0 for Pod web-0 in StatefulSet web failed error: x',
      'PersistentVolumeClaim ns/data-web-0',
    ],
    [
      'statefulset-controller',
      'StatefulSet',
      'RecreatingFailedPod',
      'StatefulSet ns/web is recreating failed Pod web-0',
      'Pod ns/web-0',
    ],
    [
      'statefulset-controller',
      'StatefulSet',
      'RecreatingTerminatedPod',
      'StatefulSet ns/web is recreating terminated Pod web-0',
      'Pod ns/web-0',
    ],
    [
      'daemonset-controller',
      'DaemonSet',
      'FailedDaemonPod',
      'Found failed daemon pod kube-system/ds-abcde on node n1, will try to kill it',
      'Pod kube-system/ds-abcde',
    ],
    [
      'cronjob-controller',
      'CronJob',
      'SuccessfulCreate',
      'Created job backup-28000000',
      'Job ns/backup-28000000',
    ],
    [
      'cronjob-controller',
      'CronJob',
      'SawCompletedJob',
      'Saw completed job: backup-28000000, status: Complete',
      'Job ns/backup-28000000',
    ],
    [
      'cronjob-controller',
      'CronJob',
      'SawCompletedJob',
      'Saw completed job: backup-28000000',
      'Job ns/backup-28000000',
    ], // older
    [
      'cronjob-controller',
      'CronJob',
      'SuccessfulDelete',
      'Deleted job backup-28000000',
      'Job ns/backup-28000000',
    ],
    [
      'cronjob-controller',
      'CronJob',
      'UnexpectedJob',
      'Saw a job that the controller did not create or forgot: backup-1',
      'Job ns/backup-1',
    ],
    [
      'cronjob-controller',
      'CronJob',
      'MissingJob',
      'Active job went missing: backup-1',
      'Job ns/backup-1',
    ],
    [
      'cronjob-controller',
      'CronJob',
      'FailedDelete',
      'Deleted job: the server is unavailable',
      undefined,
    ],
    ['default-scheduler', 'Pod', 'Scheduled', 'Successfully assigned ns/web-0 to n1', undefined],
    // A rule must not fire for another controller's look-alike.
    [
      'rollouts-controller',
      'Rollout',
      'ScalingReplicaSet',
      'Scaled up replica set x to 1',
      undefined,
    ],
  ];
  for (const [component, kind, reason, message, want] of cases) {
    it(`${component} ${kind}.${reason}: "${message}"`, () => {
      expect(child(component, kind, reason, message)).to.equal(want);
    });
  }

  it('lifts the node from the scheduler and the image from the kubelet', () => {
    expect(
      table.match(
        ev('my-scheduler', 'Pod', 'Scheduled', 'Successfully assigned ns/web-0 to node-7'),
      )?.attributes,
    ).to.deep.equal({ 'k8s.node.name': 'node-7' });
    expect(
      table.match(
        ev('default-scheduler', 'Pod', 'Preempted', 'Preempted by pod 1234-abcd on node node-7'),
      )?.attributes,
    ).to.deep.equal({ 'k8s.node.name': 'node-7' });
    expect(
      table.match(
        ev('default-scheduler', 'Pod', 'Preempted', 'Preempted by ns/high on node node-8'),
      )?.attributes,
    ).to.deep.equal({ 'k8s.node.name': 'node-8' });
    for (const msg of [
      'Pulling image "nginx:1.27"',
      'Successfully pulled image "nginx:1.27" in 1.2s (1.3s including waiting). Image size: 123 bytes.',
      'Container image "nginx:1.27" already present on machine',
      'Container image "nginx:1.27" already present on machine and can be accessed by the pod',
      'Failed to pull image "nginx:1.27": not found',
      'Back-off pulling image "nginx:1.27"',
    ]) {
      const reason = msg.startsWith('Pulling')
        ? 'Pulling'
        : msg.startsWith('Failed')
          ? 'Failed'
          : msg.startsWith('Back')
            ? 'BackOff'
            : 'Pulled';
      expect(table.match(ev('kubelet', 'Pod', reason, msg))?.attributes, msg).to.deep.equal({
        'container.image.name': 'nginx:1.27',
      });
    }
    expect(
      table.match(
        ev(
          'kubelet',
          'Pod',
          'BackOff',
          'Back-off restarting failed container app in pod p_ns(uid)',
        ),
      ),
    ).to.equal(undefined);
  });

  it('marks top-level events: Flux Sync and a CronJob’s "Created job" (each run its own change)', () => {
    expect(table.match(ev('flux', 'Deployment', 'Sync', 'Commit abc: Update'))?.rule.root).to.equal(
      true,
    );
    expect(table.isRun('CronJob', 'Job')).to.equal(true);
    expect(table.isRun('Deployment', 'ReplicaSet')).to.equal(false);
  });

  it("marks an HPA's SuccessfulRescale a root of its scale target's change; scale_target needs root", () => {
    const m = table.match(
      ev(
        'horizontal-pod-autoscaler',
        'HorizontalPodAutoscaler',
        'SuccessfulRescale',
        'New size: 3; reason: Current number of replicas below Spec.MinReplicas',
      ),
    );
    expect(m?.rule.source.name).to.equal('hpa-rescale');
    expect([m?.rule.root, m?.rule.scaleTarget, m?.child]).to.deep.equal([true, true, undefined]);
    // The HPA's other events are no rescale.
    const warning = ev(
      'horizontal-pod-autoscaler',
      'HorizontalPodAutoscaler',
      'FailedGetResourceMetric',
      'failed to get cpu utilization: unable to get metrics for resource cpu',
    );
    expect(table.match(warning)).to.equal(undefined);
    const { problems } = compileRules([
      { reason: 'Rescaled', message: '^New size', scale_target: true, attributes: {} },
    ]);
    expect(problems).to.deep.equal([
      { path: '[0]', message: 'a rule needs `child`, `root` or `attributes` to have an effect' },
    ]);
    expect(
      compileRules([
        { reason: 'Rescaled', child: 'Deployment', message: '(?<name>x)', scale_target: true },
      ]).problems,
    ).to.deep.equal([{ path: '[0].scale_target', message: '`scale_target` needs `root`' }]);
  });

  it('tries user rules first', () => {
    const user = compileRules([
      {
        component: 'deployment-controller',
        reason: 'ScalingReplicaSet',
        message: '^Scaled (?:up|down) replica set (?<name>\\S+)',
        child: 'MyKind',
      },
    ]).rules;
    const t = new RuleTable(compileRules([...user.map((r) => r.source), ...builtinRules]).rules);
    expect(
      t.match(
        ev(
          'deployment-controller',
          'Deployment',
          'ScalingReplicaSet',
          'Scaled up replica set a-1 to 1',
        ),
      )?.child?.kind,
    ).to.equal('MyKind');
  });
});

describe('matches that name no child are shared', () => {
  const t = new RuleTable(compileRules(builtinRules).rules);
  const pull = (image: string) =>
    t.match(ev('kubelet', 'Pod', 'Pulling', `Pulling image "${image}"`))!;
  const scheduled = (pod: string, node: string) =>
    t.match(
      ev(
        'default-scheduler',
        'Pod',
        'Scheduled',
        `Successfully assigned default/${pod} to ${node}`,
      ),
    )!;

  it('one per rule and attribute values; what each says is unchanged', () => {
    const [a, b, c] = [pull('app:1'), pull('app:1'), pull('app:2')];
    expect(a).to.equal(b);
    expect(c).to.not.equal(a);
    expect([a.attributes, c.attributes, a.child, a.namespace, a.name]).to.deep.equal([
      { 'container.image.name': 'app:1' },
      { 'container.image.name': 'app:2' },
      undefined,
      '',
      '',
    ]);
    // Another rule with the same value is another match.
    const s = scheduled('web-1', 'app:1');
    expect(s).to.not.equal(a);
    expect([s.rule.source.name, s.attributes]).to.deep.equal([
      'scheduler-scheduled',
      { 'k8s.node.name': 'app:1' },
    ]);
    expect(scheduled('web-2', 'app:1')).to.equal(s);
  });

  it('a match naming a child is its own (its name is set later), and so is a value with a NUL', () => {
    const created = () =>
      t.match(ev('replicaset-controller', 'ReplicaSet', 'SuccessfulCreate', 'Created pod: web-1'))!;
    expect(created()).to.not.equal(created());
    // One attribute: its value is the key, NUL or not.
    expect(pull('a\0b')).to.equal(pull('a\0b'));
    expect(pull('a\0b').attributes).to.deep.equal({ 'container.image.name': 'a\0b' });
    // Two: values joined by NULs would make `a\0`,`b` and `a`,`\0b` one key — not shared.
    const two = new RuleTable(
      compileRules([
        {
          name: 'two',
          reason: 'Custom',
          message: '^(?<a>\\S+) (?<b>\\S+)$',
          attributes: { x: 'a', y: 'b' },
        },
      ]).rules,
    );
    const custom = (m: string) => two.match(ev('c', 'Pod', 'Custom', m))!;
    expect(custom('p q')).to.equal(custom('p q'));
    expect(custom('a\0 b').attributes).to.deep.equal({ x: 'a\0', y: 'b' });
    expect(custom('a \0b').attributes).to.deep.equal({ x: 'a', y: '\0b' });
  });

  it('the pool starts again at its cap, and shares the new values then', () => {
    const first = pull('img:0');
    for (let i = 1; i <= 5000; i++) pull(`img:${i}`);
    const late = pull('img:5000');
    expect(pull('img:5000')).to.equal(late); // past 4096 values, still shared
    expect(pull('img:0')).to.not.equal(first); // the pool started again since
    expect(pull('img:0').attributes).to.deep.equal({ 'container.image.name': 'img:0' });
  });
});
