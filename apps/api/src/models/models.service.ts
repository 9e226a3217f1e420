import { ElegansError } from '@elegans/common';
import type { Storage } from '@elegans/storage';
import { Inject, Injectable } from '@nestjs/common';
import { STORAGE } from '../../../shared/src/storage.module';
import type { ModelEntry } from './models.schemas';

export type { ModelEntry };

const BASE_MODEL = 'elegans';

function unixSeconds(iso: string): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

/**
 * The chat "models" a tenant can select: the whole corpus, and each of its collections. Chat
 * frontends (Open WebUI, LibreChat) list `GET /v1/models` to fill their model picker, and
 * `POST /v1/chat/completions` accepts exactly these ids.
 */
@Injectable()
export class ModelsService {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  async list(tenantId: string): Promise<ModelEntry[]> {
    const collections = await this.storage.documents.listCollections(tenantId);
    const oldest = collections.reduce((m, c) => (m === '' || c.createdAt < m ? c.createdAt : m), '');
    return [
      entry(BASE_MODEL, oldest ? unixSeconds(oldest) : 0),
      ...collections.map((c) => entry(`${BASE_MODEL}:${c.name}`, unixSeconds(c.createdAt))),
    ];
  }

  async get(tenantId: string, id: string): Promise<ModelEntry> {
    const found = (await this.list(tenantId)).find((m) => m.id === id);
    if (!found) throw new ElegansError('not_found', `no model "${id}": use "elegans" or "elegans:<collection>"`);
    return found;
  }
}

function entry(id: string, created: number): ModelEntry {
  return { id, object: 'model', created, owned_by: 'elegans' };
}
