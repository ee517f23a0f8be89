import { NODE_OPTIONS_VARIABLE, profilingEnv } from './bench-cluster';

describe('profilingEnv', () => {
  it('passes the bench variable on as NODE_OPTIONS', () => {
    expect(profilingEnv({ [NODE_OPTIONS_VARIABLE]: ' --perf-basic-prof ' })).toEqual({
      NODE_OPTIONS: '--perf-basic-prof',
    });
  });

  it('adds nothing when the variable is unset or blank, so the processes keep their own NODE_OPTIONS', () => {
    expect(profilingEnv({})).toEqual({});
    expect(profilingEnv({ [NODE_OPTIONS_VARIABLE]: '  ' })).toEqual({});
    expect(profilingEnv({ NODE_OPTIONS: '--inspect' })).toEqual({});
  });
});
