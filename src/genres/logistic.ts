/**
 * Multi-label logistic regression: one linear layer with a sigmoid per genre, trained
 * jointly with Adam on shuffled mini-batches (seeded: same data + seed = same model) and an
 * L2 penalty. Features are standardised with the training set's mean and std. Trained on
 * the plain log-loss so probabilities stay calibrated; class imbalance is handled at
 * decision time by per-genre thresholds tuned for F1 (see metrics.ts).
 *
 * A mini-batch's logits (batch × d times d × g) and weight gradient (its transpose times the
 * errors) are two matrix products on onnxruntime (search/matmul.ts). Written as loops in
 * JavaScript they were 30 of the 38 s of `genres train` on 1,000 posters (7,700 features,
 * 18 genres); docs/genres.md has the times and the accuracy before and after.
 */
import { matmul } from '../search/matmul.js';
import { seededRandom } from '../util/random.js';

export interface LogisticParams {
  epochs: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  seed: number;
}

/** l2 chosen by 2-fold CV on the demo catalog (poster features): 1e-3 0.174, 0.05 0.199, 0.5 0.221, 1.5 0.208 macro-mAP. */
export const DEFAULT_LOGISTIC: LogisticParams = { epochs: 12, batchSize: 64, learningRate: 0.002, l2: 0.5, seed: 7 };

export interface LogisticModel {
  d: number;
  g: number;
  mean: Float32Array;
  std: Float32Array;
  /** d x g weights, row-major. */
  w: Float32Array;
  b: Float32Array;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** X: n x d row-major; Y: n x g multi-hot. */
export async function trainLogistic(x: Float32Array, y: Uint8Array, n: number, d: number, g: number, params: LogisticParams = DEFAULT_LOGISTIC): Promise<LogisticModel> {
  const mean = new Float32Array(d);
  const std = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (x[i * d + j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) || 1;
  const xs = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xs[i * d + j] = (x[i * d + j]! - mean[j]!) / std[j]!;

  // Start from the label prior so early epochs do not waste steps on the biases.
  const w = new Float32Array(d * g);
  const b = new Float32Array(g);
  for (let k = 0; k < g; k++) {
    let pos = 0;
    for (let i = 0; i < n; i++) pos += y[i * g + k]!;
    const p = Math.min(0.99, Math.max(0.01, pos / n));
    b[k] = Math.log(p / (1 - p));
  }
  const mw = new Float32Array(d * g), vw = new Float32Array(d * g), mb = new Float32Array(g), vb = new Float32Array(g);
  const gb = new Float32Array(g);
  const { epochs, batchSize, learningRate, l2 } = params;
  const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  const rand = seededRandom(params.seed);
  const order = Array.from({ length: n }, (_, i) => i);
  const xb = new Float32Array(Math.min(batchSize, n) * d);
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let start = 0; start < n; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const m = batch.length;
      const rows = xb.subarray(0, m * d);
      batch.forEach((i, r) => rows.set(xs.subarray(i * d, (i + 1) * d), r * d));
      // Errors: sigmoid(X_b W + b) − Y_b (m × g); gradient of W: X_bᵀ errors (d × g).
      const errors = await matmul(rows, w, m, d, g);
      gb.fill(0);
      batch.forEach((i, r) => {
        for (let k = 0; k < g; k++) {
          const e = sigmoid(errors[r * g + k]! + b[k]!) - y[i * g + k]!;
          errors[r * g + k] = e;
          gb[k] += e;
        }
      });
      const gw = await matmul(rows, errors, d, m, g, { transA: true });
      step++;
      const scale = 1 / m;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      for (let p = 0; p < w.length; p++) {
        const grad = gw[p]! * scale + l2 * w[p]!;
        mw[p] = beta1 * mw[p]! + (1 - beta1) * grad;
        vw[p] = beta2 * vw[p]! + (1 - beta2) * grad * grad;
        w[p] -= (learningRate * (mw[p]! / c1)) / (Math.sqrt(vw[p]! / c2) + eps);
      }
      for (let k = 0; k < g; k++) {
        const grad = gb[k]! * scale;
        mb[k] = beta1 * mb[k]! + (1 - beta1) * grad;
        vb[k] = beta2 * vb[k]! + (1 - beta2) * grad * grad;
        b[k] -= (learningRate * (mb[k]! / c1)) / (Math.sqrt(vb[k]! / c2) + eps);
      }
    }
  }
  return { d, g, mean, std, w, b };
}

/** Probabilities (n x g) for rows of x. */
export function predictLogistic(m: LogisticModel, x: Float32Array, n: number): Float32Array {
  const { d, g } = m;
  const out = new Float32Array(n * g);
  for (let i = 0; i < n; i++) {
    const logits = Float32Array.from(m.b);
    for (let j = 0; j < d; j++) {
      const v = (x[i * d + j]! - m.mean[j]!) / m.std[j]!;
      const wr = j * g;
      for (let k = 0; k < g; k++) logits[k] += v * m.w[wr + k]!;
    }
    for (let k = 0; k < g; k++) out[i * g + k] = sigmoid(logits[k]!);
  }
  return out;
}
