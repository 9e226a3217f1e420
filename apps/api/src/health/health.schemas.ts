import { z } from 'zod';

export const liveSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Live' });

export const readySchema = z
  .object({ status: z.literal('ok'), checks: z.record(z.string(), z.literal('ok')) })
  .meta({ id: 'Ready', description: 'every dependency answered (redis, database)' });
