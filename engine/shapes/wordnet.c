/* wordnet.c — libwordnet behind one lock (wordnet.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <wn.h>

#include "shapes/wordnet.h"

static GMutex wordnet_lock;

static int
quiet (char *message)
{
  g_debug ("WordNet: %s", message);
  return -1;
}

/* Call with the lock held. */
static gboolean
ensure_open (void)
{
  static int state;  /* 0 not tried, 1 open, -1 failed */
  if (state == 0)
    {
      display_message = quiet;
      state = wninit () == 0 ? 1 : -1;
    }
  return state == 1;
}

gboolean
at_wordnet_available (void)
{
  g_mutex_lock (&wordnet_lock);
  gboolean ok = ensure_open ();
  g_mutex_unlock (&wordnet_lock);
  return ok;
}

static void
lemma_free (AtWordnetLemma *l)
{
  g_free (l->lemma);
  g_free (l->path);
  g_free (l);
}

static char *
clean_lemma (const char *w)
{
  char *s = g_ascii_strdown (w, -1);
  g_strdelimit (s, "_", ' ');
  char *paren = strchr (s, '(');   /* adjective markers such as "(a)" */
  if (paren != NULL)
    *paren = '\0';
  return g_strstrip (s);
}

typedef struct {
  GPtrArray *out;
  GHashTable *seen;     /* lemma, owned by out */
} Collect;

static void
add (Collect *c, const char *word, AtWordnetRelation rel, guint steps, guint sense, const char *via)
{
  g_autofree char *lemma = clean_lemma (word);
  if (*lemma == '\0' || g_hash_table_contains (c->seen, lemma))
    return;
  AtWordnetLemma *l = g_new0 (AtWordnetLemma, 1);
  l->lemma = g_steal_pointer (&lemma);
  l->relation = rel;
  l->steps = steps;
  l->sense = sense;
  l->path = via != NULL ? g_strdup_printf ("%s > %s", via, l->lemma) : g_strdup (l->lemma);
  g_hash_table_add (c->seen, l->lemma);
  g_ptr_array_add (c->out, l);
}

/* The word and its base forms that WordNet lists as nouns. */
static GPtrArray *
base_forms (const char *word)
{
  GPtrArray *forms = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *w = g_strdelimit (g_ascii_strdown (word, -1), " ", '_');
  IndexPtr idx = index_lookup (w, NOUN);
  if (idx != NULL)
    {
      g_ptr_array_add (forms, g_strdup (w));
      free_index (idx);
    }
  for (char *m = morphstr (w, NOUN); m != NULL; m = morphstr (NULL, NOUN))
    if (!g_ptr_array_find_with_equal_func (forms, m, g_str_equal, NULL))
      g_ptr_array_add (forms, g_strdup (m));
  return forms;
}

/* Hypernyms of synset (breadth first) up to max_steps. */
static void
add_hypernyms (Collect *c, SynsetPtr start, guint sense, guint max_steps, const char *via)
{
  typedef struct { long offset; guint steps; char *via; } Item;
  GQueue queue = G_QUEUE_INIT;
  g_autoptr (GHashTable) visited = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (int i = 0; i < start->ptrcount; i++)
    if ((start->ptrtyp[i] == HYPERPTR || start->ptrtyp[i] == INSTANCE) && start->ppos[i] == NOUN)
      {
        Item *it = g_new (Item, 1);
        *it = (Item) { start->ptroff[i], 1, g_strdup (via) };
        g_queue_push_tail (&queue, it);
      }
  Item *it;
  while ((it = g_queue_pop_head (&queue)) != NULL)
    {
      SynsetPtr s = NULL;
      if (!g_hash_table_contains (visited, GSIZE_TO_POINTER (it->offset)))
        s = read_synset (NOUN, it->offset, "");
      g_hash_table_add (visited, GSIZE_TO_POINTER (it->offset));
      if (s != NULL)
        {
          for (int w = 0; w < s->wcount; w++)
            add (c, s->words[w], AT_WORDNET_BROADER, it->steps, sense, it->via);
          g_autofree char *head = clean_lemma (s->words[0]);
          for (int i = 0; it->steps < max_steps && i < s->ptrcount; i++)
            if ((s->ptrtyp[i] == HYPERPTR || s->ptrtyp[i] == INSTANCE) && s->ppos[i] == NOUN)
              {
                Item *next = g_new (Item, 1);
                *next = (Item) { s->ptroff[i], it->steps + 1, g_strdup_printf ("%s > %s", it->via, head) };
                g_queue_push_tail (&queue, next);
              }
          free_synset (s);
        }
      g_free (it->via);
      g_free (it);
    }
}

GPtrArray *
at_wordnet_related_nouns (const char *word, guint max_senses, guint max_steps)
{
  g_return_val_if_fail (word != NULL, NULL);
  Collect c = { g_ptr_array_new_with_free_func ((GDestroyNotify) lemma_free),
                g_hash_table_new (g_str_hash, g_str_equal) };
  g_mutex_lock (&wordnet_lock);
  if (ensure_open ())
    {
      g_autoptr (GPtrArray) forms = base_forms (word);
      for (guint f = 0; f < forms->len; f++)
        add (&c, forms->pdata[f], AT_WORDNET_SAME, 0, 0, NULL);
      /* synonyms of every form's senses first, then their hypernyms */
      GPtrArray *synsets = g_ptr_array_new ();
      GArray *senses = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint f = 0; f < forms->len; f++)
        {
          IndexPtr idx = index_lookup (forms->pdata[f], NOUN);
          for (int i = 0; idx != NULL && i < idx->off_cnt && (guint) i < max_senses; i++)
            {
              SynsetPtr s = read_synset (NOUN, idx->offset[i], "");
              if (s == NULL)
                continue;
              for (int w = 0; w < s->wcount; w++)
                add (&c, s->words[w], AT_WORDNET_SYNONYM, 0, i, forms->pdata[f]);
              g_ptr_array_add (synsets, s);
              g_array_append_val (senses, i);
            }
          if (idx != NULL)
            free_index (idx);
        }
      for (guint i = 0; i < synsets->len; i++)
        {
          SynsetPtr s = synsets->pdata[i];
          g_autofree char *head = clean_lemma (s->words[0]);
          g_autofree char *via = g_strcmp0 (head, word) == 0 ? g_strdup (word)
                                                             : g_strdup_printf ("%s > %s", word, head);
          add_hypernyms (&c, s, g_array_index (senses, guint, i), max_steps, via);
          free_synset (s);
        }
      g_ptr_array_unref (synsets);
      g_array_unref (senses);
    }
  g_mutex_unlock (&wordnet_lock);
  g_hash_table_unref (c.seen);
  return c.out;
}
