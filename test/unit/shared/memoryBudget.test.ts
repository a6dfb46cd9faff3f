import { MemoryBudget } from '../../../src/shared/memoryBudget';

/** Whether `promise` has settled once pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('a memory budget shared by concurrent work', () => {
  it('grants what fits at once, and makes the rest wait until a holder gives its share back', async () => {
    const budget = new MemoryBudget(100);
    const first = budget.hold();
    const second = budget.hold();
    await first.grow(60);
    await second.grow(30);
    const waiting = second.grow(20);
    expect(await settled(waiting)).toBe(false);
    expect(budget.inUse()).toBe(90);
    first.release();
    expect(await settled(waiting)).toBe(true);
    expect(second.held()).toBe(50);
    expect(budget.inUse()).toBe(50);
  });

  it('always grants the oldest holder, past the total, so waiting holders cannot deadlock', async () => {
    const budget = new MemoryBudget(100);
    const oldest = budget.hold();
    const younger = budget.hold();
    await oldest.grow(50);
    await younger.grow(50);
    const youngerWaits = younger.grow(10);
    // Both would wait on each other; the oldest goes on and finishes.
    expect(await settled(oldest.grow(30))).toBe(true);
    expect(budget.inUse()).toBe(130);
    expect(await settled(youngerWaits)).toBe(false);
    oldest.release();
    expect(await settled(youngerWaits)).toBe(true);
    expect(budget.inUse()).toBe(60);
  });

  it('grants a holder that became the oldest while it waited behind one that does not fit', async () => {
    const budget = new MemoryBudget(100);
    const first = budget.hold();
    const second = budget.hold();
    const third = budget.hold();
    await first.grow(40);
    await second.grow(30);
    await third.grow(30);
    const thirdWaits = third.grow(50);
    const secondWaits = second.grow(50);
    first.release();
    // second is now the oldest: granted though third asked first and still does not fit.
    expect(await settled(secondWaits)).toBe(true);
    expect(await settled(thirdWaits)).toBe(false);
    second.release();
    expect(await settled(thirdWaits)).toBe(true);
  });

  it('ends the waits of a holder released meanwhile, granting it nothing', async () => {
    const budget = new MemoryBudget(10);
    const first = budget.hold();
    const second = budget.hold();
    await first.grow(10);
    const waits = second.grow(5);
    second.release();
    expect(await settled(waits)).toBe(true);
    expect(second.held()).toBe(0);
    expect(budget.inUse()).toBe(10);
    second.release();
    expect(budget.inUse()).toBe(10);
  });
});
