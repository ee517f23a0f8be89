import { eventually, sleep } from './http';

describe('eventually', () => {
  it('resolves once a boolean check holds, with how long that took', async () => {
    let calls = 0;
    const ms = await eventually('the third call', () => ++calls === 3, 2_000);
    expect(calls).toBe(3);
    expect(ms).toBeGreaterThanOrEqual(90);
  });

  it('retries a check that throws until it passes', async () => {
    let calls = 0;
    await eventually(
      'expectations to pass',
      async () => {
        calls++;
        expect(calls).toBeGreaterThan(2);
      },
      2_000,
    );
    expect(calls).toBe(3);
  });

  it('fails after the timeout, naming what it waited for', async () => {
    await expect(eventually('a miracle', () => false, 120)).rejects.toThrow(
      'timed out after 120 ms waiting for a miracle',
    );
  });

  it("fails with the last error's message and the error as its cause", async () => {
    const failure = new Error('score was 0');
    const error = (await eventually(
      'the score',
      () => {
        throw failure;
      },
      120,
    ).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toBe('timed out after 120 ms waiting for the score: score was 0');
    expect(error.cause).toBe(failure);
  });
});

describe('sleep', () => {
  it('resolves after about the given time', async () => {
    const started = Date.now();
    await sleep(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
