"""Peer run for bench/labels: the same cross-validated linear probe in scikit-learn, on the same noisy labels.

Called by run.ts with a manifest naming, per seed, the noisy labels (int32) and the flipped mask (uint8), plus the
embeddings (.npy). Prints one JSON object per seed: the probe's wall time and the AUPRC of 1 - its self-confidence.
Runs on Debian's python (`/usr/bin/python3` with python3-sklearn). Cleanlab itself is not installable here (no
network to PyPI), so confident learning is not compared with it.
"""
import json
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def main() -> None:
    manifest = json.load(open(sys.argv[1]))
    embeddings = np.load(manifest["embeddings"]).astype(np.float64)
    for run in manifest["runs"]:
        noisy = np.fromfile(run["noisy"], dtype=np.int32)
        flipped = np.fromfile(run["flipped"], dtype=np.uint8).astype(bool)
        started = time.perf_counter()
        # lbfgs, multinomial; C = 1 / (n_train * l2) matches our mean-loss + l2/2 |W|^2 objective with l2 = 1e-3.
        # scikit-learn stops at its tolerance (within 100 iterations); ours after 30 (see linear-probe.ts).
        probe = make_pipeline(StandardScaler(), LogisticRegression(C=1.0 / (0.8 * len(noisy) * 1e-3), max_iter=100))
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=run["seed"])
        oof = cross_val_predict(probe, embeddings, noisy, cv=folds, method="predict_proba")
        elapsed = time.perf_counter() - started
        self_confidence = oof[np.arange(len(noisy)), noisy]
        print(json.dumps({"seed": run["seed"], "seconds": elapsed, "auprc": float(average_precision_score(flipped, 1 - self_confidence))}))


if __name__ == "__main__":
    main()
