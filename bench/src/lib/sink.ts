import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from './child.js';

export interface SinkStats {
  requests: number;
  bytes: number;
  firstAt: number;
  lastAt: number;
}

/** The OTLP/gRPC sink (grpc-sink.ts) in its own process, on 127.0.0.1. */
export class GrpcSink {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static start(): Promise<GrpcSink> {
    const child = fork(resolve(REPO_ROOT, 'bench/src/grpc-sink.ts'), [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolvePromise, reject) => {
      child.once('message', (m) =>
        resolvePromise(new GrpcSink(child, (m as { port: number }).port)),
      );
      child.once('exit', (code) => reject(new Error(`grpc sink exited (${code})`)));
    });
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  stats(): Promise<SinkStats> {
    return new Promise((resolvePromise) => {
      this.child.once('message', (m) => resolvePromise(m as SinkStats));
      this.child.send('stats');
    });
  }

  stop(): void {
    if (this.child.connected) this.child.send('stop');
  }
}
