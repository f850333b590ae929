// The e2e ground truth itself (lib/expect.ts), on cluster events as a real run recorded them: no
// cluster needed. A rule of kspan's the oracle lacked made a correct trace fail (issue 10's CI run).
import { expect } from 'chai';
import { expectedParent, ownerMap } from './lib/expect.js';
import type { ClusterEvent } from './lib/kubectl.js';

const S = 1e6;
let rv = 0;
function event(
  kind: string,
  objName: string,
  reason: string,
  message: string,
  component: string,
  t: number,
): ClusterEvent {
  rv++;
  return {
    uid: `ev-${rv}`,
    rv,
    kind,
    objName,
    objUid: `${objName}-uid`,
    reason,
    message,
    type: 'Normal',
    component,
    count: 1,
    t,
    coarse: false,
    lastT: t,
    lastCoarse: false,
  };
}

describe('e2e ground truth: expected parents (lib/expect.ts)', () => {
  const rs = 'steps-6c768d49cc';
  const pod = `${rs}-8hrfz`;
  /**
   * faults-kill, 11:44: the deployment controller stamped the new ReplicaSet's `Scaled up … from 0
   * to 1` after the `Created pod` it caused (it records its event once its own API call returned;
   * the ReplicaSet controller had already acted). Times from the Events' names (µs).
   */
  const roll = (createdAt: number, scaledAt: number) => {
    const scaled = event(
      'Deployment',
      'steps',
      'ScalingReplicaSet',
      `Scaled up replica set ${rs} from 0 to 1`,
      'deployment-controller',
      scaledAt,
    );
    const created = event(
      'ReplicaSet',
      rs,
      'SuccessfulCreate',
      `Created pod: ${pod}`,
      'replicaset-controller',
      createdAt,
    );
    const all = [created, scaled];
    const owners = ownerMap(
      [
        {
          kind: 'ReplicaSet',
          metadata: {
            name: rs,
            ownerReferences: [{ kind: 'Deployment', name: 'steps', controller: true }],
          },
        },
      ] as Parameters<typeof ownerMap>[0],
      all,
    );
    return { scaled, created, parent: expectedParent(created, all, owners) };
  };

  it('a scale-up stamped a few ms after the `Created pod` it caused is still its parent', () => {
    const { scaled, parent } = roll(81 * S + 210_000, 81 * S + 219_125);
    expect(parent).to.deep.equal({ is: 'event', event: scaled });
  });

  it('… and within 2 ms it is a cause by time alone', () => {
    const { scaled, parent } = roll(81 * S + 218_000, 81 * S + 219_125);
    expect(parent).to.deep.equal({ is: 'event', event: scaled });
  });

  it('a scale-up of a later second is not the cause: the change’s root is', () => {
    const { parent } = roll(81 * S + 990_000, 82 * S + 10_000);
    expect(parent).to.deep.equal({ is: 'change-root' });
  });
});
