import IORedis, { type Redis } from 'ioredis';

/** One ioredis client per use; BullMQ needs maxRetriesPerRequest: null for its blocking calls. */
export function createRedis(url: string, name: string): Redis {
  return new IORedis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}
