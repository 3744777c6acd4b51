/**
 * Reads a tfjs graph model that a package ships as browserified `.min.js` files
 * (model topology + base64 weight shards), without the package's own slow loader.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string';
  quantization?: { min?: number; scale?: number; dtype: 'uint8' | 'uint16' | 'float16' };
}

export interface TfjsAttrValue {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: string[]; f?: number[] };
  shape?: unknown;
}

export interface TfjsGraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfjsAttrValue>;
}

export interface TfjsGraphModelJson {
  format: string;
  generatedBy: string;
  convertedBy: string;
  modelTopology: { node: TfjsGraphNode[]; versions?: unknown; library?: unknown };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
}

export interface TfjsGraphArtifacts {
  json: TfjsGraphModelJson;
  weightSpecs: TfjsWeightSpec[];
  weightData: ArrayBuffer;
}

/** Version of an installed package, found by walking up from its main file (works when `exports` hides package.json). */
export function installedPackageVersion(name: string): string {
  let dir = dirname(require.resolve(name));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot find the version of installed package ${name}`);
}

/** Directory of a model bundled in nsfwjs (dist/models/<name>), found by file path (its exports block deep imports). */
export function nsfwjsModelDir(name: 'mobilenet_v2_mid' | 'inception_v3'): string {
  const main = require.resolve('nsfwjs');
  let dir = dirname(main);
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'models', name);
    if (existsSync(join(candidate, 'model.min.js'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`nsfwjs is installed at ${main} but its dist/models/${name} folder was not found`);
}

/** Directory of the MobileNetV2-1.4 ("mid") model bundled in nsfwjs. */
export function nsfwjsMobilenetDir(): string {
  return nsfwjsModelDir('mobilenet_v2_mid');
}

function loadShardBytes(file: string): Buffer {
  const mod: unknown = require(file);
  const text = typeof mod === 'string' ? mod : (mod as { default?: unknown }).default;
  if (typeof text !== 'string') throw new Error(`${file}: expected a base64 string export`);
  return Buffer.from(text, 'base64');
}

/** A browserified tfjs model folder (graph or layers format): its model.json and concatenated weight bytes. */
export function loadBrowserifiedModel(dir: string): { json: { modelTopology?: unknown; weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[] }; weightSpecs: TfjsWeightSpec[]; weightData: ArrayBuffer } {
  const json = require(join(dir, 'model.min.js')) as { modelTopology?: unknown; weightsManifest?: { paths: string[]; weights: TfjsWeightSpec[] }[] };
  if (!json?.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error(`${dir}/model.min.js: not a tfjs model (no modelTopology or weightsManifest)`);
  const weightSpecs: TfjsWeightSpec[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const path of group.paths) buffers.push(loadShardBytes(join(dir, `${path}.min.js`)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { json: { modelTopology: json.modelTopology, weightsManifest: json.weightsManifest }, weightSpecs, weightData };
}

/** Loads topology and concatenated weight bytes of a browserified tfjs graph model folder. */
export function loadBrowserifiedGraphModel(dir: string): TfjsGraphArtifacts {
  const model = loadBrowserifiedModel(dir);
  const json = model.json as TfjsGraphModelJson;
  if (!json.modelTopology?.node) throw new Error(`${dir}/model.min.js: not a tfjs graph model`);
  return { json, weightSpecs: model.weightSpecs, weightData: model.weightData };
}

/** Dequantises the weights into float32 arrays keyed by name (tfjs formula: q * scale + min). */
export function decodeWeights(artifacts: Pick<TfjsGraphArtifacts, 'weightSpecs' | 'weightData'>): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  const bytes = new Uint8Array(artifacts.weightData);
  let offset = 0;
  for (const spec of artifacts.weightSpecs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const q = spec.quantization;
    if (spec.dtype !== 'float32') throw new Error(`weight ${spec.name}: dtype ${spec.dtype} is not supported`);
    if (!q) {
      data.set(new Float32Array(bytes.slice(offset, offset + size * 4).buffer));
      offset += size * 4;
    } else if (q.dtype === 'uint8') {
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      for (let i = 0; i < size; i++) data[i] = bytes[offset + i]! * scale + min;
      offset += size;
    } else if (q.dtype === 'uint16') {
      const view = new DataView(artifacts.weightData, offset, size * 2);
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      for (let i = 0; i < size; i++) data[i] = view.getUint16(i * 2, true) * scale + min;
      offset += size * 2;
    } else {
      throw new Error(`weight ${spec.name}: quantization ${q.dtype} is not supported`);
    }
    out.set(spec.name, { shape: spec.shape, data });
  }
  if (offset !== bytes.length) throw new Error(`weight data is ${bytes.length} bytes but the manifest describes ${offset}`);
  return out;
}
