import { emptyDir, issuesOf, removeConfigDirs, yamlFile } from '../testing/load-config.fixtures';
import { ConfigError } from './errors';
import { loadConfig, loadConfigOrExit } from './load-config';

afterAll(removeConfigDirs);

describe('loadConfig', () => {
  describe('unknown keys in the file', () => {
    it('are errors naming the path, with a suggestion for a typo', () => {
      const { cwd, file } = yamlFile(
        'node:\n  grpcPrt: 1\nnodez: []\netcd:\n  tls: { ca: x }\nwhatever: 1\n',
      );
      expect(issuesOf(() => loadConfig({ env: {}, cwd, file }))).toEqual([
        `node.grpcPrt: unknown setting, did you mean node.grpcPort? (from file ${file})`,
        `nodez: unknown setting, did you mean nodes? (from file ${file})`,
        `etcd.tls.ca: unknown setting (from file ${file})`,
        `whatever: unknown setting (from file ${file})`,
      ]);
    });

    it('include a section that is not a mapping', () => {
      const { cwd, file } = yamlFile('node: 5\n');
      expect(issuesOf(() => loadConfig({ env: {}, cwd, file }))).toEqual([
        `node: must be a mapping of settings, got 5 (from file ${file})`,
      ]);
    });

    it('include keys of static nodes', () => {
      const { cwd, file } = yamlFile('nodes:\n  - { name: a, grpc: "h:1", http: "h:2", weight: 2 }\n');
      expect(issuesOf(() => loadConfig({ env: {}, cwd, file }))).toEqual([
        `nodes[0].weight: unknown setting; a node has name, grpc, http (from file ${file})`,
      ]);
    });
  });

  describe('static nodes', () => {
    it('come from RINGCACHE_NODES as JSON, replacing the file list', () => {
      const { cwd, file } = yamlFile('nodes:\n  - { name: a, grpc: "h:1", http: "h:2" }\n');
      const env = { RINGCACHE_NODES: '[{"name":"b","grpc":"[::1]:8001","http":"cache-b:8101"}]' };
      expect(loadConfig({ env, cwd, file }).nodes).toEqual([
        { name: 'b', grpc: '[::1]:8001', http: 'cache-b:8101' },
      ]);
    });

    it('report every bad entry at once', () => {
      const env = {
        RINGCACHE_NODES: JSON.stringify([
          { name: 'a', grpc: 'h:1', http: 'h:2' },
          { name: 'a', grpc: 'h:3', http: 'h:99999' },
          { name: 'bad name', grpc: 'nope' },
          'c',
        ]),
      };
      expect(issuesOf(() => loadConfig({ env, cwd: emptyDir() }))).toEqual([
        'nodes[1].http: must be host:port, got "h:99999" (from RINGCACHE_NODES)',
        'nodes[1].name: duplicate node name, got "a" (from RINGCACHE_NODES)',
        'nodes[2].name: must be 1 to 64 of A-Z a-z 0-9 _ . -, got "bad name" (from RINGCACHE_NODES)',
        'nodes[2].grpc: must be host:port, got "nope" (from RINGCACHE_NODES)',
        'nodes[2].http: is required (from RINGCACHE_NODES)',
        'nodes[3]: must be a mapping { name, grpc, http }, got "c" (from RINGCACHE_NODES)',
      ]);
    });

    it('report JSON that does not parse', () => {
      const issues = issuesOf(() => loadConfig({ env: { RINGCACHE_NODES: '[{name: a}]' }, cwd: emptyDir() }));
      expect(issues).toEqual([
        expect.stringMatching(
          /^nodes: must be valid JSON .*, got "\[\{name: a\}\]" \(from RINGCACHE_NODES\)$/,
        ),
      ]);
    });
  });

  describe('invalid configuration', () => {
    it('lists every problem at once, each with its value and origin', () => {
      const { cwd, file } = yamlFile(
        'cluster: Bad_Cluster\nnode: { grpcPort: 70000 }\npeers: { transport: udp }\ngateway: { maxValueBytes: 1 potato }\n',
      );
      const env = {
        RINGCACHE_NODE_HTTP_PORT: 'abc',
        RINGCACHE_DEMO_SEED: 'yes',
        RINGCACHE_ETCD_ENDPOINTS: 'localhost:2379',
      };
      let error: unknown;
      try {
        loadConfig({ env, cwd, file });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const { issues, message } = error as ConfigError;
      expect(issues).toEqual([
        `cluster: must be 1 to 63 of a-z 0-9 -, got "Bad_Cluster" (from file ${file})`,
        `node.grpcPort: must be an integer in [0, 65535], got 70000 (from file ${file})`,
        'node.httpPort: must be an integer in [0, 65535], got "abc" (from RINGCACHE_NODE_HTTP_PORT)',
        `peers.transport: must be one of grpc, http, got "udp" (from file ${file})`,
        expect.stringMatching(
          /^gateway\.maxValueBytes: must be a size: .*, got "1 potato" \(from file .*\)$/,
        ),
        'demo.seed: must be true or false (or 1 / 0), got "yes" (from RINGCACHE_DEMO_SEED)',
        'etcd.endpoints[0]: must be http://host:port or https://host:port, got "localhost:2379" (from RINGCACHE_ETCD_ENDPOINTS)',
      ]);
      expect(message).toBe(['invalid ringcache configuration:', ...issues].join('\n'));
    });

    it('never quotes a password', () => {
      const { cwd, file } = yamlFile(
        'etcd: { password: 123456 }\nmysql: { url: "pg://root:hunter2@db/app" }\n',
      );
      const issues = issuesOf(() => loadConfig({ env: {}, cwd, file }));
      expect(issues).toEqual([
        expect.stringMatching(/^mysql\.url: must be a URL .*, got "pg:\/\/root:\*\*\*@db\/app"/),
        `etcd.password: must be a string (quote it in YAML), got "(hidden)" (from file ${file})`,
      ]);
      expect(issues.join('\n')).not.toMatch(/123456|hunter2/);
    });
  });
});

describe('loadConfigOrExit', () => {
  it('prints the problems and exits with code 2 on a bad configuration', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exit called');
    });
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => loadConfigOrExit({ env: { RINGCACHE_PEERS_VNODES: '0' }, cwd: emptyDir() })).toThrow(
        'exit called',
      );
      expect(exit).toHaveBeenCalledWith(2);
      expect(write).toHaveBeenCalledWith(
        'invalid ringcache configuration:\npeers.vnodes: must be an integer in [1, 10000], got "0" (from RINGCACHE_PEERS_VNODES)\n',
      );
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });

  it('returns the configuration when it is valid, and rethrows other errors', () => {
    expect(loadConfigOrExit({ env: {}, cwd: emptyDir() }).cluster).toBe('ringcache');
    const broken = new Proxy(
      {},
      {
        get: () => {
          throw new Error('env unreadable');
        },
      },
    );
    expect(() => loadConfigOrExit({ env: broken, cwd: emptyDir() })).toThrow('env unreadable');
  });
});
