import { defaultModelDir, loadManifest } from '@elegans/model';
import { loadLiquidEmbedder, type LiquidEmbedder } from '@elegans/retrieval';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../../shared/src/storage.module';

/** How often the API looks at the model manifest for a new version. */
const MANIFEST_CHECK_MS = 30_000;
/** Requests still holding a replaced session get this long to finish before it is released. */
const RELEASE_GRACE_MS = 10_000;

/**
 * The one liquid model the API holds for query-side work: search, ask (and chat through it) and
 * /v1/embeddings all embed with this session, so the process loads the ONNX model once.
 *
 * It loads lazily, on the first request that needs it. If it cannot load, `current()` gives null and
 * each caller degrades in its own way (search and ask go lexical, embeddings answer 503). A new model
 * drop (models/liquid/manifest.json version) is picked up without a restart; the worker then writes
 * vectors of the new version and `elegans reindex` converts older ones.
 */
@Injectable()
export class QueryModel implements OnApplicationShutdown {
  private model: Promise<LiquidEmbedder | null> | null = null;
  private lastManifestCheck = 0;

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  async current(): Promise<LiquidEmbedder | null> {
    const now = Date.now();
    if (this.model && now - this.lastManifestCheck > MANIFEST_CHECK_MS) {
      this.lastManifestCheck = now;
      const loaded = await this.model;
      let onDisk: string | null = null;
      try {
        onDisk = loadManifest(defaultModelDir()).version;
      } catch {
        onDisk = null;
      }
      if (onDisk && onDisk !== (loaded?.modelVersion ?? null)) {
        this.logger.info({ from: loaded?.modelVersion ?? null, to: onDisk }, 'query model changed on disk; reloading');
        this.model = null;
        if (loaded) setTimeout(() => void loaded.release(), RELEASE_GRACE_MS).unref();
      }
    }
    return this.load();
  }

  private load(): Promise<LiquidEmbedder | null> {
    this.model ??= loadLiquidEmbedder().then(
      (m) => {
        this.logger.info({ modelVersion: m.modelVersion }, 'query model loaded');
        return m;
      },
      (err: unknown) => {
        this.logger.warn({ err: { message: (err as Error).message } }, 'query model unavailable');
        return null;
      },
    );
    return this.model;
  }

  async onApplicationShutdown(): Promise<void> {
    const m = await this.model;
    await m?.release();
  }
}
