// The contribution service every route, handler and operator command works on: the database
// and the service's configuration. The app builds one at start (`community-api.ts`); the admin
// commands and tests build their own.
import type { HearthDatabase } from '../db/database';
import { resolveServiceConfig, type ServiceConfig, type ServiceOptions } from './service-config';

export interface Service {
	database: HearthDatabase;
	config: ServiceConfig;
}

export function createService(database: HearthDatabase, options: ServiceOptions = {}): Service {
	return { database, config: resolveServiceConfig(options) };
}
