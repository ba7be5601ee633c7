/*
 * What AMX (Intel's Advanced Matrix Extensions: Xeon Sapphire Rapids and later) would buy tokenscope's
 * q8 prompt path if it were called from native code: gpt2's 48 layer matrices (Q8_0: int8 weights, one
 * float16 scale per 32 inputs) times 16 positions, on one thread, two ways.
 *
 *  1. float32-equivalent numbers, as tokenscope's Java kernel computes them: each 16-row group's int8
 *     weights widened to bfloat16 (exact) for the A tile, the positions split into three bfloat16 parts
 *     (hi + mid + lo = the float32 value) for three B tiles, TDPBF16PS per 32-input block, and each
 *     block's 16 × 16 result read out and multiplied by the rows' scales (the scales differ per block).
 *     Environment NOCONV=1 skips the widening after the first group, NOREAD=1 the read-out, NOTILE=1
 *     the tiles: where the time goes.
 *  2. llama.cpp's numbers: the positions quantized to Q8_0 too, int8 tiles (TDPBSSD) straight from
 *     the weights, the block's int32 sums read out times both scales.
 *
 * Each prints its largest error against a double-precision product on the dequantized weights
 * (relative to Σ|w·x|) and eight timings. Measured 4 December 2026 (bench/q8-profile.md, "Session 8"):
 * 1. 21.9 ms (1.4e-7), 2. 24.4 ms (5e-3 .. 1.2e-2), the Java kernel (PackedMatrix.matmul) 25.2 ms.
 *
 *   gcc -O3 -march=sapphirerapids -o /tmp/amx_probe bench/amx_probe.c -lm && /tmp/amx_probe
 */
#define _GNU_SOURCE
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

typedef struct { uint8_t palette, start_row, reserved[14]; uint16_t colsb[16]; uint8_t rows[16]; } tilecfg;

static uint16_t bf16(float f) { uint32_t b; memcpy(&b, &f, 4); b += 0x7FFF + ((b >> 16) & 1); return b >> 16; }
static float fbf(uint16_t h) { uint32_t b = (uint32_t) h << 16; float f; memcpy(&f, &b, 4); return f; }

/* x [t ≤ 16][cols] -> parts [3][nb][16][32] bf16, VNNI pairs: parts[k][b][kk][2n+j] = part k of x[n][32b+2kk+j] */
static void prep_x(const float* x, int t, int cols, uint16_t* parts) {
  int nb = cols / 32;
  for (int b = 0; b < nb; b++) for (int kk = 0; kk < 16; kk++) for (int n = 0; n < 16; n++) for (int j = 0; j < 2; j++) {
    float v = n < t ? x[n * cols + 32 * b + 2 * kk + j] : 0;
    uint16_t h = bf16(v); float r = v - fbf(h); uint16_t m = bf16(r); float r2 = r - fbf(m); uint16_t l = bf16(r2);
    size_t at = ((size_t) b * 16 + kk) * 32 + 2 * n + j;
    parts[at] = h; parts[(size_t) nb * 512 + at] = m; parts[2 * (size_t) nb * 512 + at] = l;
  }
}

/* converts rows g..g+15 (zeros past r1) into wb [16][cols] bf16 and their scales into sf [16][nb] */
static void convert(const int8_t* q, const uint16_t* s, int cols, int g, int r1, uint16_t* wb, float* sf) {
  int nb = cols / 32;
  for (int m = 0; m < 16; m++) {
    uint16_t* dst = wb + (size_t) m * cols;
    if (g + m >= r1) { memset(dst, 0, cols * 2); for (int b = 0; b < nb; b++) sf[m * nb + b] = 0; continue; }
    const int8_t* src = q + (size_t) (g + m) * cols;
    for (int c = 0; c < cols; c += 32) {
      __m512 f0 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i*) (src + c))));
      __m512 f1 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i*) (src + c + 16))));
      _mm512_storeu_si512(dst + c, (__m512i) _mm512_cvtne2ps_pbh(f1, f0));
    }
    for (int b = 0; b < nb; b++) sf[m * nb + b] = _cvtsh_ss(s[(size_t) (g + m) * nb + b]);
  }
}

static void store(const __m512* acc, int g, int r1, int t, int rows, float* y) {
  for (int m = 0; m < 16 && g + m < r1; m++) {
    float out[16]; _mm512_storeu_ps(out, acc[m]);
    for (int n = 0; n < t; n++) y[(size_t) n * rows + g + m] = out[n];
  }
}

/* y [t][rows] for rows r0..r1, 32 rows at a time: tiles 0, 1 = C of the two groups, 2, 3 = their A, 4-6 = B parts */
static void matmul_rows(const int8_t* q, const uint16_t* s, int rows, int cols, const uint16_t* parts, int t,
                        float* y, int r0, int r1, uint16_t* wb /* [32][cols] */, float* sf /* [32][nb] */) {
  int nb = cols / 32;
  float c0[256] __attribute__((aligned(64)));
  float c1[256] __attribute__((aligned(64)));
  static int noconv = -1, noread, notile; if (noconv < 0) { noconv = getenv("NOCONV") != 0; noread = getenv("NOREAD") != 0; notile = getenv("NOTILE") != 0; }
  for (int g = r0; g < r1; g += 32) {
    if (!noconv || g == r0) {
    convert(q, s, cols, g, r1, wb, sf);
    convert(q, s, cols, g + 16, r1, wb + 16 * (size_t) cols, sf + 16 * nb);
    }
    if (notile) continue;
    __m512 a[16], b2[16];
    for (int m = 0; m < 16; m++) { a[m] = _mm512_setzero_ps(); b2[m] = _mm512_setzero_ps(); }
    for (int b = 0; b < nb; b++) {
      _tile_zero(0);
      _tile_zero(1);
      _tile_loadd(2, wb + 32 * b, cols * 2);
      _tile_loadd(3, wb + 16 * (size_t) cols + 32 * b, cols * 2);
      _tile_loadd(4, parts + (size_t) b * 512, 64);
      _tile_loadd(5, parts + (size_t) (nb + b) * 512, 64);
      _tile_loadd(6, parts + (size_t) (2 * nb + b) * 512, 64);
      _tile_dpbf16ps(0, 2, 4);
      _tile_dpbf16ps(1, 3, 4);
      _tile_dpbf16ps(0, 2, 5);
      _tile_dpbf16ps(1, 3, 5);
      _tile_dpbf16ps(0, 2, 6);
      _tile_dpbf16ps(1, 3, 6);
      if (noread) continue;
      _tile_stored(0, c0, 64);
      for (int m = 0; m < 16; m++) a[m] = _mm512_fmadd_ps(_mm512_load_ps(c0 + 16 * m), _mm512_set1_ps(sf[m * nb + b]), a[m]);
      _tile_stored(1, c1, 64);
      for (int m = 0; m < 16; m++) b2[m] = _mm512_fmadd_ps(_mm512_load_ps(c1 + 16 * m), _mm512_set1_ps(sf[(16 + m) * nb + b]), b2[m]);
    }
    store(a, g, r1, t, rows, y);
    store(b2, g + 16, r1, t, rows, y);
  }
}

/* llama.cpp's way: x quantized to Q8_0 too (per position and block of 32: int8 and a scale),
 * xq8 [nb][8][64] int8 in VNNI quads for 16 positions, xs [nb][16] scales. */
static void prep_q8(const float* x, int t, int cols, int8_t* xq8, float* xs) {
  int nb = cols / 32;
  for (int b = 0; b < nb; b++) for (int n = 0; n < 16; n++) {
    float amax = 0;
    for (int k = 0; k < 32; k++) { float v = n < t ? fabsf(x[n * cols + 32 * b + k]) : 0; if (v > amax) amax = v; }
    float d = amax / 127, id = d ? 1 / d : 0;
    xs[b * 16 + n] = d;
    for (int k = 0; k < 32; k++) xq8[(size_t) b * 512 + (k / 4) * 64 + 4 * n + k % 4] = (int8_t) roundf(n < t ? x[n * cols + 32 * b + k] * id : 0);
  }
}

/* int8 tiles straight from the weights (tile 2: 16 rows x 32 bytes, stride cols), tile 4: the block's x quads */
static void matmul_rows_q8(const int8_t* q, const uint16_t* s, int rows, int cols, const int8_t* xq8, const float* xs,
                           int t, float* y, int r0, int r1, float* sf) {
  int nb = cols / 32;
  int32_t cb[256] __attribute__((aligned(64)));
  for (int g = r0; g < r1; g += 16) {
    for (int m = 0; m < 16; m++) for (int b = 0; b < nb; b++) sf[m * nb + b] = g + m < r1 ? _cvtsh_ss(s[(size_t) (g + m) * nb + b]) : 0;
    __m512 a[16];
    for (int m = 0; m < 16; m++) a[m] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++) {
      _tile_zero(0);
      _tile_loadd(2, q + (size_t) g * cols + 32 * b, cols);
      _tile_loadd(4, xq8 + (size_t) b * 512, 64);
      _tile_dpbssd(0, 2, 4);
      _tile_stored(0, cb, 64);
      __m512 d = _mm512_loadu_ps(xs + b * 16);
      for (int m = 0; m < 16; m++)
        a[m] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_load_si512(cb + 16 * m)), _mm512_mul_ps(d, _mm512_set1_ps(sf[m * nb + b])), a[m]);
    }
    store(a, g, r1, t, rows, y);
  }
}

/* the largest |y − Σ w·x| / Σ|w·x| over y [t][rows], in double on the dequantized weights */
static double worst_error(const int8_t* q, const uint16_t* s, int rows, int cols, const float* x, int t, const float* y) {
  double worst = 0;
  for (int n = 0; n < t; n++) for (int r = 0; r < rows; r++) {
    double ref = 0, mag = 0;
    for (int c = 0; c < cols; c++) { double w = (double) q[(size_t) r * cols + c] * _cvtsh_ss(s[(size_t) r * cols / 32 + c / 32]); ref += w * x[n * cols + c]; mag += fabs(w * x[n * cols + c]); }
    double e = fabs(y[(size_t) n * rows + r] - ref) / mag; if (e > worst) worst = e;
  }
  return worst;
}

static double now(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec + ts.tv_nsec * 1e-9; }

int main(void) {
  if (syscall(SYS_arch_prctl, 0x1023, 18)) { perror("arch_prctl"); return 1; }
  tilecfg cfg = {0}; cfg.palette = 1;
  for (int i = 0; i < 7; i++) { cfg.colsb[i] = 64; cfg.rows[i] = 16; }
  _tile_loadconfig(&cfg);
  int shapes[4][2] = {{2304, 768}, {768, 768}, {3072, 768}, {768, 3072}};
  int count = 48, t = 16;
  int8_t* q[48]; uint16_t* s[48]; int R[48], C[48];
  srand(1);
  for (int i = 0; i < count; i++) {
    R[i] = shapes[i % 4][0]; C[i] = shapes[i % 4][1];
    q[i] = aligned_alloc(64, (size_t) R[i] * C[i]); s[i] = malloc((size_t) R[i] * C[i] / 32 * 2);
    for (size_t k = 0; k < (size_t) R[i] * C[i]; k++) q[i][k] = (int8_t) (rand() % 255 - 127);
    for (size_t k = 0; k < (size_t) R[i] * C[i] / 32; k++) s[i][k] = _cvtss_sh(0.001f + (rand() % 1000) * 1e-5f, 0);
  }
  float* x = malloc(sizeof(float) * 16 * 3072); for (int k = 0; k < 16 * 3072; k++) x[k] = (rand() / (float) RAND_MAX - 0.5f) * (k % 97 == 0 ? 100 : 2);
  float* y = malloc(sizeof(float) * 16 * 3072);
  uint16_t* parts = aligned_alloc(64, 3 * 96 * 512 * 2);
  uint16_t* wb = aligned_alloc(64, 32 * 3072 * 2); float* sf = malloc(32 * 96 * 4);
  /* correctness on matrix 2 (3072 x 768) and 3 (768 x 3072) */
  for (int i = 2; i < 4; i++) {
    prep_x(x, t, C[i], parts);
    matmul_rows(q[i], s[i], R[i], C[i], parts, t, y, 0, R[i], wb, sf);
    double worst = worst_error(q[i], s[i], R[i], C[i], x, t, y);
    printf("matrix %dx%d: worst |y - ref| / sum|w x| = %.3g\n", R[i], C[i], worst);
  }
  for (int rep = 0; rep < 8; rep++) {
    double t0 = now();
    for (int i = 0; i < count; i++) {
      prep_x(x, t, C[i], parts);
      matmul_rows(q[i], s[i], R[i], C[i], parts, t, y, 0, R[i], wb, sf);
    }
    printf("48 matrices x 16 positions, one thread: %.2f ms\n", (now() - t0) * 1e3);
  }
  /* int8 x int8: needs tile 2 as 16 rows x 32 bytes, tile 4 as 8 rows x 64 bytes */
  cfg.colsb[2] = 32; cfg.rows[4] = 8;
  _tile_loadconfig(&cfg);
  int8_t* xq8 = aligned_alloc(64, 96 * 512); float* xs = malloc(96 * 16 * 4);
  for (int i = 2; i < 4; i++) {
    prep_q8(x, t, C[i], xq8, xs);
    matmul_rows_q8(q[i], s[i], R[i], C[i], xq8, xs, t, y, 0, R[i], sf);
    double worst = worst_error(q[i], s[i], R[i], C[i], x, t, y);
    printf("int8 activations, matrix %dx%d: worst |y - ref| / sum|w x| = %.3g\n", R[i], C[i], worst);
  }
  for (int rep = 0; rep < 8; rep++) {
    double t0 = now();
    for (int i = 0; i < count; i++) {
      prep_q8(x, t, C[i], xq8, xs);
      matmul_rows_q8(q[i], s[i], R[i], C[i], xq8, xs, t, y, 0, R[i], sf);
    }
    printf("int8 activations, 48 matrices x 16 positions, one thread: %.2f ms\n", (now() - t0) * 1e3);
  }
  _tile_release();
  return 0;
}
