import { describe, expect, it } from 'vitest';
import { ProcessPool } from '../../../src/toolchain/index.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ProcessPool', () => {
  it('runs at most `size` tasks at once, in FIFO order', async () => {
    const pool = new ProcessPool(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const gates: Array<() => void> = [];
    const tasks = [0, 1, 2, 3, 4].map((n) =>
      pool.run(async () => {
        running++;
        peak = Math.max(peak, running);
        order.push(n);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return n;
      }),
    );
    for (let released = 0; released < 5; released++) {
      while (gates.length === 0) await tick();
      gates.shift()!();
      await tick();
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(pool.active).toBe(0);
  });

  it('drops a queued task when its signal aborts', async () => {
    const pool = new ProcessPool(1);
    let release!: () => void;
    const first = pool.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    let started = false;
    const queued = pool.run(async () => {
      started = true;
    }, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(queued).rejects.toThrow('cancelled');
    release();
    await first;
    expect(started).toBe(false);
    expect(pool.active).toBe(0);
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => new ProcessPool(0)).toThrow(RangeError);
    expect(() => new ProcessPool(1.5)).toThrow(RangeError);
  });
});
