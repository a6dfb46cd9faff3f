/**
 * Akamai refuses a report whose query cost is over a limit it does not publish (422
 * `query-cost-exceeded`). Its cost grows with the rows asked for (CP codes × buckets), so the
 * runs learn the limit in rows: the largest request that went through, and the smallest one
 * refused. Kept in the schedule's state, so one run's refusals teach the next ones.
 */
export interface CostLearning {
  /** The most rows a request had that Akamai answered. */
  goodRows?: number;
  /** The fewest rows a request had that Akamai refused as too costly. */
  refusedRows?: number;
}

/** When the limit lies between the two within this share, the runs stop probing. */
const CLOSE_ENOUGH = 0.02;

/** The rows a run's requests may have, as its answers teach it. */
export class QueryCostLimit {
  private good: number | undefined;
  private refusedAt: number | undefined;
  /** The most rows the next request may have. */
  maxRows: number;

  constructor(configured: number, learned: CostLearning = {}) {
    this.good = learned.goodRows;
    this.refusedAt = learned.refusedRows;
    this.maxRows = Math.max(1, Math.min(configured, this.probe() ?? configured));
  }

  /**
   * Where a run starts: below the smallest refused size, halfway up from the largest answered
   * one (one refusal at most per run while it probes), or at that one once they are close.
   */
  private probe(): number | undefined {
    if (this.refusedAt === undefined) return undefined;
    const good = this.good ?? 0;
    if (good === 0) return Math.floor(this.refusedAt / 2);
    return this.refusedAt - good > Math.max(1, good * CLOSE_ENOUGH)
      ? Math.floor((good + this.refusedAt) / 2)
      : good;
  }

  /** Akamai answered a request of `rows` rows. */
  accepted(rows: number): void {
    this.good = Math.max(this.good ?? 0, rows);
    // Answered at or above a refused size: Akamai raised its limit; the refusal is old news.
    if (this.refusedAt !== undefined && rows >= this.refusedAt) this.refusedAt = undefined;
  }

  /** Akamai refused a request of `rows` rows as too costly: the next ones have fewer. */
  refused(rows: number): void {
    this.refusedAt = Math.min(this.refusedAt ?? Number.POSITIVE_INFINITY, rows);
    if (this.good !== undefined && this.good >= rows) this.good = undefined;
    const known = this.good !== undefined && this.good < rows ? this.good : 0;
    this.maxRows = Math.min(this.maxRows, Math.max(Math.floor(rows / 2), known));
  }

  /** What the state keeps; nothing until Akamai refused a request. */
  learned(): CostLearning {
    if (this.refusedAt === undefined) return {};
    return { refusedRows: this.refusedAt, ...(this.good ? { goodRows: this.good } : {}) };
  }
}
