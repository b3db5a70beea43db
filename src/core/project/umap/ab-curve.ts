/**
 * UMAP's low-dimensional similarity is 1 / (1 + a·d^(2b)). umap-learn picks a and b by least squares against the
 * target curve (1 below min_dist, exp(-(d - min_dist)/spread) above) on 300 points of [0, 3·spread]; this does
 * the same fit with Levenberg-Marquardt (scipy's curve_fit default for unbounded problems).
 */
const SAMPLES = 300;

export function findAbParams(spread: number, minDist: number): { a: number; b: number } {
  const xs = new Float64Array(SAMPLES);
  const ys = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const x = (3 * spread * i) / (SAMPLES - 1);
    xs[i] = x;
    ys[i] = x < minDist ? 1 : Math.exp(-(x - minDist) / spread);
  }
  let a = 1;
  let b = 1;
  let lambda = 1e-3;
  let cost = sumSquares(xs, ys, a, b);
  for (let iteration = 0; iteration < 500; iteration++) {
    // Normal equations J^T J δ = J^T r for the two parameters.
    let jaa = 0;
    let jab = 0;
    let jbb = 0;
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const x = xs[i] as number;
      if (x === 0) continue; // f(0) = 1 for any a, b: no gradient.
      const x2b = Math.pow(x, 2 * b);
      const denominator = 1 + a * x2b;
      const f = 1 / denominator;
      const residual = (ys[i] as number) - f;
      const dfda = -x2b / (denominator * denominator);
      const dfdb = (-a * x2b * 2 * Math.log(x)) / (denominator * denominator);
      jaa += dfda * dfda;
      jab += dfda * dfdb;
      jbb += dfdb * dfdb;
      ga += dfda * residual;
      gb += dfdb * residual;
    }
    const maa = jaa * (1 + lambda);
    const mbb = jbb * (1 + lambda);
    const determinant = maa * mbb - jab * jab;
    if (determinant === 0) break;
    const da = (mbb * ga - jab * gb) / determinant;
    const db = (maa * gb - jab * ga) / determinant;
    const nextCost = sumSquares(xs, ys, a + da, b + db);
    if (nextCost < cost) {
      const improvement = cost - nextCost;
      a += da;
      b += db;
      cost = nextCost;
      lambda /= 10;
      if (improvement < 1e-15) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  return { a, b };
}

function sumSquares(xs: Float64Array, ys: Float64Array, a: number, b: number): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    const r = (ys[i] as number) - 1 / (1 + a * Math.pow(xs[i] as number, 2 * b));
    sum += r * r;
  }
  return sum;
}
