/*
 * marr's small-product kernels for WebAssembly SIMD: the few-row matrix products and the attention of
 * a decoding step, where a native ONNX Runtime call's fixed cost exceeds the arithmetic. Built into
 * src/backend/wasm/kernels.wasm.ts by tools/build-wasm-kernels.mjs (clang --target=wasm32 -msimd128);
 * no libc: memory is managed by the JavaScript side (src/backend/wasm-kernels.ts).
 */
#include <wasm_simd128.h>

/* The compiler turns zeroing loops into memset calls; with no libc, this is it. */
void *memset(void *dst, int c, unsigned long n) {
  unsigned char *d = dst;
  for (unsigned long i = 0; i < n; i++) d[i] = (unsigned char)c;
  return dst;
}

static inline float hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}

/* out[r, n] = sum_k x[r, k] * wt[n, k] (+ bias[n]); wt is the weight transposed, [N, K]. */
__attribute__((export_name("dot_rows")))
void dot_rows(const float *x, int rows, int K, const float *wt, int N, const float *bias, float *out) {
  int K16 = K & ~15, K4 = K & ~3;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + r * K;
    for (int n = 0; n < N; n++) {
      const float *w = wt + n * K;
      v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
      int k = 0;
      for (; k < K16; k += 16) {
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xr + k), wasm_v128_load(w + k)));
        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(xr + k + 4), wasm_v128_load(w + k + 4)));
        a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load(xr + k + 8), wasm_v128_load(w + k + 8)));
        a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load(xr + k + 12), wasm_v128_load(w + k + 12)));
      }
      for (; k < K4; k += 4) a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xr + k), wasm_v128_load(w + k)));
      float s = hsum(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)));
      for (; k < K; k++) s += xr[k] * w[k];
      out[r * N + n] = s + (bias ? bias[n] : 0.0f);
    }
  }
}

/* e^x for x <= 0 (softmax after subtracting the maximum): Cody-Waite reduction and a degree-6
 * polynomial, within 2 ulp of expf; underflows to 0 below -87. */
static inline float exp_neg(float x) {
  if (x < -87.0f) return 0.0f;
  float n = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  float y = p * r * r + r + 1.0f;
  union { float f; int i; } u;
  u.i = ((int)n + 127) << 23;
  return y * u.f;
}

/* e^x for four x <= 0 at once (the scalar exp_neg, lane by lane). */
static inline v128_t exp_neg4(v128_t x) {
  x = wasm_f32x4_max(x, wasm_f32x4_splat(-87.0f));
  v128_t n = wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)), wasm_f32x4_splat(0.5f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500E-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201E-1f));
  v128_t y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), wasm_f32x4_splat(1.0f));
  v128_t e = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(y, e);
}

/* The four lane sums of a, b, c, d as one vector. */
static inline v128_t hsum4(v128_t a, v128_t b, v128_t c, v128_t d) {
  v128_t ab = wasm_f32x4_add(wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), wasm_i32x4_shuffle(a, b, 2, 6, 3, 7));
  v128_t cd = wasm_f32x4_add(wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), wasm_i32x4_shuffle(c, d, 2, 6, 3, 7));
  return wasm_f32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 1, 4, 5), wasm_i32x4_shuffle(ab, cd, 2, 3, 6, 7));
}

static inline v128_t dot4(const float *q, const float *k, int D4) {
  v128_t a = wasm_f32x4_splat(0);
  for (int e = 0; e < D4; e += 4) a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(q + e), wasm_v128_load(k + e)));
  return a;
}

/*
 * Attention for T query rows of one sequence: q [T, H, D], k and v [S, Kh, D] (query head h reads
 * key/value head h / (H / Kh)), mask [T, S] additive (MASKED, -3.4e38, excludes a key), z [T, H, D].
 * scratch holds S + 4 floats. Scores are formed four keys at a time when D is a multiple of 4.
 */
__attribute__((export_name("attend")))
void attend(const float *q, const float *k, const float *v, const float *mask, int T, int H, int Kh, int S, int D, float scale, float *z, float *scratch) {
  int rep = H / Kh, D4 = D & ~3, row = Kh * D;
  v128_t vscale = wasm_f32x4_splat(scale);
  for (int t = 0; t < T; t++) {
    const float *m = mask + t * S;
    for (int h = 0; h < H; h++) {
      const float *qh = q + (t * H + h) * D;
      const float *kh = k + (h / rep) * D;
      int s = 0;
      if (D4 == D) {
        for (; s + 4 <= S; s += 4) {
          const float *ks = kh + s * row;
          v128_t sc = hsum4(dot4(qh, ks, D4), dot4(qh, ks + row, D4), dot4(qh, ks + 2 * row, D4), dot4(qh, ks + 3 * row, D4));
          wasm_v128_store(scratch + s, wasm_f32x4_add(wasm_f32x4_mul(sc, vscale), wasm_v128_load(m + s)));
        }
      }
      for (; s < S; s++) {
        const float *ks = kh + s * row;
        float dot = 0.0f;
        for (int e = 0; e < D; e++) dot += qh[e] * ks[e];
        scratch[s] = dot * scale + m[s];
      }
      float mx = -3.0e38f;
      for (s = 0; s < S; s++) if (scratch[s] > mx) mx = scratch[s];
      v128_t vmx = wasm_f32x4_splat(mx), vsum = wasm_f32x4_splat(0);
      for (s = 0; s + 4 <= S; s += 4) {
        v128_t e = exp_neg4(wasm_f32x4_sub(wasm_v128_load(scratch + s), vmx));
        wasm_v128_store(scratch + s, e);
        vsum = wasm_f32x4_add(vsum, e);
      }
      float sum = hsum(vsum);
      for (; s < S; s++) { float e = exp_neg(scratch[s] - mx); scratch[s] = e; sum += e; }
      float inv = 1.0f / sum;
      float *zh = z + (t * H + h) * D;
      const float *vh = v + (h / rep) * D;
      if (D == 8) {
        v128_t z0 = wasm_f32x4_splat(0), z1 = z0;
        for (s = 0; s < S; s++) {
          v128_t pp = wasm_f32x4_splat(scratch[s]);
          const float *vs = vh + s * row;
          z0 = wasm_f32x4_add(z0, wasm_f32x4_mul(pp, wasm_v128_load(vs)));
          z1 = wasm_f32x4_add(z1, wasm_f32x4_mul(pp, wasm_v128_load(vs + 4)));
        }
        v128_t vi = wasm_f32x4_splat(inv);
        wasm_v128_store(zh, wasm_f32x4_mul(z0, vi));
        wasm_v128_store(zh + 4, wasm_f32x4_mul(z1, vi));
        continue;
      }
      for (int e = 0; e < D; e++) zh[e] = 0.0f;
      for (s = 0; s < S; s++) {
        float p = scratch[s];
        const float *vs = vh + s * row;
        v128_t pp = wasm_f32x4_splat(p);
        int e = 0;
        for (; e < D4; e += 4) wasm_v128_store(zh + e, wasm_f32x4_add(wasm_v128_load(zh + e), wasm_f32x4_mul(pp, wasm_v128_load(vs + e))));
        for (; e < D; e++) zh[e] += p * vs[e];
      }
      for (int e = 0; e < D; e++) zh[e] *= inv;
    }
  }
}

/* The MLP activations come from JavaScript (Math.exp, Math.tanh, core's erf), so they equal the JS kernels. */
__attribute__((import_module("env"), import_name("act"))) float js_act(int kind, float x);

static void matvec(const float *x, int K, const float *wt, int N, const float *bias, float *out) {
  dot_rows(x, 1, K, wt, N, bias, out);
}

static void norm(const float *x, int d, const float *w, const float *b, int layer, float eps, float *out) {
  float mean = 0.0f;
  if (layer) {
    for (int j = 0; j < d; j++) mean += x[j];
    mean /= (float)d;
  }
  float ss = 0.0f;
  for (int j = 0; j < d; j++) { float c = x[j] - mean; ss += c * c; }
  float inv = 1.0f / __builtin_sqrtf(ss / (float)d + eps);
  for (int j = 0; j < d; j++) out[j] = (x[j] - mean) * inv * w[j] + (b ? b[j] : 0.0f);
}

static void rotate(float *x, int heads, int D, int rotDim, int interleaved, const float *cs, const float *sn) {
  int half = rotDim / 2;
  for (int h = 0; h < heads; h++) {
    float *v = x + h * D;
    for (int i = 0; i < half; i++) {
      int i0 = interleaved ? 2 * i : i, i1 = interleaved ? 2 * i + 1 : i + half;
      float x0 = v[i0], x1 = v[i1];
      v[i0] = x0 * cs[i] - x1 * sn[i];
      v[i1] = x1 * cs[i] + x0 * sn[i];
    }
  }
}

#define P(i) (p[i] ? (float *)(long)p[i] : (float *)0)

/*
 * One decoding step (one token of one sequence) through one block, in place on the residual x.
 * p: the int32 parameter block written by src/backend/wasm/wasm-kernels.ts (decodeBlock); see there.
 */
__attribute__((export_name("decode_block")))
void decode_block(const int *p) {
  int d = p[0], H = p[1], Kh = p[2], D = p[3], F = p[4];
  int layer = p[5], gated = p[6], parallel = p[7], act = p[8], rotary = p[9], rotDim = p[10], past = p[11];
  float eps = ((const float *)p)[31];
  float *x = P(29), *scratch = P(30), *mask = P(32);
  int qkvw = (H + 2 * Kh) * D;
  float *xn = scratch, *qkv = xn + d, *z = qkv + qkvw, *attn = z + H * D, *h = attn + d, *lin = h + d, *pre = lin + F, *mlp = pre + F, *att = mlp + d;
  norm(x, d, P(12), P(13), layer, eps, xn);
  matvec(xn, d, P(14), qkvw, P(15), qkv);
  float *q = qkv, *k = qkv + H * D, *v = k + Kh * D;
  if (rotary) {
    rotate(q, H, D, rotDim, rotary == 2, P(27), P(28));
    rotate(k, Kh, D, rotDim, rotary == 2, P(27), P(28));
  }
  float *kc = P(25), *vc = P(26);
  for (int j = 0; j < Kh * D; j++) { kc[past * Kh * D + j] = k[j]; vc[past * Kh * D + j] = v[j]; }
  attend(q, kc, vc, mask, 1, H, Kh, past + 1, D, 1.0f / __builtin_sqrtf((float)D), z, att);
  matvec(z, H * D, P(16), d, P(17), attn);
  if (!parallel) for (int j = 0; j < d; j++) x[j] += attn[j];
  norm(x, d, P(18), P(19), layer, eps, h);
  matvec(h, d, P(20), F, P(21), lin);
  if (gated) {
    matvec(h, d, P(22), F, 0, pre);
    for (int j = 0; j < F; j++) lin[j] = js_act(act, pre[j]) * lin[j];
  } else {
    for (int j = 0; j < F; j++) lin[j] = js_act(act, lin[j]);
  }
  matvec(lin, F, P(23), d, P(24), mlp);
  if (parallel) for (int j = 0; j < d; j++) x[j] += attn[j] + mlp[j];
  else for (int j = 0; j < d; j++) x[j] += mlp[j];
}
