"""Reference values for the separability index, computed with numpy exactly as the authors' code does.

- data-range: sae_multid_feature_discovery/gpt2_compute_reducibility.py (get_separability:
  np.histogram2d(bins=10) per rotation, mutual_information with the 1e-10 guard, angles
  np.linspace(0, 2 pi, 100), result / log 2).
- fixed-range: reducibility_demos/reducibility_demo.py (normalize, bin_ with n = 20, bound = 3,
  mutual_info with 1e-4, 1000 angles 2 pi i / 1000, result / log 2), re-written with numpy.
Also the hard fraction |z| < 0.1 for fixed (a, b). Writes separability-reference.json next to this file.
Run: python3 separability_reference.py
"""
import json
import os
import numpy as np


def mutual_information(xy_hist, eps=1e-10):
    joint = xy_hist / (np.sum(xy_hist) + eps)
    marginal_x = np.sum(joint, axis=1)
    marginal_y = np.sum(joint, axis=0)
    product = np.outer(marginal_x, marginal_y)
    mask = joint > 0
    return np.sum(joint[mask] * np.log((joint[mask] + eps) / (product[mask] + eps)))


def rotate(xy, angle):
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return np.dot(xy, rotation)


def separability_data_range(xy):
    angles = np.linspace(0, 2 * np.pi, 100)
    mis = []
    for angle in angles:
        r = rotate(xy, angle)
        h, _, _ = np.histogram2d(r[:, 0], r[:, 1], bins=10)
        mis.append(mutual_information(h))
    mis = np.array(mis) / np.log(2)
    return float(mis.min()), mis.tolist()


def demo_bin(xy, n, bound):
    xy = np.clip((xy + bound) / bound * n, 0, 2 * n - 0.1)
    ints = np.floor(xy).astype(np.int64)
    dist = np.zeros((2 * n) ** 2)
    np.add.at(dist, ints[:, 0] * (2 * n) + ints[:, 1], 1.0)
    return dist.reshape(2 * n, 2 * n)


def demo_mutual_info(xy, n, bound):
    joint = demo_bin(xy, n, bound)
    joint = joint / joint.sum()
    mx = joint.sum(axis=1)
    my = joint.sum(axis=0)
    product = mx[:, None] * my[None, :]
    return np.sum(joint * np.log((joint + 1e-4) / (product + 1e-4)))


def separability_fixed_range(x):
    x = x - x.mean(axis=0)
    x = x / np.mean(x ** 2)
    mis = []
    for i in range(1000):
        angle = 2 * np.pi * i / 1000
        rotation = np.cos(angle) * np.eye(2) + np.sin(angle) * np.array([[0, -1], [1, 0]])
        mis.append(demo_mutual_info(np.tensordot(x, rotation, axes=1), 20, 3))
    mis = np.array(mis) / np.log(2)
    return float(mis.min()), mis.tolist()


def hard_fraction(xy, a, b, eps=0.1):
    p = xy @ a + b
    z = p / np.sqrt(np.mean(p ** 2))
    return float(np.mean(np.abs(z) < eps))


rng = np.random.default_rng(7)
clouds = {}
t = rng.uniform(0, 2 * np.pi, 400)
clouds["circle"] = np.stack([np.cos(t), np.sin(t)], axis=1) + 0.05 * rng.standard_normal((400, 2))
clouds["gaussian"] = rng.standard_normal((400, 2)) @ np.array([[1.3, 0.4], [-0.7, 0.9]])
pick = rng.uniform(size=400) < 0.5
g = rng.standard_normal(400)
clouds["two-lines"] = np.where(pick[:, None], g[:, None] * np.array([1, 0.2]), g[:, None] * np.array([-0.3, 1]))
out = {}
for name, xy in clouds.items():
    s_data, mis_data = separability_data_range(xy)
    s_fixed, mis_fixed = separability_fixed_range(xy)
    a = np.array([0.3, -1.1])
    out[name] = {
        "points": xy.tolist(),
        "dataRange": {"index": s_data, "mutualInformation": mis_data},
        "fixedRange": {"index": s_fixed, "mutualInformationEvery50": mis_fixed[::50]},
        "hardFraction": {"a": a.tolist(), "b": 0.2, "value": hard_fraction(xy, a, 0.2)},
    }
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "separability-reference.json"), "w") as f:
    json.dump(out, f)
print({k: (v["dataRange"]["index"], v["fixedRange"]["index"], v["hardFraction"]["value"]) for k, v in out.items()})
