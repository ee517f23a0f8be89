export { ConfigError } from './lib/errors';
export { describeConfig, type ConfigReader } from './lib/describe-config';
export { DEFAULT_GROUP, groupConfig } from './lib/groups';
export { CONFIG_EXIT_CODE, loadConfig, loadConfigOrExit } from './lib/load-config';
export type { LoadConfigOptions } from './lib/load-config';
export { RINGCACHE_CONFIG, RingcacheConfigModule } from './lib/ringcache-config.module';
export type { ApiKeyConfig, ApiScope, GatewayTlsConfig } from './lib/ringcache-config';
export { API_SCOPES } from './lib/api-keys';
export type {
  DemoConfig,
  EtcdConfig,
  GatewayConfig,
  GroupConfig,
  GroupSource,
  ListenConfig,
  LogConfig,
  LogFormat,
  LogLevel,
  MysqlConfig,
  NodeConfig,
  PeerTransport,
  PeersConfig,
  RingcacheConfig,
  SecurityConfig,
  SqliteConfig,
  StaticNode,
  TlsConfig,
} from './lib/ringcache-config';
export { isLoopbackHost, nodeProtectedModeProblem } from './lib/protected-mode';
export { parseBytes, parseDuration } from './lib/units';
