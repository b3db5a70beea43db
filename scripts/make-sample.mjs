// Regenerates the bundled sample (resources/sample/fmnist-1k) from ../shared/datasets/fmnist-10k:
// the first 100 images of each class, their labels and the real model's predictions for them.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = resolve(process.argv[2] ?? join(here, '../../shared/datasets/fmnist-10k'));
const target = resolve(join(here, '../resources/sample/fmnist-1k'));
const perClass = 100;

const readLines = (file) => readFileSync(file, 'utf8').trimEnd().split(/\r?\n/);
const [labelsHeader, ...labelRows] = readLines(join(source, 'labels.csv'));
const [predHeader, ...predRows] = readLines(join(source, 'predictions/logreg.csv'));

const taken = new Map();
const keep = new Set();
const keptLabels = [];
for (const row of labelRows) {
  const [path, label] = row.split(',');
  const n = taken.get(label) ?? 0;
  if (n >= perClass) continue;
  taken.set(label, n + 1);
  keep.add(path);
  keptLabels.push(row);
}

rmSync(target, { recursive: true, force: true });
for (const path of keep) {
  mkdirSync(dirname(join(target, path)), { recursive: true });
  copyFileSync(join(source, path), join(target, path));
}
writeFileSync(join(target, 'labels.csv'), [labelsHeader, ...keptLabels].join('\n') + '\n');
const keptPreds = predRows.filter((row) => keep.has(row.slice(0, row.indexOf(','))));
writeFileSync(join(target, 'predictions.csv'), [predHeader, ...keptPreds].join('\n') + '\n');
writeFileSync(
  join(target, 'ATTRIBUTION.md'),
  `# Sample: 1,000 Fashion-MNIST images

The first ${perClass} test-split images of each of the 10 classes of Fashion-MNIST
(Han Xiao, Kashif Rasul, Roland Vollgraf, Zalando Research; MIT licence; https://github.com/zalandoresearch/fashion-mnist),
as packaged by Debian's \`dataset-fashion-mnist\`.

- \`images/<class>/<id>.png\`: 28x28 grayscale; the folder is the label.
- \`labels.csv\`: \`path,label\`.
- \`predictions.csv\`: a real model's predictions (multinomial logistic regression on raw pixels, trained on the
  60,000-image train split): \`path,predicted_label,confidence,prob_<class>...\`.

Regenerate with \`node scripts/make-sample.mjs [FMNIST_10K_DIR]\`.
`,
);
console.log(`sample: ${keep.size} images, ${keptPreds.length} predictions -> ${target}`);
