// The daemon's change log and its one mutation queue. Every long method becomes a change: queued,
// then running (one at a time, in arrival order), then done or failed. Reads never touch the
// queue. The log keeps the last MAX_KEPT finished changes besides every queued and running one.
// Invariants: ids are unique within a daemon's life (a counter plus the start time); a change's
// state only moves forward (queued → running → done|failed); every update is published once
// through `publish` (the `paradrop.change` event), in order.
import type { ChangeEvent, ChangeRecord, ChangeState, ErrorReply, MethodName } from './methods.js';

export const MAX_KEPT = 50;

/** A change record plus what the operation answered (the CLI prints it as `paradrop` would). */
export interface DaemonChange extends ChangeRecord {
  result?: Record<string, unknown>;
}

export type Publish = (event: ChangeEvent) => void;

export class ChangeQueue {
  private readonly records: DaemonChange[] = [];
  private tail: Promise<void> = Promise.resolve();
  private counter = 0;
  private running = 0;
  private readonly prefix: string;

  constructor(private readonly publish: Publish, private readonly now: () => Date = () => new Date()) {
    this.prefix = now().getTime().toString(36);
  }

  /** Newest first. */
  list(): DaemonChange[] {
    return [...this.records].reverse();
  }

  get(id: string): DaemonChange | undefined {
    return this.records.find((r) => r.id === id);
  }

  /** True while a change is queued or running. */
  get busy(): boolean {
    return this.records.some((r) => r.state === 'queued' || r.state === 'running');
  }

  /**
   * Queues `work`; returns the change id at once. `work` reports progress through `update` and
   * resolves with the result to keep, or throws (its ErrorReply comes from `toError`).
   */
  enqueue(method: MethodName, chute: string,
    work: (update: (step: string, percent?: number, chute?: string) => void) => Promise<Record<string, unknown> | undefined>,
    toError: (err: unknown) => ErrorReply): string {
    const rec: DaemonChange = {
      id: `${this.prefix}-${++this.counter}`, method, chute, step: 'queued', percent: 0, state: 'queued',
      queuedAt: this.now().toISOString(),
    };
    this.records.push(rec);
    this.trim();
    this.emit(rec);
    const update = (step: string, percent?: number, name?: string): void => {
      if (rec.state !== 'running') return;
      rec.step = step;
      if (percent !== undefined) rec.percent = Math.max(rec.percent, Math.min(99, Math.round(percent)));
      if (name !== undefined && name !== '') rec.chute = name;
      this.emit(rec);
    };
    this.tail = this.tail.then(async () => {
      rec.state = 'running';
      rec.step = 'started';
      rec.startedAt = this.now().toISOString();
      this.running++;
      this.emit(rec);
      try {
        const result = await work(update);
        if (result !== undefined) rec.result = result;
        this.finish(rec, 'done', 'done');
      } catch (err) {
        rec.error = toError(err);
        this.finish(rec, 'failed', rec.error.message);
      } finally {
        this.running--;
      }
    });
    return rec.id;
  }

  /** Resolves once everything queued so far has finished (SIGTERM waits on it, bounded). */
  drain(): Promise<void> {
    return this.tail;
  }

  /** Fails every change still queued (the daemon is stopping); the running one goes on. */
  cancelQueued(reason: ErrorReply): void {
    for (const r of this.records) {
      if (r.state !== 'queued') continue;
      r.error = reason;
      this.finish(r, 'failed', reason.message);
    }
  }

  private finish(rec: DaemonChange, state: ChangeState, step: string): void {
    rec.state = state;
    rec.step = step;
    if (state === 'done') rec.percent = 100;
    rec.finishedAt = this.now().toISOString();
    this.emit(rec);
    this.trim();
  }

  private emit(rec: DaemonChange): void {
    const ev: ChangeEvent = { id: rec.id, chute: rec.chute, step: rec.step, percent: rec.percent, state: rec.state };
    if (rec.error !== undefined) ev.error = rec.error;
    this.publish(ev);
  }

  private trim(): void {
    let finished = this.records.filter((r) => r.state === 'done' || r.state === 'failed').length;
    for (let i = 0; i < this.records.length && finished > MAX_KEPT;) {
      const r = this.records[i]!;
      if (r.state === 'done' || r.state === 'failed') {
        this.records.splice(i, 1);
        finished--;
      } else i++;
    }
  }
}
