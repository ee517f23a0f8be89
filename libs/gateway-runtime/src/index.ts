export { GatewayModule } from './lib/gateway.module';
export { GatewayRouter } from './lib/gateway-router';
export type { GatewayRouterOptions, GatewayRouterStats } from './lib/gateway-router';
export { EXPIRE_AT_HEADER } from './lib/gateway.controller';
export { startGateway } from './lib/start-gateway';
