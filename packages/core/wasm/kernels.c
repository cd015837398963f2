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

/*
 * Attention for T query rows of one sequence: q [T, H, D], k and v [S, Kh, D] (query head h reads
 * key/value head h / (H / Kh)), mask [T, S] additive (entries below -1e30 are excluded), z [T, H, D].
 * scratch holds S floats.
 */
__attribute__((export_name("attend")))
void attend(const float *q, const float *k, const float *v, const float *mask, int T, int H, int Kh, int S, int D, float scale, float *z, float *scratch) {
  int rep = H / Kh, D4 = D & ~3;
  for (int t = 0; t < T; t++) {
    const float *m = mask + t * S;
    for (int h = 0; h < H; h++) {
      const float *qh = q + (t * H + h) * D;
      int kh = h / rep;
      float mx = -3.0e38f;
      for (int s = 0; s < S; s++) {
        if (m[s] < -1e30f) { scratch[s] = -3.0e38f; continue; }
        const float *ks = k + (s * Kh + kh) * D;
        v128_t a = wasm_f32x4_splat(0);
        int e = 0;
        for (; e < D4; e += 4) a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(qh + e), wasm_v128_load(ks + e)));
        float dot = hsum(a);
        for (; e < D; e++) dot += qh[e] * ks[e];
        float x = dot * scale + m[s];
        scratch[s] = x;
        if (x > mx) mx = x;
      }
      float sum = 0.0f;
      for (int s = 0; s < S; s++) {
        float w = scratch[s] <= -1e38f ? 0.0f : exp_neg(scratch[s] - mx);
        scratch[s] = w;
        sum += w;
      }
      float inv = 1.0f / sum;
      float *zh = z + (t * H + h) * D;
      for (int e = 0; e < D; e++) zh[e] = 0.0f;
      for (int s = 0; s < S; s++) {
        float p = scratch[s];
        if (p == 0.0f) continue;
        p *= inv;
        const float *vs = v + (s * Kh + kh) * D;
        v128_t pp = wasm_f32x4_splat(p);
        int e = 0;
        for (; e < D4; e += 4) wasm_v128_store(zh + e, wasm_f32x4_add(wasm_v128_load(zh + e), wasm_f32x4_mul(pp, wasm_v128_load(vs + e))));
        for (; e < D; e++) zh[e] += p * vs[e];
      }
    }
  }
}
