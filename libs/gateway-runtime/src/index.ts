export { GatewayModule } from './lib/gateway.module';
export { EXPIRE_AT_HEADER } from './lib/gateway.controller';
export { startGateway } from './lib/start-gateway';
