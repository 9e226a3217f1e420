import { ElegansError } from '@elegans/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '../../../shared/src/config';
import { CONFIG } from '../../../shared/src/storage.module';
import { QueryModel } from '../model/query-model';
import { ModelsService } from '../models/models.service';
import type { EmbeddingsRequest, EmbeddingsResponse } from './embeddings.schemas';

export interface EmbeddingsLimits {
  maxInputs: number;
  maxInputTokens: number;
  maxTotalTokens: number;
}

/**
 * OpenAI-compatible embeddings from the liquid model. Every input is embedded as a *query*: streamed
 * alone from zero state (ts.sentence on its first token), mean-pooled over its tokens, L2-normalised:
 * the vector /v1/search and /v1/ask compare with the stored passage and sentence vectors. Stored
 * passage vectors are pooled inside their document's stream (carried state), so embedding a passage's
 * text here gives a close but not identical vector; comparing inputs of one request with each other
 * is exact like for like.
 */
@Injectable()
export class EmbeddingsService {
  readonly limits: EmbeddingsLimits;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly queryModel: QueryModel,
    private readonly models: ModelsService,
  ) {
    this.limits = {
      maxInputs: config.EMBEDDINGS_MAX_INPUTS,
      maxInputTokens: config.EMBEDDINGS_MAX_INPUT_TOKENS,
      maxTotalTokens: config.EMBEDDINGS_MAX_TOTAL_TOKENS,
    };
  }

  /** `body` was validated by the route (embeddings.schemas.ts). */
  async embed(tenantId: string, body: EmbeddingsRequest): Promise<EmbeddingsResponse> {
    // Unknown model ids are a 404, as OpenAI answers them (the client raises NotFoundError).
    await this.models.get(tenantId, body.model);
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (inputs.length === 0) throw new ElegansError('validation_failed', 'input: must contain at least one string');
    if (inputs.length > this.limits.maxInputs) {
      throw new ElegansError(
        'validation_failed',
        `input: ${inputs.length} inputs; at most ${this.limits.maxInputs} per request (EMBEDDINGS_MAX_INPUTS)`,
      );
    }
    const model = await this.queryModel.current();
    if (!model) throw new ElegansError('service_unavailable', 'the liquid model is not available; try again later');
    const dims = model.model.featureDim;
    if (body.dimensions !== undefined && body.dimensions !== dims) {
      throw new ElegansError(
        'validation_failed',
        `dimensions: this model gives ${dims}-dimensional vectors only (they are not trained to be truncated)`,
      );
    }

    // Limits before any model work: a request past them costs a tokenizer pass, never a model run.
    let total = 0;
    const counts = inputs.map((text, i) => {
      const n = model.queryTokenCount(text);
      if (n === 0) throw new ElegansError('validation_failed', `input[${i}]: empty (no tokens)`);
      if (n > this.limits.maxInputTokens) {
        throw new ElegansError(
          'validation_failed',
          `input[${i}]: ${n} tokens; at most ${this.limits.maxInputTokens} per input (EMBEDDINGS_MAX_INPUT_TOKENS)`,
        );
      }
      total += n;
      return n;
    });
    if (total > this.limits.maxTotalTokens) {
      throw new ElegansError(
        'validation_failed',
        `input: ${total} tokens in all; at most ${this.limits.maxTotalTokens} per request (EMBEDDINGS_MAX_TOTAL_TOKENS)`,
      );
    }

    const vectors = await model.embedQueries(inputs);
    const tokens = counts.reduce((a, b) => a + b, 0);
    return {
      object: 'list',
      data: vectors.map((v, index) => ({
        object: 'embedding',
        index,
        embedding: body.encoding_format === 'base64' ? float32Base64(v) : Array.from(v),
      })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
      elegans: { modelVersion: model.modelVersion, vector: 'query', dimensions: dims },
    };
  }
}

/** Little-endian float32 bytes, base64: what the openai clients decode (toFloat32Array) whatever the host's byte order. */
export function float32Base64(v: Float32Array): string {
  const buf = Buffer.allocUnsafe(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i]!, i * 4);
  return buf.toString('base64');
}
