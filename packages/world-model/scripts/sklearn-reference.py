"""Reference outputs from the authors' pipeline (wesg52/world-models probe_experiment.py and
probes/evaluation.py) with scikit-learn and scipy, for test/sklearn-reference.test.ts.

Writes test/fixtures/planted-places.csv (120 places, 8 planted activation features, the paper's is_test
column, a year column) and test/fixtures/sklearn-reference.json: for the place probe (targets
[latitude, longitude] jointly) and the time probe (year), the alpha RidgeCV chose, its mean LOO error per
alpha (cv_results_), coefficients, intercepts, and the test scores (r2_score, pearsonr, spearmanr,
mean_absolute_error), the haversine error with latitude and longitude the right way round, and the
proximity error (the authors' matrix, divided by the n - 1 other entities).

Run (needs numpy, scipy, scikit-learn): python3 packages/world-model/scripts/sklearn-reference.py
"""
import json
import os

import numpy as np
from scipy import stats
from sklearn import metrics
from sklearn.linear_model import RidgeCV

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')
os.makedirs(here, exist_ok=True)
rng = np.random.default_rng(2023)
n, p = 120, 8
lat = np.clip(rng.normal(30, 25, n), -80, 80).round(4)
lon = np.clip(rng.normal(10, 60, n), -179, 179).round(4)
year = rng.integers(1500, 2000, n).astype(float)
w = rng.normal(size=(3, p))
x = (np.stack([lat / 20, lon / 40, (year - 1750) / 100], axis=1) @ w + 0.8 * rng.normal(size=(n, p))).round(6)
is_test = (np.arange(n) % 5) == 2

with open(os.path.join(here, 'planted-places.csv'), 'w') as f:
    f.write(','.join(['name', 'latitude', 'longitude', 'year', 'is_test'] + [f'f{j}' for j in range(p)]) + '\n')
    for i in range(n):
        f.write(','.join([f'place{i}', repr(float(lat[i])), repr(float(lon[i])), repr(float(year[i])), 'True' if is_test[i] else 'False'] + [repr(float(v)) for v in x[i]]) + '\n')

ALPHAS = np.logspace(0.8, 4.1, 12)


def haversine_lat_lon(true, pred):
    """Great-circle km; columns are [latitude, longitude] (the authors' helper, given the right order)."""
    R = 6371.0
    true, pred = np.radians(true), np.radians(pred)
    dlat = true[:, 0] - pred[:, 0]
    dlon = true[:, 1] - pred[:, 1]
    a = np.sin(dlat / 2) ** 2 + np.cos(pred[:, 0]) * np.cos(true[:, 0]) * np.sin(dlon / 2) ** 2
    return R * 2 * np.arctan2(np.sqrt(a), np.sqrt(1 - a))


def proximity(true, pred, dist):
    m = len(true)
    d = np.array([[dist(true[i], pred[j]) for j in range(m)] for i in range(m)])
    err = d < np.diag(d)[:, None]
    return float((err.sum(axis=1) / (m - 1)).mean())


def probe(target, place):
    xtr, xte = x[~is_test], x[is_test]
    ytr, yte = target[~is_test], target[is_test]
    mean, std = ytr.mean(axis=0), ytr.std(axis=0)
    model = RidgeCV(alphas=ALPHAS, store_cv_results=True).fit(xtr, (ytr - mean) / std)
    pred = model.predict(xte) * std + mean
    cv = model.cv_results_.mean(axis=(0, 1) if place else 0)
    out = {
        'alpha': float(model.alpha_),
        'looMse': cv.tolist(),
        'coefficients': np.atleast_2d(model.coef_).tolist(),
        'intercepts': np.atleast_1d(model.intercept_).tolist(),
    }
    cols = range(target.shape[1]) if place else [None]
    per = []
    for c in cols:
        t, q = (yte[:, c], pred[:, c]) if place else (yte, pred)
        per.append({
            'r2': metrics.r2_score(t, q), 'pearson': stats.pearsonr(t, q).statistic,
            'spearman': stats.spearmanr(t, q).statistic, 'mae': metrics.mean_absolute_error(t, q),
        })
    out['perTarget'] = per
    out['r2'] = float(metrics.r2_score(yte, pred))
    if place:
        out['haversineKm'] = float(haversine_lat_lon(yte, pred).mean())
        out['proximityError'] = proximity(yte, pred, lambda a, b: haversine_lat_lon(a[None], b[None])[0])
    else:
        out['proximityError'] = proximity(yte, pred, lambda a, b: abs(a - b))
    return out


reference = {
    'sklearn': __import__('sklearn').__version__,
    'place': probe(np.stack([lat, lon], axis=1), True),
    'time': probe(year, False),
}
with open(os.path.join(here, 'sklearn-reference.json'), 'w') as f:
    json.dump(reference, f, indent=1)
print(json.dumps({k: (v['alpha'], v['r2']) if isinstance(v, dict) else v for k, v in reference.items()}))
