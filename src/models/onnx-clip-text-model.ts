/**
 * The text tower of a brought dual encoder (CLIP, SigLIP, open_clip exported to ONNX): texts are
 * tokenized with CLIP's BPE (clip-tokenizer.ts) into fixed-length id rows and embedded into the
 * image tower's space, so a text vector is compared with poster vectors directly.
 */
import * as ort from 'onnxruntime-node';
import { optimizedSession } from './optimized-session.js';
import { ClipTokenizer, vocabularyFromFiles, vocabularyFromOpenAiMerges, vocabularyFromTokenizerJson } from './clip-tokenizer.js';
import type { TextTowerManifest, TokenizerSource } from './manifest.js';
import { l2normalize, type TextEmbeddingModel } from './types.js';

export function loadClipTokenizer(source: TokenizerSource): ClipTokenizer {
  if ('json' in source) return new ClipTokenizer(vocabularyFromTokenizerJson(source.json));
  if ('bpe' in source) return new ClipTokenizer(vocabularyFromOpenAiMerges(source.bpe));
  return new ClipTokenizer(vocabularyFromFiles(source.vocab, source.merges));
}

export class OnnxClipTextModel implements TextEmbeddingModel {
  readonly modality = 'text' as const;
  readonly metric = 'cosine' as const;
  readonly normalize = true;
  readonly dimension: number;

  private constructor(
    readonly id: string,
    readonly version: string,
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: ClipTokenizer,
    private readonly tower: TextTowerManifest,
    private readonly inputName: string,
    private readonly outputName: string,
  ) {
    this.dimension = tower.dimension;
  }

  /** `id`/`version`: the dual encoder's (the text tower shares the image tower's identity). */
  static async load(id: string, version: string, tower: TextTowerManifest, threads = 1): Promise<OnnxClipTextModel> {
    const tokenizer = loadClipTokenizer(tower.tokenizer);
    const session = await optimizedSession(tower.weights, { intraOpNumThreads: threads, interOpNumThreads: 1 });
    const inputName = tower.input ?? session.inputNames.find((n) => n !== tower.attentionMask) ?? session.inputNames[0];
    const outputName = tower.output ?? session.outputNames[0];
    if (!inputName || !outputName) {
      await session.release();
      throw new Error(`model ${id}: the text tower's ONNX graph has no input or output`);
    }
    for (const name of [inputName, tower.attentionMask].filter((n): n is string => !!n))
      if (!session.inputNames.includes(name)) {
        await session.release();
        throw new Error(`model ${id}: the text tower has no input "${name}" (it has ${session.inputNames.join(', ')})`);
      }
    return new OnnxClipTextModel(id, version, session, tokenizer, tower, inputName, outputName);
  }

  async embedBatch(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const n = texts.length;
    const ctx = this.tower.contextLength;
    const rows = texts.map((t) => this.tokenizer.encode(t, { contextLength: ctx, padId: this.tower.padId }));
    const ids = this.tower.inputType === 'int64' ? new BigInt64Array(n * ctx) : new Int32Array(n * ctx);
    const mask = this.tower.inputType === 'int64' ? new BigInt64Array(n * ctx) : new Int32Array(n * ctx);
    rows.forEach((row, r) => {
      const end = row.indexOf(this.tokenizer.endId);
      row.forEach((id, i) => {
        if (ids instanceof BigInt64Array) {
          ids[r * ctx + i] = BigInt(id);
          (mask as BigInt64Array)[r * ctx + i] = i <= end ? 1n : 0n;
        } else {
          ids[r * ctx + i] = id;
          (mask as Int32Array)[r * ctx + i] = i <= end ? 1 : 0;
        }
      });
    });
    const feeds: Record<string, ort.Tensor> = { [this.inputName]: new ort.Tensor(this.tower.inputType, ids, [n, ctx]) };
    if (this.tower.attentionMask) feeds[this.tower.attentionMask] = new ort.Tensor(this.tower.inputType, mask, [n, ctx]);
    const out = (await this.session.run(feeds))[this.outputName];
    if (!out) throw new Error(`model ${this.id}: the text tower's output ${this.outputName} is missing`);
    const data = out.data as Float32Array;
    const dim = data.length / n;
    if (dim !== this.dimension) throw new Error(`model ${this.id}: the text tower produced ${dim}-d vectors, the manifest says ${this.dimension}`);
    return rows.map((_, r) => l2normalize(data.slice(r * dim, (r + 1) * dim)));
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
