import type { Health } from '../component.js';

/** Readiness of every component; the service is ready when each one that reported is ready. */
export class HealthRegistry {
  private readonly states = new Map<string, { ready: boolean; reason?: string }>();

  healthFor(component: string): Health {
    return {
      setReady: (ready, reason) => {
        this.states.set(component, reason === undefined ? { ready } : { ready, reason });
      },
    };
  }

  get ready(): boolean {
    return [...this.states.values()].every((s) => s.ready);
  }

  /** Component ids that are not ready, with their reasons. */
  notReady(): Array<{ component: string; reason?: string }> {
    return [...this.states.entries()]
      .filter(([, s]) => !s.ready)
      .map(([component, s]) =>
        s.reason === undefined ? { component } : { component, reason: s.reason },
      );
  }
}
