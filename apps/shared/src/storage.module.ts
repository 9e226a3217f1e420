import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { openAppStorage, type AppStorage } from './app-storage';
import type { Config } from './config';

export const CONFIG = Symbol('CONFIG');
export const STORAGE = Symbol('STORAGE');
export const LOGGER = Symbol('LOGGER');

/** Opens storage (every app migration set, the retrieval repository with it) once per process. */
@Global()
@Module({})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: AppStorage) {}

  static forRoot(config: Config) {
    return {
      module: StorageModule,
      providers: [
        { provide: CONFIG, useValue: config },
        {
          provide: STORAGE,
          useFactory: () => openAppStorage(config),
        },
      ],
      exports: [CONFIG, STORAGE],
    };
  }

  async onApplicationShutdown() {
    await this.storage.close();
  }
}
