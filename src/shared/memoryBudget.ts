/**
 * Bytes that concurrent work shares out of the function's memory, so that work of unknown
 * size (a scraped body) cannot add up to an out-of-memory kill: each holder grows its share
 * as it learns what it needs, and waits while the others hold the rest.
 *
 * Nothing can deadlock: the oldest holder is always granted what it asks, even past the
 * total, so it finishes and frees its share for the next. The total can be passed by that
 * one holder's overshoot only, never by the sum of all of them.
 */
export class MemoryBudget {
  private used = 0;
  private nextId = 0;
  /** Current holders, oldest first (ids only grow). */
  private readonly holders = new Map<number, number>();
  private readonly waiting: Array<{
    id: number;
    bytes: number;
    grant: () => void;
    /** Ends the wait without granting: its holder was released meanwhile. */
    drop: () => void;
  }> = [];

  constructor(readonly totalBytes: number) {}

  /** A share of nothing yet, grown with `grow` and given back with `release`. */
  hold(): MemoryShare {
    const id = this.nextId++;
    this.holders.set(id, 0);
    return {
      grow: (bytes) => this.grow(id, bytes),
      release: () => this.release(id),
      held: () => this.holders.get(id) ?? 0,
    };
  }

  /** Bytes held now, by every holder. */
  inUse(): number {
    return this.used;
  }

  private grow(id: number, bytes: number): Promise<void> {
    if (bytes <= 0 || !this.holders.has(id)) return Promise.resolve();
    if (this.fits(id, bytes)) {
      this.take(id, bytes);
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push({
        id,
        bytes,
        grant: () => {
          this.take(id, bytes);
          resolve();
        },
        drop: resolve,
      }),
    );
  }

  private fits(id: number, bytes: number): boolean {
    return this.used + bytes <= this.totalBytes || id === this.holders.keys().next().value;
  }

  private take(id: number, bytes: number): void {
    this.holders.set(id, (this.holders.get(id) ?? 0) + bytes);
    this.used += bytes;
  }

  private release(id: number): void {
    const held = this.holders.get(id);
    if (held === undefined) return;
    this.holders.delete(id);
    this.used -= held;
    // A released holder's waits are dropped (it gave up). The others are granted in order,
    // each that fits now: the oldest holder always does, wherever it waits in the queue.
    for (const wait of this.waiting.splice(0)) {
      if (wait.id === id) wait.drop();
      else if (this.fits(wait.id, wait.bytes)) wait.grant();
      else this.waiting.push(wait);
    }
  }
}

/** One holder's share of a MemoryBudget. */
export interface MemoryShare {
  /** Wait until `bytes` more are granted to this share. */
  grow(bytes: number): Promise<void>;
  /** Give the whole share back (idempotent). */
  release(): void;
  /** Bytes this share holds. */
  held(): number;
}
