export { GatewayModule } from './lib/gateway.module';
export { EXPIRE_AT_HEADER } from './lib/gateway.controller';
export { startGateway } from './lib/start-gateway';
export type { StartGatewayOptions } from './lib/start-gateway';
export { DOCS_JSON_PATH, DOCS_PATH } from './lib/gateway-docs';
