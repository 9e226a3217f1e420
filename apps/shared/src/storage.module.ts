import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Storage } from '@elegans/storage';
import { openAppStorage } from './app-storage';
import type { Config } from './config';

export const CONFIG = Symbol('CONFIG');
export const STORAGE = Symbol('STORAGE');
export const LOGGER = Symbol('LOGGER');

/** Opens storage (every app migration set) once per process. */
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
