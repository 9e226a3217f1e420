import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { openStorage, type Storage } from '@elegans/storage';
import type { Config } from './config';
import { MIGRATION_SETS } from './migrations';

export const CONFIG = Symbol('CONFIG');
export const STORAGE = Symbol('STORAGE');
export const LOGGER = Symbol('LOGGER');

/** Opens the shared SQLite file (running every app migration set) once per process. */
@Global()
@Module({})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  static forRoot(config: Config) {
    return {
      module: StorageModule,
      providers: [
        { provide: CONFIG, useValue: config },
        {
          provide: STORAGE,
          useFactory: () =>
            openStorage({ databasePath: config.DATABASE_PATH, dataDir: config.DATA_DIR, migrations: MIGRATION_SETS }),
        },
      ],
      exports: [CONFIG, STORAGE],
    };
  }

  onApplicationShutdown() {
    this.storage.close();
  }
}
