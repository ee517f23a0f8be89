import { read } from './deployment-repo';

/** docker/README.md: how to build, run, try and scale the deployment. */
describe('docker files', () => {
  describe('docker/README.md', () => {
    it('says how to build, run, try and scale it, and that the files are checked statically', () => {
      const readme = read('docker/README.md');
      expect(readme).toContain(
        'docker build -f docker/Dockerfile --build-arg APP=gateway -t ringcache-gateway .',
      );
      expect(readme).toContain('docker compose -f docker/compose.yaml up');
      expect(readme).toContain('curl http://127.0.0.1:9999/api/v1/groups/scores/keys/Tom');
      // Scaling is by adding a service, as the section shows, since each node needs its own stable name.
      expect(readme).toContain('## Scale the cache nodes');
      expect(readme).toContain('So `--scale` does not apply;');
      expect(readme).toMatch(/^node4:\n {2}<<: \*cache-node$/m);
      expect(readme).toMatch(/no docker engine/i);
    });
  });
});
