import { join } from 'node:path';

import { emptyDir, issuesOf, removeConfigDirs, yamlFile } from '../testing/load-config.fixtures';
import { loadConfig } from './load-config';

afterAll(removeConfigDirs);

describe('loadConfig', () => {
  describe('precedence', () => {
    const yaml = 'cluster: from-file\nnode:\n  grpcPort: 7001\n  httpPort: 7101\npeers: { vnodes: 40 }\n';

    it('takes the file over defaults, leaving what the file does not set at its default', () => {
      const { cwd, file } = yamlFile(yaml);
      const config = loadConfig({ env: {}, cwd, file });
      expect(config.cluster).toBe('from-file');
      expect(config.node).toMatchObject({ grpcPort: 7001, httpPort: 7101, host: '127.0.0.1' });
      expect(config.peers).toEqual({
        transport: 'grpc',
        deadlineMs: 3000,
        vnodes: 40,
        probes: 8,
        batchWindowMs: 0,
        batchMaxKeys: 1000,
        outlierFailures: 3,
        outlierCooldownMs: 5000,
      });
      expect(config.source.file).toBe(file);
    });

    it('takes the environment over the file', () => {
      const { cwd, file } = yamlFile(yaml);
      const env = { RINGCACHE_CLUSTER: 'from-env', RINGCACHE_NODE_HTTP_PORT: '7201' };
      const config = loadConfig({ env, cwd, file });
      expect(config.cluster).toBe('from-env');
      expect(config.node).toMatchObject({ grpcPort: 7001, httpPort: 7201 });
    });

    it('treats a variable set to the empty string as unset', () => {
      const { cwd, file } = yamlFile(yaml);
      const config = loadConfig({ env: { RINGCACHE_CLUSTER: '', RINGCACHE_NODE_GRPC_PORT: '' }, cwd, file });
      expect(config.cluster).toBe('from-file');
      expect(config.node.grpcPort).toBe(7001);
    });

    it('treats a key with no value as unset', () => {
      const { cwd, file } = yamlFile('cluster:\nnode:\n  grpcPort:\n');
      expect(loadConfig({ env: {}, cwd, file })).toMatchObject({
        cluster: 'ringcache',
        node: { grpcPort: 8001 },
      });
    });
  });

  describe('which file', () => {
    it('reads <cwd>/config/ringcache.yaml when it exists', () => {
      const { cwd, file } = yamlFile('cluster: default-file\n', 'config/ringcache.yaml');
      const config = loadConfig({ env: {}, cwd });
      expect(config.cluster).toBe('default-file');
      expect(config.source.file).toBe(file);
    });

    it('reads the file RINGCACHE_CONFIG names, relative to cwd', () => {
      const { cwd } = yamlFile('cluster: from-variable\n', 'etc/other.yaml');
      expect(loadConfig({ env: { RINGCACHE_CONFIG: 'etc/other.yaml' }, cwd }).cluster).toBe('from-variable');
    });

    it('prefers the file option to RINGCACHE_CONFIG', () => {
      const { cwd, file } = yamlFile('cluster: from-option\n');
      expect(loadConfig({ env: { RINGCACHE_CONFIG: 'nope.yaml' }, cwd, file }).cluster).toBe('from-option');
    });

    it('fails when a file that was asked for is missing, saying who asked', () => {
      const cwd = emptyDir();
      expect(issuesOf(() => loadConfig({ env: {}, cwd, file: 'missing.yaml' }))).toEqual([
        `config file ${join(cwd, 'missing.yaml')}: not found (from the file option)`,
      ]);
      expect(issuesOf(() => loadConfig({ env: { RINGCACHE_CONFIG: 'gone.yaml' }, cwd }))).toEqual([
        `config file ${join(cwd, 'gone.yaml')}: not found (from RINGCACHE_CONFIG)`,
      ]);
    });

    it('reports YAML syntax errors with the file and line', () => {
      const { cwd, file } = yamlFile('node:\n  grpcPort: 1\n  grpcPort: 2\npeers: [\n');
      const issues = issuesOf(() => loadConfig({ env: {}, cwd, file }));
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) expect(issue).toMatch(new RegExp(`^config file ${file}: .*line \\d+`));
    });

    it('accepts an empty file', () => {
      const { cwd, file } = yamlFile('# nothing set\n');
      expect(loadConfig({ env: {}, cwd, file }).cluster).toBe('ringcache');
    });

    it('refuses a file that is not a mapping', () => {
      const { cwd, file } = yamlFile('- a\n- b\n');
      expect(issuesOf(() => loadConfig({ env: {}, cwd, file }))).toEqual([
        `config file ${file}: must be a mapping of settings, got a list`,
      ]);
    });
  });
});
