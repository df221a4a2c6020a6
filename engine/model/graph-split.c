/* graph-split.c — operators over views that fit one binding (graph-split.h). */
#define G_LOG_DOMAIN "atelier-model"

#include "model/graph-split.h"

#define MAX_OPERANDS 4
#define PARTIAL_FLOOR ((gint64) 4 << 20)

/* An operand seen as consecutive rows of len elements from element base. */
typedef struct {
  AtTensor *t;
  gsize base;
  gint64 len;
} Rows;

gboolean
at_graph_fits (AtGraph *g, AtTensor *const *ts, guint n)
{
  guint64 range = at_gpu_max_binding_size (g->gpu);
  for (guint i = 0; i < n; i++)
    if (ts[i] != NULL && at_tensor_nbytes (ts[i]) > range)
      return FALSE;
  return TRUE;
}

static gint64
gcd64 (gint64 a, gint64 b)
{
  while (b != 0)
    {
      gint64 t = a % b;
      a = b;
      b = t;
    }
  return a;
}

/* The most rows every operand holds within limit bytes, a multiple of the
 * row count that keeps each operand's next view aligned; 0 when none fit. */
static gint64
rows_within (AtGraph *g, const Rows *r, guint n, gint64 range)
{
  gint64 align = at_gpu_binding_alignment (g->gpu);
  gint64 most = G_MAXINT64, granule = 1;
  for (guint i = 0; i < n; i++)
    {
      gint64 row_bytes = MAX (r[i].len, 1) * (gint64) at_tensor_element_size (r[i].t);
      most = MIN (most, range / row_bytes);
      gint64 k = align / gcd64 (row_bytes, align);
      granule = granule / gcd64 (granule, k) * k;
    }
  return most / granule * granule;
}

/* rows_within one binding. */
static gint64
rows_per_chunk (AtGraph *g, const Rows *r, guint n)
{
  return rows_within (g, r, n, at_gpu_max_binding_size (g->gpu));
}

static gboolean
too_large (AtGraph *g, const char *op, gint64 row_len)
{
  g_set_error (&g->error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE,
               "%s: a slice of %" G_GINT64_FORMAT " values (one channel, group or row) is larger than this "
               "device's storage-buffer range of %" G_GUINT64_FORMAT " bytes; try a smaller size",
               op, row_len, at_gpu_max_binding_size (g->gpu));
  return FALSE;
}

/* A graph-owned view of n rows of len elements at element offset. */
static AtTensor *
view_rows (AtGraph *g, AtTensor *t, gsize offset, gint64 n, gint64 len)
{
  if (g->error != NULL)
    return NULL;
  AtTensor *v = at_tensor_view (t, offset, 2, (gint64[]) { n, len }, &g->error);
  if (v != NULL)
    g_ptr_array_add (g->tensors, v);
  return v;
}

static gboolean
reshape (AtGraph *g, AtTensor *t, guint ndim, const gint64 *shape)
{
  return at_tensor_reshape (t, ndim, shape, &g->error);
}

/* A graph-owned copy of t[offset : offset + count] along dim 0. */
static AtTensor *
slice0 (AtGraph *g, AtTensor *t, gint64 offset, gint64 count)
{
  if (offset == 0 && count == t->shape[0])
    return t;
  gint64 shape[AT_TENSOR_MAX_DIMS];
  for (guint i = 0; i < t->ndim; i++)
    shape[i] = t->shape[i];
  shape[0] = count;
  AtTensor *s = at_graph_tensor (g, t->ndim, shape);
  if (s == NULL || !at_op_slice (g->cmd, t, 0, offset, count, s, &g->error))
    return NULL;
  return s;
}

typedef gboolean (*ChunkFn) (AtGraph *g, AtTensor **views, gint64 row0, gint64 n_rows, gpointer data);

/* Calls fn on views of rows [row0, row0 + n) of every operand, chunk by
 * chunk over rows in all. */
static gboolean
split_rows (AtGraph *g, const char *op, gint64 rows, const Rows *r, guint n_ops, ChunkFn fn, gpointer data)
{
  g_assert (n_ops <= MAX_OPERANDS);
  if (g->error != NULL)
    return FALSE;
  gint64 per = rows_per_chunk (g, r, n_ops);
  if (per == 0)
    {
      gint64 longest = 0;
      for (guint i = 0; i < n_ops; i++)
        longest = MAX (longest, r[i].len);
      return too_large (g, op, longest);
    }
  for (gint64 row0 = 0; row0 < rows; row0 += per)
    {
      gint64 n = MIN (per, rows - row0);
      AtTensor *views[MAX_OPERANDS];
      for (guint i = 0; i < n_ops; i++)
        if ((views[i] = view_rows (g, r[i].t, r[i].base + row0 * r[i].len, n, r[i].len)) == NULL)
          return FALSE;
      if (!fn (g, views, row0, n, data))
        return FALSE;
    }
  return TRUE;
}

/* ---- element-wise ---- */

typedef struct {
  AtGraphSplitMap op;
  float alpha;
} MapData;

static gboolean
map_chunk (AtGraph *g, AtTensor **v, gint64 row0, gint64 n, gpointer data)
{
  const MapData *m = data;
  (void) row0, (void) n;
  switch (m->op)
    {
    case AT_GRAPH_SPLIT_ADD:
      return at_op_add (g->cmd, v[0], v[1], v[2], &g->error);
    case AT_GRAPH_SPLIT_MUL:
      return at_op_mul (g->cmd, v[0], v[1], v[2], &g->error);
    case AT_GRAPH_SPLIT_SILU:
      return at_op_silu (g->cmd, v[0], v[1], &g->error);
    case AT_GRAPH_SPLIT_GELU:
      return at_op_gelu (g->cmd, v[0], v[1], &g->error);
    case AT_GRAPH_SPLIT_GELU_ERF:
      return at_op_gelu_erf (g->cmd, v[0], v[1], &g->error);
    case AT_GRAPH_SPLIT_QUICK_GELU:
      return at_op_quick_gelu (g->cmd, v[0], v[1], &g->error);
    case AT_GRAPH_SPLIT_SCALE:
      return at_op_scale (g->cmd, v[0], m->alpha, 0.0f, v[1], &g->error);
    }
  g_assert_not_reached ();
}

gboolean
at_graph_split_map (AtGraph *g, AtGraphSplitMap op, AtTensor *a, AtTensor *b, float alpha, AtTensor *y)
{
  if (b != NULL && !at_tensor_check_same_shape ("split element-wise operator", a, b, &g->error))
    return FALSE;
  MapData m = { op, alpha };
  Rows r[] = { { a, 0, 1 }, { b != NULL ? b : y, 0, 1 }, { y, 0, 1 } };
  if (b == NULL)
    r[1] = r[2];
  return split_rows (g, "element-wise operator", at_tensor_numel (a), r, b != NULL ? 3 : 2, map_chunk, &m);
}

/* ---- rows: softmax, linear, matmul ---- */

static gboolean
softmax_chunk (AtGraph *g, AtTensor **v, gint64 row0, gint64 n, gpointer data)
{
  (void) row0, (void) n, (void) data;
  return at_op_softmax (g->cmd, v[0], v[1], &g->error);
}

gboolean
at_graph_split_softmax (AtGraph *g, AtTensor *x, AtTensor *y)
{
  gint64 len = at_tensor_dim (x, -1);
  Rows r[] = { { x, 0, len }, { y, 0, len } };
  return split_rows (g, "softmax", at_tensor_numel (x) / MAX (len, 1), r, 2, softmax_chunk, NULL);
}

typedef struct {
  AtTensor *weight, *bias;
  AtMatmulFlags flags;
} ProductData;


static gboolean
weight_fits (AtGraph *g, const char *op, AtTensor *w)
{
  if (AT_GRAPH_FITS (g, w))
    return TRUE;
  return too_large (g, op, at_tensor_numel (w));
}

/* y = x · weightᵀ + bias by rows of the weight (output columns), each
 * block of columns computed apart and copied into place; x and y fit
 * (views of rows of the caller's). */
static gboolean
linear_by_weight_rows (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, AtTensor *y)
{
  gint64 in = at_tensor_dim (x, -1), out = weight->shape[0], rows = at_tensor_numel (x) / MAX (in, 1);
  Rows r[] = { { weight, 0, in } };
  gint64 per = rows_per_chunk (g, r, 1);
  if (per == 0)
    return too_large (g, "linear", in);
  for (gint64 o0 = 0; o0 < out; o0 += per)
    {
      gint64 n = MIN (per, out - o0);
      AtTensor *w = view_rows (g, weight, o0 * in, n, in);
      AtTensor *b = bias != NULL ? slice0 (g, bias, o0, n) : NULL;
      AtTensor *part = at_graph_tensor (g, AT_G_SHAPE (rows, n));
      AtTensor *flat = view_rows (g, y, 0, rows, out);
      if (w == NULL || (bias != NULL && b == NULL) || part == NULL || flat == NULL ||
          !at_op_linear_full (g->cmd, x, w, b, NULL, part, NULL, &g->error) ||
          !at_op_copy_to_slice (g->cmd, part, flat, 1, o0, &g->error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
linear_chunk (AtGraph *g, AtTensor **v, gint64 row0, gint64 n, gpointer data)
{
  const ProductData *p = data;
  (void) row0, (void) n;
  if (!AT_GRAPH_FITS (g, p->weight))
    return linear_by_weight_rows (g, v[0], p->weight, p->bias, v[1]);
  return at_op_linear_full (g->cmd, v[0], p->weight, p->bias, NULL, v[1], NULL, &g->error);
}

gboolean
at_graph_split_linear (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, AtTensor *y)
{
  gint64 in = at_tensor_dim (x, -1), out = at_tensor_dim (y, -1);
  ProductData p = { weight, bias, 0 };
  Rows r[] = { { x, 0, in }, { y, 0, out } };
  return split_rows (g, "linear", at_tensor_numel (x) / MAX (in, 1), r, 2, linear_chunk, &p);
}

static gboolean
matmul_chunk (AtGraph *g, AtTensor **v, gint64 row0, gint64 n, gpointer data)
{
  const ProductData *p = data;
  (void) row0, (void) n;
  return at_op_matmul (g->cmd, v[0], p->weight, v[1], p->flags, &g->error);
}

gboolean
at_graph_split_matmul (AtGraph *g, AtTensor *a, AtTensor *b, AtMatmulFlags flags, AtTensor *c)
{
  if (!at_op_check (!(flags & AT_MATMUL_TRANS_A) && a->ndim >= 2, "matmul",
                    "only products of untransposed A split by rows", &g->error))
    return FALSE;
  gint64 m = at_tensor_dim (a, -2), k = at_tensor_dim (a, -1), n = at_tensor_dim (c, -1);
  gint64 batch = at_tensor_numel (a) / MAX (m * k, 1);
  gint64 b_batch = at_tensor_numel (b) / MAX (at_tensor_dim (b, -2) * at_tensor_dim (b, -1), 1);
  gint64 b_rows = at_tensor_dim (b, -2), b_cols = at_tensor_dim (b, -1);
  for (gint64 i = 0; i < batch && g->error == NULL; i++)
    {
      ProductData p = { b, NULL, flags };
      if (b_batch > 1 && (p.weight = view_rows (g, b, i * b_rows * b_cols, b_rows, b_cols)) == NULL)
        return FALSE;
      if (!weight_fits (g, "matmul", p.weight))
        return FALSE;
      Rows r[] = { { a, i * m * k, k }, { c, i * m * n, n } };
      if (!split_rows (g, "matmul", m, r, 2, matmul_chunk, &p))
        return FALSE;
    }
  return g->error == NULL;
}

typedef struct {
  AtTensor *k, *v;
  guint heads;
} AttentionData;

static gboolean
attention_chunk (AtGraph *g, AtTensor **v, gint64 row0, gint64 n, gpointer data)
{
  const AttentionData *d = data;
  (void) row0, (void) n;
  return at_op_attention_counted (g->cmd, v[0], d->k, d->v, NULL, d->heads, 0.0f, NULL, v[1], &g->error);
}

gboolean
at_graph_split_attention (AtGraph *g, AtTensor *q, AtTensor *k, AtTensor *v, guint heads, AtTensor *y)
{
  gint64 lq = at_tensor_dim (q, -2), lk = at_tensor_dim (k, -2), c = at_tensor_dim (q, -1);
  gint64 batch = at_tensor_numel (q) / MAX (lq * c, 1);
  for (gint64 b = 0; b < batch; b++)
    {
      AttentionData d = { view_rows (g, k, b * lk * c, lk, c), view_rows (g, v, b * lk * c, lk, c), heads };
      if (d.k == NULL || d.v == NULL || !weight_fits (g, "attention", d.k))
        return FALSE;
      Rows r[] = { { q, b * lq * c, c }, { y, b * lq * c, c } };
      if (!split_rows (g, "attention", lq, r, 2, attention_chunk, &d))
        return FALSE;
    }
  return TRUE;
}

/* ---- channels: group norm, upsampling, concatenation ---- */

typedef struct {
  AtTensor *weight, *bias;
  gint64 group_channels, plane;
  guint groups;
  float eps;
  gboolean silu;
} NormData;

static gboolean
norm_chunk (AtGraph *g, AtTensor **v, gint64 row0, gint64 n, gpointer data)
{
  const NormData *d = data;
  gint64 c0 = row0 * d->group_channels, c = n * d->group_channels;
  gint64 shape[] = { 1, c, d->plane };
  AtTensor *w = d->weight != NULL ? slice0 (g, d->weight, c0, c) : NULL;
  AtTensor *b = d->bias != NULL ? slice0 (g, d->bias, c0, c) : NULL;
  return (d->weight == NULL || (w != NULL && b != NULL)) && reshape (g, v[0], 3, shape) &&
         reshape (g, v[1], 3, shape) &&
         at_op_group_norm (g->cmd, v[0], n, w, b, d->eps, d->silu, v[1], &g->error);
}

gboolean
at_graph_split_group_norm (AtGraph *g, AtTensor *x, guint groups, AtTensor *weight, AtTensor *bias, float eps,
                           gboolean silu, AtTensor *y)
{
  gint64 batch = x->shape[0], channels = at_tensor_dim (x, 1);
  if (!at_op_check (x->ndim >= 2 && groups > 0 && channels % groups == 0, "group norm",
                    "channels must divide into the groups", &g->error))
    return FALSE;
  NormData d = { weight, bias, channels / groups, at_tensor_numel (x) / MAX (batch * channels, 1), groups, eps, silu };
  gint64 per_image = channels * d.plane;
  for (gint64 i = 0; i < batch; i++)
    {
      Rows r[] = { { x, i * per_image, d.group_channels * d.plane }, { y, i * per_image, d.group_channels * d.plane } };
      if (!split_rows (g, "group norm", groups, r, 2, norm_chunk, &d))
        return FALSE;
    }
  return TRUE;
}

static gboolean
upsample_chunk (AtGraph *g, AtTensor **v, gint64 row0, gint64 n, gpointer data)
{
  const AtTensor *x = data;
  (void) row0;
  gint64 h = x->shape[2], w = x->shape[3];
  return reshape (g, v[0], 3, (gint64[]) { n, h, w }) && reshape (g, v[1], 3, (gint64[]) { n, 2 * h, 2 * w }) &&
         at_op_upsample_nearest2x (g->cmd, v[0], v[1], &g->error);
}

gboolean
at_graph_split_upsample2x (AtGraph *g, AtTensor *x, AtTensor *y)
{
  if (!at_op_check (x->ndim == 4, "upsample", "splits [N, C, H, W] only", &g->error))
    return FALSE;
  gint64 plane = x->shape[2] * x->shape[3];
  Rows r[] = { { x, 0, plane }, { y, 0, 4 * plane } };
  return split_rows (g, "upsample", x->shape[0] * x->shape[1], r, 2, upsample_chunk, x);
}

typedef struct {
  AtTensor *a, *b, *y;
  int dim;
} ConcatData;

/* Concatenation along H or W: channel by channel, each on its own. */
static gboolean
concat_plane_chunk (AtGraph *g, AtTensor **v, gint64 row0, gint64 n, gpointer data)
{
  const ConcatData *d = data;
  (void) row0;
  AtTensor *src[] = { d->a, d->b, d->y };
  for (guint i = 0; i < 3; i++)
    if (!reshape (g, v[i], 3, (gint64[]) { n, src[i]->shape[2], src[i]->shape[3] }))
      return FALSE;
  return at_op_concat (g->cmd, v[0], v[1], d->dim - 1, v[2], &g->error);
}

static gboolean
copy_chunk (AtGraph *g, AtTensor **v, gint64 row0, gint64 n, gpointer data)
{
  (void) row0, (void) n, (void) data;
  return at_op_copy (g->cmd, v[0], v[1], &g->error);
}

gboolean
at_graph_split_concat (AtGraph *g, AtTensor *a, AtTensor *b, int dim, AtTensor *y)
{
  if (!at_op_check (a->ndim == 4 && b->ndim == 4 && dim >= 1 && dim <= 3, "concat",
                    "splits [N, C, H, W] images along C, H or W only", &g->error))
    return FALSE;
  ConcatData d = { a, b, y, dim };
  gint64 pa = a->shape[2] * a->shape[3], pb = b->shape[2] * b->shape[3], py = y->shape[2] * y->shape[3];
  if (dim > 1)
    {
      Rows r[] = { { a, 0, pa }, { b, 0, pb }, { y, 0, py } };
      return split_rows (g, "concat", a->shape[0] * a->shape[1], r, 3, concat_plane_chunk, &d);
    }
  gint64 ca = a->shape[1], cb = b->shape[1];
  for (gint64 i = 0; i < a->shape[0]; i++)
    {
      Rows ra[] = { { a, i * ca * pa, pa }, { y, i * (ca + cb) * py, py } };
      Rows rb[] = { { b, i * cb * pb, pb }, { y, (i * (ca + cb) + ca) * py, py } };
      if (!split_rows (g, "concat", ca, ra, 2, copy_chunk, NULL) ||
          !split_rows (g, "concat", cb, rb, 2, copy_chunk, NULL))
        return FALSE;
    }
  return TRUE;
}

/* ---- convolution ---- */

typedef struct {
  AtTensor *x, *weight, *bias, *y;
  AtConv2dParams params;
  gint64 ci_per, co_per;     /* channels a chunk */
  AtTensor *partial;         /* [co_per, OH·OW]: one input chunk's sum, the split's own memory */
} Conv;

/* The weight's block [co0 : co0 + con, ci0 : ci0 + cin] as its own tensor
 * (copies only where a slice is needed). */
static AtTensor *
weight_block (AtGraph *g, const Conv *c, gint64 co0, gint64 con, gint64 ci0, gint64 cin)
{
  AtTensor *w = c->weight;
  gint64 ci = w->shape[1], kh = w->shape[2], kw = w->shape[3];
  AtTensor *rows = w;
  if (con < w->shape[0])
    {
      if (AT_GRAPH_FITS (g, w))
        rows = slice0 (g, w, co0, con);
      else if ((rows = view_rows (g, w, co0 * ci * kh * kw, con, ci * kh * kw)) == NULL ||
               !reshape (g, rows, 4, (gint64[]) { con, ci, kh, kw }))
        return NULL;
    }
  if (rows == NULL || cin == ci)
    return rows;
  AtTensor *block = at_graph_tensor (g, AT_G_SHAPE (con, cin, kh, kw));
  if (block == NULL || !at_op_slice (g->cmd, rows, 1, ci0, cin, block, &g->error))
    return NULL;
  return block;
}

/* Output channels [co0, co0 + con) of image i: the sum over input chunks. */
static gboolean
conv_out_chunk (AtGraph *g, Conv *c, gint64 i, gint64 co0, gint64 con)
{
  gint64 ci = c->x->shape[1], h = c->x->shape[2], w = c->x->shape[3];
  gint64 co = c->y->shape[1], oh = c->y->shape[2], ow = c->y->shape[3];
  AtTensor *y = view_rows (g, c->y, (i * co + co0) * oh * ow, con, oh * ow);
  AtTensor *bias = c->bias != NULL ? slice0 (g, c->bias, co0, con) : NULL;
  if (y == NULL || (c->bias != NULL && bias == NULL) || !reshape (g, y, 4, (gint64[]) { 1, con, oh, ow }))
    return FALSE;
  for (gint64 ci0 = 0; ci0 < ci; ci0 += c->ci_per)
    {
      gint64 cin = MIN (c->ci_per, ci - ci0);
      AtTensor *x = view_rows (g, c->x, (i * ci + ci0) * h * w, cin, h * w);
      AtTensor *wb = weight_block (g, c, co0, con, ci0, cin);
      if (x == NULL || wb == NULL || !reshape (g, x, 4, (gint64[]) { 1, cin, h, w }))
        return FALSE;
      if (ci0 == 0)
        {
          if (!at_op_conv2d_full (g->cmd, x, wb, bias, y, &c->params, NULL, &g->error))
            return FALSE;
          continue;
        }
      AtTensor *part = view_rows (g, c->partial, 0, con, oh * ow);
      if (part == NULL || !reshape (g, part, 4, (gint64[]) { 1, con, oh, ow }) ||
          !at_op_conv2d_full (g->cmd, x, wb, NULL, part, &c->params, NULL, &g->error) ||
          !at_op_add (g->cmd, y, part, y, &g->error))
        return FALSE;
    }
  return TRUE;
}

gboolean
at_graph_split_conv2d (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, int stride, int padding,
                       AtTensor *y)
{
  if (!at_op_check (bias == NULL || bias->ndim == 1, "conv2d", "a split convolution takes a bias [Cout] only",
                    &g->error))
    return FALSE;
  Conv c = { x, weight, bias, y, { { stride, stride }, { padding, padding } }, 0, 0, NULL };
  gint64 k = weight->shape[1] * weight->shape[2] * weight->shape[3];
  Rows in[] = { { x, 0, x->shape[2] * x->shape[3] } };
  Rows out[] = { { y, 0, y->shape[2] * y->shape[3] }, { weight, 0, k } };
  c.ci_per = rows_per_chunk (g, in, 1);
  c.co_per = rows_per_chunk (g, out, 2);
  if (c.ci_per == 0 || c.co_per == 0)
    return too_large (g, "conv2d", c.ci_per == 0 ? in[0].len : MAX (out[0].len, k));
  c.co_per = MIN (c.co_per, y->shape[1]);
  if (c.ci_per < x->shape[1])
    {
      /* the graph keeps every partial-sum buffer: each an eighth of the
       * range at most, or 4 MiB (smaller output chunks re-read the input
       * more often, and tiny ones cost a dispatch each) */
      gint64 range = at_gpu_max_binding_size (g->gpu);
      gint64 cap = rows_within (g, out, 1, MAX (range / 8, MIN (range, PARTIAL_FLOOR)));
      c.co_per = cap > 0 ? MIN (c.co_per, cap) : c.co_per;
      if ((c.partial = at_graph_tensor (g, AT_G_SHAPE (c.co_per, y->shape[2] * y->shape[3]))) == NULL)
        return FALSE;
    }
  for (gint64 i = 0; i < x->shape[0]; i++)
    for (gint64 co0 = 0; co0 < y->shape[1]; co0 += c.co_per)
      if (!conv_out_chunk (g, &c, i, co0, MIN (c.co_per, y->shape[1] - co0)))
        return FALSE;
  return TRUE;
}
