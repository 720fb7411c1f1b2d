// `GET /api/health`: whether the server and its database answer, and which schema it runs.
import { z } from 'zod';

export const databaseDialects = ['sqlite', 'postgres'] as const;
export const databaseDialectSchema = z.enum(databaseDialects);
export type DatabaseDialect = z.infer<typeof databaseDialectSchema>;

export const databaseHealthSchema = z.object({
	dialect: databaseDialectSchema,
	ok: z.boolean(),
	/** Name of the newest applied migration, e.g. `0001_initial`; null before any ran. */
	migration: z.string().nullable()
});
export type DatabaseHealth = z.infer<typeof databaseHealthSchema>;

export const healthResponseSchema = z.object({
	/** `unavailable` (sent with HTTP 503) when the database does not answer. */
	status: z.enum(['ok', 'unavailable']),
	/** The `version` of package.json the server runs. */
	version: z.string(),
	database: databaseHealthSchema
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
