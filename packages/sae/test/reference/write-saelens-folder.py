"""An independent SAELens-format writer and reference SAE maths (numpy, float64), for marr's tests.

Usage: python3 write-saelens-folder.py <out_dir>
Writes one SAELens folder per case under <out_dir>/<case>/ (cfg.json + sae_weights.safetensors, the
safetensors bytes assembled here with struct/json, not by marr), plus <out_dir>/<case>/expected.json with
the input rows, the latents and the reconstruction computed from the formulas in SAELens's
sae_lens/saes/{standard,topk,jumprelu}_sae.py.
"""
import json, os, struct, sys
import numpy as np

def to_bf16_bytes(a):
    u = np.asarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    return r.tobytes(), r.astype(np.uint32) << 16

def write_safetensors(path, tensors, dtype):
    header, blobs, off = {}, [], 0
    stored = {}
    for name, a in tensors.items():
        if dtype == "F32":
            b = np.asarray(a, dtype="<f4").tobytes(); v = np.asarray(a, dtype=np.float32).astype(np.float64)
        elif dtype == "F16":
            h = np.asarray(a, dtype="<f2"); b = h.tobytes(); v = h.astype(np.float64)
        else:
            b, bits = to_bf16_bytes(a); v = bits.view(np.float32).astype(np.float64).reshape(np.shape(a))
        header[name] = {"dtype": dtype, "shape": list(np.shape(a)), "data_offsets": [off, off + len(b)]}
        blobs.append(b); off += len(b); stored[name] = v
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h)
        for b in blobs: f.write(b)
    return stored

def norm_in(x, how, d_in):
    if how == "constant_norm_rescale":
        c = np.sqrt(d_in) / np.linalg.norm(x, axis=-1, keepdims=True)
        return x * c, lambda y: y / c
    if how == "layer_norm":
        mu = x.mean(-1, keepdims=True); xc = x - mu; sd = xc.std(-1, ddof=1, keepdims=True)
        return xc / (sd + 1e-5), lambda y: y * (sd + 1e-5) + mu
    return x, lambda y: y

def reference(w, cfg, x):
    arch = cfg["architecture"]
    xin, undo = norm_in(x, cfg.get("normalize_activations", "none"), cfg["d_in"])
    sae_in = xin - w["b_dec"] * (1.0 if cfg.get("apply_b_dec_to_input", True) else 0.0)
    pre = sae_in @ w["W_enc"] + w["b_enc"]
    dec_norm = np.linalg.norm(w["W_dec"], axis=-1)
    if arch == "standard":
        z = np.maximum(pre, 0)
    elif arch == "jumprelu":
        z = np.maximum(pre, 0) * (pre > w["threshold"])
    else:
        if cfg.get("rescale_acts_by_decoder_norm", False): pre = pre * dec_norm
        z = np.zeros_like(pre)
        idx = np.argsort(-pre, axis=-1, kind="stable")[:, : cfg["k"]]
        for r in range(pre.shape[0]): z[r, idx[r]] = np.maximum(pre[r, idx[r]], 0)
    zz = z / dec_norm if (arch == "topk" and cfg.get("rescale_acts_by_decoder_norm", False)) else z
    out = undo(zz @ w["W_dec"] + w["b_dec"])
    return z, out

CASES = [
    ("standard-f32", {"architecture": "standard", "apply_b_dec_to_input": True, "normalize_activations": "none", "dtype": "float32"}, "F32"),
    ("standard-f16-norm", {"architecture": "standard", "apply_b_dec_to_input": False, "normalize_activations": "constant_norm_rescale", "dtype": "float16"}, "F16"),
    ("topk-bf16", {"architecture": "topk", "k": 3, "apply_b_dec_to_input": True, "normalize_activations": "none", "rescale_acts_by_decoder_norm": True, "dtype": "bfloat16"}, "BF16"),
    ("topk-old-layout", {"architecture": "standard", "activation_fn_str": "topk", "activation_fn_kwargs": {"k": 2}, "apply_b_dec_to_input": False, "normalize_activations": "layer_norm", "dtype": "float32"}, "F32"),
    ("jumprelu-f32", {"architecture": "jumprelu", "apply_b_dec_to_input": True, "normalize_activations": "none", "dtype": "float32"}, "F32"),
]

def main(out):
    rng = np.random.default_rng(7)
    d_in, d_sae, rows = 6, 10, 5
    for name, extra, dt in CASES:
        cfg = {"d_in": d_in, "d_sae": d_sae, "device": "cpu", "metadata": {"hook_name": "blocks.0.hook_resid_post", "model_name": "test"},
               "some_unknown_field": {"kept": [1, 2, 3]}, **extra}
        w = {"W_enc": rng.normal(size=(d_in, d_sae)) * 0.5, "b_enc": rng.normal(size=d_sae) * 0.1,
             "W_dec": rng.normal(size=(d_sae, d_in)) * 0.5, "b_dec": rng.normal(size=d_in) * 0.1}
        if extra["architecture"] == "jumprelu": w["threshold"] = np.abs(rng.normal(size=d_sae)) * 0.3
        folder = os.path.join(out, name); os.makedirs(folder, exist_ok=True)
        stored = write_safetensors(os.path.join(folder, "sae_weights.safetensors"), w, dt)
        with open(os.path.join(folder, "cfg.json"), "w") as f: json.dump(cfg, f)
        x = rng.normal(size=(rows, d_in)).astype(np.float32).astype(np.float64) * 2
        cfg_eff = dict(cfg)
        if cfg_eff.get("activation_fn_str") == "topk": cfg_eff["architecture"] = "topk"; cfg_eff["k"] = cfg["activation_fn_kwargs"]["k"]
        z, y = reference(stored, cfg_eff, x)
        with open(os.path.join(folder, "expected.json"), "w") as f:
            json.dump({"x": x.tolist(), "latents": z.tolist(), "reconstruction": y.tolist()}, f)

main(sys.argv[1])
