import { expect } from 'chai';
import { renderTraces } from '../src/render-tree.js';
import { span } from './fixtures.js';

const T0 = 1_700_000_000_000;
const rollout = [
  span({
    id: 'c',
    parent: 'b',
    name: 'ReplicaSet.SuccessfulCreate',
    service: 'replicaset-controller',
    startMs: T0 + 200,
    endMs: T0 + 3000,
    message: 'Created pod: px-5d567cc74c-ss4lb',
  }),
  span({
    id: 'a',
    name: 'Deployment.Update',
    service: 'kubectl-client-side-apply',
    startMs: T0,
    endMs: T0 + 12_300,
  }),
  span({
    id: 'b',
    parent: 'a',
    name: 'Deployment.ScalingReplicaSet',
    service: 'deployment-controller',
    startMs: T0 + 100,
    endMs: T0 + 12_300,
    message:
      'Scaled up replica set px-5d567cc74c to 1 with a very long tail that will not fit in eighty columns at all',
  }),
  span({
    id: 'd',
    parent: 'c',
    name: 'Pod.BackOff',
    service: 'kubelet',
    startMs: T0 + 2500,
    endMs: T0 + 2500,
    message: 'Back-off pulling image',
    error: true,
  }),
  span({
    id: 'e',
    parent: 'a',
    name: 'Deployment.ScalingReplicaSet',
    service: 'deployment-controller',
    startMs: T0 + 9000,
    endMs: T0 + 9000,
    message: 'Scaled down replica set px-7df978b9bf to 0',
  }),
];

describe('renderTraces', () => {
  const lines = renderTraces(rollout, { width: 80 }).trimEnd().split('\n');

  it('draws a header and one line per span, children under their parent in start order', () => {
    expect(lines[0]).to.equal('trace 0af7651916cd43dd8448eb211c80319c · 5 spans · 12.3s');
    expect(lines.slice(1).map((l) => /^[│├└─ ]*\S+ \S+/.exec(l.slice(19))?.[0])).to.deep.equal([
      'kubectl-client-side-apply Deployment.Update',
      '├─ deployment-controller Deployment.ScalingReplicaSet',
      '│  └─ replicaset-controller ReplicaSet.SuccessfulCreate',
      '│     └─ kubelet Pod.BackOff',
      '└─ deployment-controller Deployment.ScalingReplicaSet',
    ]);
  });

  it('shows start relative to the trace and the duration', () => {
    expect(lines[1]).to.match(/^ {3}\+0\.000s {2}12\.3s {2}kubectl/);
    const wide = renderTraces(rollout, { width: 120 }).split('\n');
    expect(wide[3]).to.equal(
      '   +0.200s   2.8s  │  └─ replicaset-controller ReplicaSet.SuccessfulCreate  Created pod: px-5d567cc74c-ss4lb',
    );
  });

  it('marks error spans', () => {
    expect(lines[4]?.startsWith('!')).to.equal(true);
    expect(lines.filter((l) => l.startsWith('!'))).to.have.length(1);
  });

  it('fits every line in the width, cutting the message', () => {
    for (const l of lines) expect([...l].length).to.be.at.most(80);
    expect(lines[2]?.endsWith('…')).to.equal(true);
  });

  it('draws traces one after another in order of their start', () => {
    const other = span({
      id: 'f',
      name: 'Job.Completed',
      service: 'job-controller',
      startMs: T0 - 5000,
      endMs: T0 - 4000,
      trace: '1'.repeat(32),
    });
    const text = renderTraces([...rollout, other]);
    expect(text.indexOf('trace 1111')).to.be.lessThan(text.indexOf('trace 0af7'));
  });
});
