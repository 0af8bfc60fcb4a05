// Multinomial logistic regression over sparse features, trained in process at start-up.
// Deterministic (seeded shuffle) so the same knowledge always gives the same model.

export interface Sample {
  features: Map<string, number>;
  label: number;
  /**
   * Soft target for a genuinely ambiguous message ("パスワード" alone): probability mass per label,
   * summing to 1. When absent the target is one-hot on `label`.
   */
  soft?: ReadonlyArray<readonly [label: number, mass: number]>;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** Per-class loss weight; `balanced` weighs each class by inverse frequency (sqrt-damped). */
  classWeighting: 'none' | 'balanced';
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  epochs: 8,
  learningRate: 1,
  l2: 1e-5,
  seed: 42,
  classWeighting: 'balanced',
};

interface SparseVector {
  idx: Int32Array;
  val: Float64Array;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class LinearClassifier {
  private constructor(
    readonly labelCount: number,
    private readonly featureIndex: Map<string, number>,
    private readonly weights: Float64Array, // feature-major: weights[f * labelCount + k]
    private readonly bias: Float64Array,
  ) {}

  static train(samples: Sample[], labelCount: number, options: Partial<TrainOptions> = {}): LinearClassifier {
    const opts = { ...DEFAULT_TRAIN_OPTIONS, ...options };
    const featureIndex = new Map<string, number>();
    for (const s of samples) {
      for (const name of s.features.keys())
        if (!featureIndex.has(name)) featureIndex.set(name, featureIndex.size);
    }
    const K = labelCount;
    const weights = new Float64Array(featureIndex.size * K);
    const bias = new Float64Array(K);
    const model = new LinearClassifier(K, featureIndex, weights, bias);
    const vectors = samples.map((s) => model.vectorize(s.features));
    const order = samples.map((_, i) => i);
    const random = mulberry32(opts.seed);
    const logits = new Float64Array(K);
    const grad = new Float64Array(K);
    const target = new Float64Array(K);
    const classWeight = new Float64Array(K).fill(1);
    if (opts.classWeighting === 'balanced') {
      const counts = new Float64Array(K);
      for (const s of samples) counts[s.label]! += 1;
      const mean = samples.length / counts.filter((c) => c > 0).length;
      for (let k = 0; k < K; k++) classWeight[k] = counts[k]! > 0 ? Math.sqrt(mean / counts[k]!) : 1;
    }
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const lr = opts.learningRate / (1 + epoch * 0.2);
      for (const n of order) {
        const v = vectors[n]!;
        const sample = samples[n]!;
        const y = sample.label;
        const cw = classWeight[y]!;
        target.fill(0);
        if (sample.soft) for (const [k, mass] of sample.soft) target[k] = mass;
        else target[y] = 1;
        model.logitsInto(v, logits);
        softmaxInPlace(logits);
        // Gradient per class; classes the example no longer pulls on are skipped (most of them,
        // after a few epochs), which keeps start-up training well under the 1 s budget.
        let active = 0;
        for (let k = 0; k < K; k++) {
          const g = cw * (logits[k]! - target[k]!);
          grad[k] = Math.abs(g) < 1e-4 ? 0 : g;
          if (grad[k] !== 0) active++;
          bias[k]! -= lr * grad[k]! * 0.1;
        }
        if (active === 0) continue;
        const decay = lr * opts.l2;
        for (let t = 0; t < v.idx.length; t++) {
          const base = v.idx[t]! * K;
          const x = lr * v.val[t]!;
          for (let k = 0; k < K; k++) {
            const g = grad[k]!;
            if (g === 0) continue;
            const w = base + k;
            weights[w] = weights[w]! - x * g - decay * weights[w]!;
          }
        }
      }
    }
    return model;
  }

  /** Known features only, L2-normalised so long and short messages are on one scale. */
  private vectorize(features: Map<string, number>): SparseVector {
    const idx: number[] = [];
    const val: number[] = [];
    let norm = 0;
    for (const [name, value] of features) {
      const i = this.featureIndex.get(name);
      norm += value * value;
      if (i === undefined) continue;
      idx.push(i);
      val.push(value);
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    return { idx: Int32Array.from(idx), val: Float64Array.from(val, (x) => x * scale) };
  }

  private logitsInto(v: SparseVector, out: Float64Array): void {
    const K = this.labelCount;
    for (let k = 0; k < K; k++) out[k] = this.bias[k]!;
    for (let t = 0; t < v.idx.length; t++) {
      const base = v.idx[t]! * K;
      const x = v.val[t]!;
      for (let k = 0; k < K; k++) out[k]! += this.weights[base + k]! * x;
    }
  }

  /** Class probabilities and the share of the message's feature mass the model has seen. */
  predict(features: Map<string, number>): { probabilities: Float64Array; coverage: number } {
    const v = this.vectorize(features);
    const out = new Float64Array(this.labelCount);
    this.logitsInto(v, out);
    softmaxInPlace(out);
    let known = 0;
    for (const x of v.val) known += x * x;
    return { probabilities: out, coverage: known };
  }

  get featureCount(): number {
    return this.featureIndex.size;
  }
}

function softmaxInPlace(z: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of z) if (x > max) max = x;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp(z[k]! - max);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k]! /= sum;
}
