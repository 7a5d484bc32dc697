import { IdGenerator } from './id-generator';
import { SeededRandom } from './seeded-random';
import { SimWorld } from './sim-world';

/** Applies random, realistic status changes at a steady rate (seeded, pausable). */
export class RandomStateChanger {
  private timer: NodeJS.Timeout | undefined;
  private paused = false;
  private owed = 0;
  private last = Date.now();
  private readonly ids: IdGenerator;

  constructor(
    private readonly world: SimWorld,
    private readonly random: SeededRandom,
    private readonly changesPerSecond: number,
  ) {
    this.ids = new IdGenerator(random);
  }

  /** Starts the timer (no-op for a rate of 0). */
  start(): void {
    if (this.changesPerSecond <= 0 || this.timer !== undefined) return;
    const period = Math.max(10, Math.min(1000, 1000 / this.changesPerSecond));
    this.last = Date.now();
    this.timer = setInterval(() => this.tick(), period);
    this.timer.unref();
  }

  /** Pauses or resumes changes. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.owed = 0;
    this.last = Date.now();
  }

  /** True while paused. */
  isPaused(): boolean {
    return this.paused;
  }

  /** Stops the timer for good. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Changes one random live key of one random module; returns what changed. */
  changeOnce(): { moduleId: string; key: string } | undefined {
    const ids = this.world.moduleIds();
    if (ids.length === 0) return undefined;
    const moduleId = this.random.pick(ids);
    const type = this.world.deviceTypeOf(moduleId);
    if (type === undefined) return undefined;
    const keys = Object.keys(type.liveKeys);
    const key = this.random.pick(keys);
    const generate = type.liveKeys[key];
    if (generate === undefined) return undefined;
    const sys = this.world.moduleRecord(moduleId);
    const value = generate({
      random: this.random,
      ids: this.ids,
      roomName: sys?.custom_name ?? sys?.name ?? '',
      ip: sys?.ip ?? '10.0.0.10',
      now: Math.floor(Date.now() / 1000),
    });
    this.world.setState(moduleId, key, value);
    return { moduleId, key };
  }

  private tick(): void {
    const now = Date.now();
    const elapsed = now - this.last;
    this.last = now;
    if (this.paused) return;
    this.owed += (elapsed / 1000) * this.changesPerSecond;
    // Bounded catch-up so a stalled event loop does not cause a burst of thousands of changes.
    let budget = Math.min(Math.floor(this.owed), 1000);
    this.owed -= Math.floor(this.owed);
    while (budget > 0) {
      this.changeOnce();
      budget -= 1;
    }
  }
}
