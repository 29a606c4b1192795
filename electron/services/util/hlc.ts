/**
 * Hybrid logical clock for sync versions: `<13-digit ms>-<4-digit hex counter>-<device>` sorts as
 * text in causal order across devices.
 */
export class HybridClock {
  private wall = 0;
  private counter = 0;
  constructor(
    private readonly deviceId: string,
    private readonly now: () => number = Date.now,
  ) {}

  tick(): string {
    const t = this.now();
    if (t > this.wall) {
      this.wall = t;
      this.counter = 0;
    } else {
      this.counter += 1;
    }
    return this.format();
  }

  /** Merge a version seen from another device so our next tick sorts after it. */
  observe(version: string): void {
    const [ms, ctr] = version.split('-');
    const remoteMs = Number(ms);
    const remoteCtr = parseInt(ctr ?? '0', 16);
    if (!Number.isFinite(remoteMs)) return;
    if (remoteMs > this.wall || (remoteMs === this.wall && remoteCtr > this.counter)) {
      this.wall = remoteMs;
      this.counter = remoteCtr;
    }
  }

  private format(): string {
    return `${String(this.wall).padStart(13, '0')}-${this.counter.toString(16).padStart(4, '0')}-${this.deviceId}`;
  }
}

const snapshots = new HybridClock('asof');

/**
 * A stamp for a whole answer that is not a stored row (a model list, folder or tag counts): taken
 * when the read starts, so a reply to a later call is newer (shared/versioned.ts, LatestReply).
 */
export function snapshotStamp(): string {
  return snapshots.tick();
}
