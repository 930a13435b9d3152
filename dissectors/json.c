/* json.c — JSON documents (RFC 8259) carried in HTTP bodies, CoAP payloads
 * (Content-Format 50 …) and MQTT 5 messages whose content type says JSON.
 *
 * Shown the way tshark 4.0 shows them: an "Object"/"Array" row per
 * container, a "Member: key" row per object member holding its value, its
 * key and generated path rows (/a/b, /list/[]) that make any value
 * filterable by where it sits in the document.
 *
 * To decode the same documents tshark decodes (and to refuse the same
 * ones), the text is matched against the JSON grammar by a small
 * backtracking matcher that behaves like Wireshark's generic one: between
 * any two grammar pieces blanks (space, tab, CR, LF) are skipped, a
 * document is decoded only when a whole top-level object or array matched,
 * and nesting is limited by a budget of 100 grammar levels (about 25 nested
 * arrays or 19 nested objects).  Once that budget is exceeded it stays
 * exceeded for the rest of the body, as in tshark.  The limit also keeps
 * the C stack small however deep the input nests.  Bytes after the last
 * decoded document go to the line-based text layer.
 */
#include <math.h>
#include <string.h>

#include "iot-dissector.h"

enum {
  F_PROTO,
  F_OBJECT,
  F_ARRAY,
  F_MEMBER,
  F_KEY,
  F_PATH,
  F_PATH_WITH_VALUE,
  F_MEMBER_WITH_VALUE,
  F_VALUE_STRING,
  F_VALUE_NUMBER,
  F_VALUE_TRUE,
  F_VALUE_FALSE,
  F_VALUE_NULL,
  F_VALUE_NAN,
  N_FIELDS
};

enum {
  E_TOO_DEEP,
  E_INVALID,
  N_EXPERTS
};

static IotExpertInfo json_experts[N_EXPERTS] = {
  [E_TOO_DEEP] = IOT_EXPERT_INFO ("json.nested_too_deep", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "JSON nested too deep",
                              "Arrays and objects nested deeper than this decoder follows are shown as text."),
  [E_INVALID] = IOT_EXPERT_INFO ("json.invalid", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Not valid JSON",
                              "The text is not a complete JSON document (invalid or cut short), or text follows the document."),
};

static IotField json_fields[N_FIELDS] = {
  [F_PROTO] = { "json", "JavaScript Object Notation", IOT_FT_PROTOCOL, .blurb =
    "JSON: text made of objects {\"key\": value}, arrays [a, b], strings, numbers, true, false and null. "
    "Most IoT web APIs and many MQTT and CoAP devices send their readings this way." },
  [F_OBJECT] = { "json.object", "Object", IOT_FT_NONE, .blurb =
    "A JSON object: a set of named members between curly braces." },
  [F_ARRAY] = { "json.array", "Array", IOT_FT_NONE, .blurb =
    "A JSON array: an ordered list of values between square brackets." },
  [F_MEMBER] = { "json.member", "Member", IOT_FT_STRING, .blurb =
    "One \"key\": value pair of an object; the row shows the key and holds the value." },
  [F_KEY] = { "json.key", "Key", IOT_FT_STRING, .blurb =
    "The name of an object member, with escape sequences such as \\n or \\u00e9 decoded." },
  [F_PATH] = { "json.path", "Path", IOT_FT_STRING, .blurb =
    "Where the member sits in the document: the keys from the top separated by /, with [] for "
    "each array on the way (e.g. /sensors/[]/temp). Computed, not sent." },
  [F_PATH_WITH_VALUE] = { "json.path_with_value", "Path with value", IOT_FT_STRING, .blurb =
    "The path of a plain value followed by a colon and the value itself, handy for filters "
    "such as json.path_with_value == \"/state:on\". Computed, not sent." },
  [F_MEMBER_WITH_VALUE] = { "json.member_with_value", "Member with value", IOT_FT_STRING, .blurb =
    "The key of a plain value (or [] inside an array), a colon and the value. Computed, not sent." },
  [F_VALUE_STRING] = { "json.value.string", "String value", IOT_FT_STRING, .blurb =
    "A text value, without its quotes and with escape sequences decoded." },
  [F_VALUE_NUMBER] = { "json.value.number", "Number value", IOT_FT_STRING, .blurb =
    "A number exactly as written in the text (JSON numbers have no size limit, so it is kept as text)." },
  [F_VALUE_TRUE] = { "json.value.true", "True value", IOT_FT_NONE, .blurb =
    "The literal true." },
  [F_VALUE_FALSE] = { "json.value.false", "False value", IOT_FT_NONE, .blurb =
    "The literal false." },
  [F_VALUE_NULL] = { "json.value.null", "Null value", IOT_FT_NONE, .blurb =
    "The literal null: the member exists but has no value." },
  [F_VALUE_NAN] = { "json.value.nan", "NaN value", IOT_FT_NONE, .blurb =
    "The word NaN (not a number). Standard JSON does not allow it, but some devices send it." },
};

/* ---- the grammar ------------------------------------------------------------ */

/* What a matched piece is, for the pieces the tree cares about. */
typedef enum {
  T_NONE = -1,
  T_NUMBER,
  T_STRING,
  T_FALSE,
  T_NULL,
  T_TRUE,
  T_NAN,
  T_OBJECT,
  T_ARRAY,
} TokKind;

typedef enum {
  R_CHAR,     /* one byte out of a set */
  R_CHARS,    /* min..max bytes out of a set */
  R_STRING,   /* a literal word */
  R_ONEOF,    /* the first alternative that matches */
  R_SEQ,      /* all elements in order, blanks skipped after each */
  R_SOME,     /* min..max repetitions */
} RuleKind;

/* Actions run on the matched tree, in document order. */
typedef enum {
  A_NONE,
  A_OBJECT,   /* before: open an Object row; after: close it */
  A_ARRAY,
  A_MEMBER,
  A_VALUE,    /* after: a plain value */
} Action;

#define MAX_ELEMS 8

typedef struct _Rule Rule;
struct _Rule {
  RuleKind    kind;
  TokKind     id;
  guint       need;        /* bytes that must remain before it is tried */
  guint       min, max;
  const char *word;        /* R_STRING */
  gboolean    set[256];    /* R_CHAR, R_CHARS */
  const Rule *elems[MAX_ELEMS];
  guint       n_elems;
  Action      action;
};

/* Grammar levels one body may go through before matching gives up. */
#define DEPTH_BUDGET 100
#define UNLIMITED (G_MAXINT / 2)

static Rule rules[64];
static guint n_rules;
static const Rule *rule_top, *rule_blank;

static Rule *
new_rule (RuleKind kind, TokKind id)
{
  Rule *r = &rules[n_rules++];

  g_assert (n_rules <= G_N_ELEMENTS (rules));
  r->kind = kind;
  r->id = id;
  return r;
}

static Rule *
rule_set (RuleKind kind, TokKind id, guint min, guint max, const char *bytes, gboolean negate)
{
  Rule *r = new_rule (kind, id);

  for (guint i = 0; i < 256; i++)
    r->set[i] = negate;
  for (const char *c = bytes; *c; c++)
    r->set[(guint8) *c] = !negate;
  r->min = min;
  r->max = max;
  r->need = kind == R_CHAR ? 1 : 0;
  return r;
}

static Rule *
rule_char (const char *bytes)
{
  return rule_set (R_CHAR, T_NONE, 1, 1, bytes, FALSE);
}

static Rule *
rule_chars (guint min, guint max, const char *bytes)
{
  return rule_set (R_CHARS, T_NONE, min, max, bytes, FALSE);
}

static Rule *
rule_word (TokKind id, const char *word)
{
  Rule *r = new_rule (R_STRING, id);

  r->word = word;
  r->need = strlen (word);
  return r;
}

static Rule *
rule_list (RuleKind kind, TokKind id, Action action, const Rule *first, ...)
{
  Rule *r = new_rule (kind, id);
  va_list ap;

  r->action = action;
  va_start (ap, first);
  for (const Rule *e = first; e != NULL; e = va_arg (ap, const Rule *))
    {
      g_assert (r->n_elems < MAX_ELEMS);
      r->elems[r->n_elems++] = e;
    }
  va_end (ap);
  return r;
}

static Rule *
rule_some (guint min, guint max, const Rule *elem)
{
  Rule *r = new_rule (R_SOME, T_NONE);

  r->min = min;
  r->max = max;
  r->elems[0] = elem;
  r->n_elems = 1;
  return r;
}

static const Rule *
rule_optional (const Rule *elem)
{
  return rule_some (0, 1, elem);
}

/* Builds the grammar of RFC 8259 (plus the word NaN) once. */
static void
build_grammar (void)
{
  static const char digits[] = "0123456789";
  Rule *quote = rule_char ("\"");
  Rule *escape, *string, *number, *integer, *value, *array, *object, *member;
  Rule *comma = rule_char (",");

  escape = rule_list (R_SEQ, T_NONE, A_NONE, rule_char ("\\"),
                      rule_list (R_ONEOF, T_NONE, A_NONE,
                                 rule_chars (1, 1, "\"\\/bfnrt"),
                                 rule_list (R_SEQ, T_NONE, A_NONE, rule_char ("u"),
                                            rule_chars (4, 4, "0123456789abcdefABCDEF"), NULL),
                                 NULL),
                      NULL);
  string = rule_list (R_SEQ, T_STRING, A_NONE, quote,
                      rule_some (0, UNLIMITED,
                                 rule_list (R_ONEOF, T_NONE, A_NONE,
                                            rule_set (R_CHARS, T_NONE, 1, UNLIMITED, "\"\\", TRUE),
                                            escape, NULL)),
                      quote, NULL);
  integer = rule_list (R_ONEOF, T_NONE, A_NONE, rule_char ("0"),
                       rule_list (R_SEQ, T_NONE, A_NONE, rule_chars (1, 1, "123456789"),
                                  rule_optional (rule_chars (1, UNLIMITED, digits)), NULL),
                       NULL);
  number = rule_list (R_SEQ, T_NUMBER, A_NONE,
                      rule_optional (rule_chars (1, 1, "-")),
                      integer,
                      rule_optional (rule_list (R_SEQ, T_NONE, A_NONE, rule_char ("."),
                                                rule_chars (1, UNLIMITED, digits), NULL)),
                      rule_optional (rule_list (R_SEQ, T_NONE, A_NONE, rule_char ("eE"),
                                                rule_optional (rule_chars (1, 1, "-+")),
                                                rule_chars (1, UNLIMITED, digits), NULL)),
                      NULL);
  /* value, array and object refer to each other: fill the lists in later. */
  value = new_rule (R_ONEOF, T_NONE);
  array = new_rule (R_SEQ, T_ARRAY);
  object = new_rule (R_SEQ, T_OBJECT);
  member = rule_list (R_SEQ, T_NONE, A_MEMBER, string, rule_char (":"), value, NULL);

  value->action = A_VALUE;
  value->elems[0] = rule_word (T_FALSE, "false");
  value->elems[1] = rule_word (T_NULL, "null");
  value->elems[2] = rule_word (T_TRUE, "true");
  value->elems[3] = rule_word (T_NAN, "NaN");
  value->elems[4] = object;
  value->elems[5] = array;
  value->elems[6] = number;
  value->elems[7] = string;
  value->n_elems = 8;

  array->action = A_ARRAY;
  array->elems[0] = rule_char ("[");
  array->elems[1] = rule_optional (rule_list (R_SEQ, T_NONE, A_NONE, value,
                                              rule_some (0, UNLIMITED,
                                                         rule_list (R_SEQ, T_NONE, A_NONE, comma, value, NULL)),
                                              NULL));
  array->elems[2] = rule_char ("]");
  array->n_elems = 3;

  object->action = A_OBJECT;
  object->elems[0] = rule_char ("{");
  object->elems[1] = rule_optional (rule_list (R_SEQ, T_NONE, A_NONE, member,
                                               rule_some (0, UNLIMITED,
                                                          rule_list (R_SEQ, T_NONE, A_NONE, comma, member, NULL)),
                                               NULL));
  object->elems[2] = rule_char ("}");
  object->n_elems = 3;

  rule_top = rule_list (R_ONEOF, T_NONE, A_NONE, object, array, NULL);
  rule_blank = rule_chars (1, UNLIMITED, " \t\r\n");
}

/* ---- matching ------------------------------------------------------------------ */

/* A matched piece.  Children form a list through sub/next (indexes into
 * the parser's token array, -1 = none). */
typedef struct {
  const Rule *rule;
  TokKind     id;
  guint       off, len;
  gint        sub, next, last;
} Tok;

typedef struct {
  const guint8 *data;
  guint         end;
  int           depth;
  gboolean      too_deep;     /* the nesting budget ran out at least once */
  GArray       *toks;
} Matcher;

static Tok *
tok_at (Matcher *m, gint i)
{
  return &g_array_index (m->toks, Tok, i);
}

static gint
new_tok (Matcher *m, const Rule *rule, TokKind id, guint off, guint len)
{
  Tok t = { rule, id, off, len, -1, -1, -1 };

  g_array_append_val (m->toks, t);
  t.last = (gint) m->toks->len - 1;
  tok_at (m, t.last)->last = t.last;
  return t.last;
}

static guint
skip_blanks (Matcher *m, guint off)
{
  guint start = off;

  while (off < m->end && rule_blank->set[m->data[off]])
    off++;
  return off - start;
}

/* Appends @child to the children of @parent, growing @parent to cover it. */
static void
adopt (Matcher *m, gint parent, gint child)
{
  Tok *p = tok_at (m, parent);
  Tok *c = tok_at (m, child);

  if (c->len)
    p->len = (c->off - p->off) + c->len;
  if (p->sub < 0)
    p->sub = child;
  else
    {
      tok_at (m, tok_at (m, p->sub)->last)->next = child;
      tok_at (m, p->sub)->last = child;
    }
}

/* Entering a grammar level costs budget; a refused entry is never paid back
 * (the way tshark's matcher behaves), so later matching fails as well. */
static gboolean
enter (Matcher *m)
{
  if (++m->depth > DEPTH_BUDGET)
    {
      m->too_deep = TRUE;
      return FALSE;
    }
  return TRUE;
}

static int match (Matcher *m, guint off, const Rule *r, gint *tok);

static int
match_set (Matcher *m, guint off, const Rule *r, gint *tok)
{
  guint n = 0, left;

  if (off + r->min > m->end)
    return -1;
  left = MIN (m->end - off, r->max);
  while (n < left && r->set[m->data[off + n]])
    n++;
  if (n < r->min)
    return -1;
  *tok = new_tok (m, r, r->id, off, n);
  return (int) n;
}

static int
match_oneof (Matcher *m, guint off, const Rule *r, gint *tok)
{
  guint mark = m->toks->len;

  if (off > m->end || !enter (m))
    return -1;
  for (guint i = 0; i < r->n_elems; i++)
    {
      gint child = -1;
      int n;

      if (off + r->elems[i]->need > m->end)
        continue;
      n = match (m, off, r->elems[i], &child);
      if (n >= 0)
        {
          guint c_off = tok_at (m, child)->off, c_len = tok_at (m, child)->len;

          *tok = new_tok (m, r, r->id, c_off, c_len);
          tok_at (m, *tok)->sub = child;
          m->depth--;
          return n;
        }
      g_array_set_size (m->toks, mark);
    }
  m->depth--;
  return -1;
}

static int
match_seq (Matcher *m, guint off, const Rule *r, gint *tok)
{
  guint start = off, mark = m->toks->len;
  gint me = -1;

  if (off > m->end || !enter (m))
    return -1;
  for (guint i = 0; i < r->n_elems; i++)
    {
      gint child = -1;
      int n;

      if (off + r->elems[i]->need > m->end
          || (n = match (m, off, r->elems[i], &child)) < 0)
        {
          g_array_set_size (m->toks, mark);
          m->depth--;
          return -1;
        }
      if (me < 0)
        {
          me = new_tok (m, r, r->id, tok_at (m, child)->off, tok_at (m, child)->len);
          tok_at (m, me)->sub = child;
          tok_at (m, child)->last = child;
        }
      else
        adopt (m, me, child);
      off += n;
      off += skip_blanks (m, off);
    }
  m->depth--;
  *tok = me;
  return (int) (off - start);
}

static int
match_some (Matcher *m, guint off, const Rule *r, gint *tok)
{
  guint start = off, got = 0;
  gint me = -1;

  if (off > m->end || !enter (m))
    return -1;
  if (r->min == 0)
    me = new_tok (m, r, r->id, off, 0);
  while (got < r->max)
    {
      guint mark = m->toks->len;
      gint child = -1;
      int n = match (m, off, r->elems[0], &child);

      if (n < 0)
        {
          g_array_set_size (m->toks, mark);
          break;
        }
      if (me < 0)
        {
          me = new_tok (m, r, r->id, tok_at (m, child)->off, tok_at (m, child)->len);
          tok_at (m, me)->sub = child;
        }
      else
        adopt (m, me, child);
      off += n;
      got++;
    }
  m->depth--;
  if (got < r->min)
    return -1;
  *tok = me;
  return (int) (off - start);
}

static int
match (Matcher *m, guint off, const Rule *r, gint *tok)
{
  switch (r->kind)
    {
    case R_CHAR:
    case R_CHARS:
      return match_set (m, off, r, tok);
    case R_STRING:
      if (off + r->need > m->end || memcmp (m->data + off, r->word, r->need) != 0)
        return -1;
      *tok = new_tok (m, r, r->id, off, r->need);
      return (int) r->need;
    case R_ONEOF:
      return match_oneof (m, off, r, tok);
    case R_SEQ:
      return match_seq (m, off, r, tok);
    case R_SOME:
      return match_some (m, off, r, tok);
    }
  return -1;
}

/* ---- text of strings --------------------------------------------------------------- */

static int
hex_digit (guint8 c)
{
  return g_ascii_xdigit_value ((char) c);
}

/* Length of the UTF-8 sequence a byte starts; 0 for bytes that cannot start one. */
static guint
utf8_len (guint8 c)
{
  if (c >= 0xfe)
    return 0;
  if (c >= 0xfc)
    return 6;
  if (c >= 0xf8)
    return 5;
  if (c >= 0xf0)
    return 4;
  if (c >= 0xe0)
    return 3;
  if (c >= 0xc0)
    return 2;
  return 1;
}

/* Reads four hex digits at *i (advancing past each one read); FALSE if
 * the text ends or a non-hex byte comes first. */
static gboolean
read_hex4 (const guint8 *p, guint len, guint *i, guint32 *out)
{
  guint32 v = 0;

  for (int k = 0; k < 4; k++)
    {
      int nib;

      if (*i >= len)
        return FALSE;
      nib = hex_digit (p[(*i)++]);
      if (nib < 0)
        return FALSE;
      v = (v << 4) | (guint32) nib;
    }
  *out = v;
  return TRUE;
}

/* Decodes the escapes of a JSON string body (without its quotes) into
 * UTF-8, with tshark 4.0's results on odd input so values compare equal:
 * a \u escape for a control character gives nothing, a broken surrogate
 * pair gives U+FFFD, a \u escape ending the string is dropped, and a byte
 * that cannot start a UTF-8 character ends the text. */
static char *
unescape (IotPacket *pkt, const guint8 *p, guint len)
{
  GString *s = g_string_sized_new (len + 1);
  guint i = 0;
  char *out;

  while (i < len)
    {
      if (p[i] != '\\')
        {
          guint n = utf8_len (p[i]);

          if (n == 0)
            break;
          for (guint k = 0; k < n && i < len; k++)
            g_string_append_c (s, (char) p[i++]);
          continue;
        }
      if (++i >= len)
        break;
      switch (p[i])
        {
        case '"': case '\\': case '/':
          g_string_append_c (s, (char) p[i++]);
          continue;
        case 'b': g_string_append_c (s, '\b'); i++; continue;
        case 'f': g_string_append_c (s, '\f'); i++; continue;
        case 'n': g_string_append_c (s, '\n'); i++; continue;
        case 'r': g_string_append_c (s, '\r'); i++; continue;
        case 't': g_string_append_c (s, '\t'); i++; continue;
        case 'u':
          break;
        default:
          /* Only reachable with blanks between \ and its letter, which
           * the grammar lets through: keep the letter. */
          g_string_append_c (s, (char) p[i++]);
          continue;
        }

      {
        guint32 cp = 0, trail = 0;
        gboolean valid;

        i++;
        valid = read_hex4 (p, len, &i, &cp);
        if (valid && cp >= 0xd800 && cp <= 0xdbff)
          {
            if (i >= len)
              break;
            if (p[i] != '\\')
              {
                i++;
                valid = FALSE;
              }
            else if (++i >= len)
              break;
            else if (p[i] != 'u')
              {
                i++;
                valid = FALSE;
              }
            else
              {
                i++;
                valid = read_hex4 (p, len, &i, &trail) && trail >= 0xdc00 && trail <= 0xdfff;
                if (valid)
                  cp = 0x10000 + ((cp - 0xd800) << 10) + (trail - 0xdc00);
              }
          }
        else if (valid && cp >= 0xdc00 && cp <= 0xdfff)
          valid = FALSE;

        if (!valid)
          g_string_append (s, "\xef\xbf\xbd");
        else if (i < len && g_unichar_validate (cp) && g_unichar_isprint (cp))
          g_string_append_unichar (s, cp);
      }
    }
  out = iot_packet_strndup (pkt, s->str, s->len);
  g_string_free (s, TRUE);
  return out;
}

/* ---- building the tree --------------------------------------------------------------- */

/* Where a value sits, for its reading's name: the tree's paths with an
 * index in each array ("/accel/[2]"), so that the elements of an array
 * are series of their own.  @next is the index of the next element when
 * the place is an array, -1 otherwise. */
typedef struct {
  const char *path;
  gint        next;
} Place;

typedef struct {
  IotPacket *pkt;
  IotBuf    *buf;
  Matcher   *m;
  gboolean   rows;      /* build the tree's rows */
  gboolean   readings;  /* publish the numbers as readings */
  GArray    *parents;   /* int: the row new rows go under */
  GPtrArray *paths;     /* pairs (path, key) of the enclosing member or array */
  GArray    *places;    /* Place, when publishing readings */
} Builder;

static int
parent_row (Builder *b)
{
  return g_array_index (b->parents, int, b->parents->len - 1);
}

static int
pop_row (Builder *b)
{
  int row = parent_row (b);

  g_array_set_size (b->parents, b->parents->len - 1);
  return row;
}

static const char *
path_top (Builder *b, guint from_top)
{
  return g_ptr_array_index (b->paths, b->paths->len - 1 - from_top);
}

static void
push_path (Builder *b, char *path, const char *key)
{
  g_ptr_array_add (b->paths, path);
  g_ptr_array_add (b->paths, (gpointer) key);
}

static void
pop_path (Builder *b)
{
  g_ptr_array_set_size (b->paths, b->paths->len - 2);
}

/* The text of a string token, quotes removed and escapes decoded. */
static char *
string_text (Builder *b, const Tok *t)
{
  return unescape (b->pkt, b->m->data + t->off + 1, t->len - 2);
}

static int
add_text (Builder *b, int parent, int field, const Tok *t, const char *text)
{
  return iot_tree_add_string (b->pkt, parent, &json_fields[field], b->buf, t->off, t->len, text, -1);
}

static void
add_generated (Builder *b, int parent, int field, const Tok *t, const char *text)
{
  int row = add_text (b, parent, field, t, text);

  if (row >= 0)
    iot_tree_set_generated (b->pkt, row);
}

static Place *
place_top (Builder *b)
{
  return &g_array_index (b->places, Place, b->places->len - 1);
}

static void
push_place (Builder *b, const char *path, gint next)
{
  Place place = { path, next };

  g_array_append_val (b->places, place);
}

/* Keeps track of where the value being matched sits, for its reading. */
static void
enter_place (Builder *b, const Tok *t)
{
  Place *top = place_top (b);

  switch (t->rule->action)
    {
    case A_ARRAY:
      push_place (b, top->path, 0);
      break;
    case A_MEMBER:
      push_place (b, iot_packet_strdup_printf (b->pkt, "%s/%s", top->path,
                                               string_text (b, tok_at (b->m, t->sub))), -1);
      break;
    case A_VALUE:
      if (top->next >= 0)
        push_place (b, iot_packet_strdup_printf (b->pkt, "%s/[%d]", top->path, top->next++), -1);
      else
        push_place (b, top->path, -1);
      break;
    default:
      break;
    }
}

static void
leave_place (Builder *b, const Tok *t)
{
  if (t->rule->action == A_ARRAY || t->rule->action == A_MEMBER || t->rule->action == A_VALUE)
    g_array_set_size (b->places, b->places->len - 1);
}

/* A number becomes a reading of the place it sits at, reported by the
 * device and in the series the carrier named (see
 * iot_packet_set_reading_origin()).  Numbers too large for a double are
 * left out rather than charted as infinity. */
static void
publish_number (Builder *b, const Tok *t)
{
  const Tok *v = tok_at (b->m, t->sub);
  char text[64];
  IotReading reading = { 0 };
  char *end = NULL;

  if (v->id != T_NUMBER || v->len >= sizeof text)
    return;
  memcpy (text, b->m->data + v->off, v->len);
  text[v->len] = '\0';
  reading.value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (reading.value))
    return;
  reading.device = iot_packet_reading_device (b->pkt);
  reading.series = iot_packet_reading_series (b->pkt);
  reading.name = place_top (b)->path;
  iot_packet_add_reading (b->pkt, &reading);
}

static void
before (Builder *b, const Tok *t)
{
  int row;

  if (b->readings)
    enter_place (b, t);
  if (!b->rows)
    return;
  switch (t->rule->action)
    {
    case A_OBJECT:
    case A_ARRAY:
      row = iot_tree_add_item (b->pkt, parent_row (b), &json_fields[t->rule->action == A_OBJECT ? F_OBJECT : F_ARRAY],
                               b->buf, t->off, t->len, FALSE);
      g_array_append_val (b->parents, row);
      if (t->rule->action == A_ARRAY)
        push_path (b, iot_packet_strdup_printf (b->pkt, "%s/[]", path_top (b, 1)), "[]");
      break;
    case A_MEMBER:
      {
        char *key = string_text (b, tok_at (b->m, t->sub));

        row = add_text (b, parent_row (b), F_MEMBER, t, key);
        g_array_append_val (b->parents, row);
        push_path (b, iot_packet_strdup_printf (b->pkt, "%s/%s", path_top (b, 1), key), key);
      }
      break;
    default:
      break;
    }
}

static void
add_value (Builder *b, const Tok *t)
{
  const Tok *v = tok_at (b->m, t->sub);
  int parent = parent_row (b);
  static const int plain[] = {
    [T_FALSE] = F_VALUE_FALSE, [T_NULL] = F_VALUE_NULL, [T_TRUE] = F_VALUE_TRUE, [T_NAN] = F_VALUE_NAN,
  };
  char *text;

  if (v->id == T_OBJECT || v->id == T_ARRAY || v->id == T_NONE)
    return;
  if (v->id == T_STRING)
    text = string_text (b, v);
  else
    text = unescape (b->pkt, b->m->data + t->off, t->len);
  add_generated (b, parent, F_PATH_WITH_VALUE, t,
                 iot_packet_strdup_printf (b->pkt, "%s:%s", path_top (b, 1), text));
  add_generated (b, parent, F_MEMBER_WITH_VALUE, t,
                 iot_packet_strdup_printf (b->pkt, "%s:%s", path_top (b, 0), text));
  if (v->id == T_STRING)
    add_text (b, parent, F_VALUE_STRING, t, text);
  else if (v->id == T_NUMBER)
    add_text (b, parent, F_VALUE_NUMBER, t,
              iot_packet_strndup (b->pkt, (const char *) b->m->data + t->off, t->len));
  else
    iot_tree_add_item (b->pkt, parent, &json_fields[plain[v->id]], b->buf, t->off, t->len, FALSE);
}

static void
after (Builder *b, const Tok *t)
{
  if (b->readings)
    {
      if (t->rule->action == A_VALUE)
        publish_number (b, t);
      leave_place (b, t);
    }
  if (!b->rows)
    return;
  switch (t->rule->action)
    {
    case A_OBJECT:
      pop_row (b);
      break;
    case A_ARRAY:
      pop_row (b);
      pop_path (b);
      break;
    case A_MEMBER:
      {
        int row = pop_row (b);
        const Tok *key = tok_at (b->m, t->sub);
        char *path;

        add_text (b, row, F_KEY, key, string_text (b, key));
        path = (char *) path_top (b, 1);
        pop_path (b);
        add_generated (b, row, F_PATH, t, path);
      }
      break;
    case A_VALUE:
      add_value (b, t);
      break;
    default:
      break;
    }
}

/* Walks the matched tree: actions before a piece's children and after
 * them, with an explicit stack so deep documents cost no C stack. */
static void
build (Builder *b, gint root)
{
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (gint));
  gint cur = root;

  while (cur >= 0)
    {
      const Tok *t = tok_at (b->m, cur);

      before (b, t);
      if (t->sub >= 0)
        {
          g_array_append_val (stack, cur);
          cur = t->sub;
          continue;
        }
      after (b, t);
      cur = t->next;
      while (cur < 0 && stack->len > 0)
        {
          gint up = g_array_index (stack, gint, stack->len - 1);

          g_array_set_size (stack, stack->len - 1);
          after (b, tok_at (b->m, up));
          cur = tok_at (b->m, up)->next;
        }
    }
}

/* Whether anyone reads what the tree building would produce. */
static gboolean
wants_rows (IotPacket *pkt)
{
  if (iot_packet_wants_tree (pkt))
    return TRUE;
  for (guint i = F_OBJECT; i < N_FIELDS; i++)
    if (iot_packet_wants_field (pkt, &json_fields[i]))
      return TRUE;
  return FALSE;
}

/* ---- the layer ------------------------------------------------------------------------ */

static void
builder_init (Builder *b, IotBuf *buf, int tree)
{
  Matcher *m = b->m;

  m->data = buf->length > 0 ? iot_buf_ptr (buf, 0, buf->length) : NULL;
  m->toks = g_array_new (FALSE, FALSE, sizeof (Tok));
  b->parents = g_array_new (FALSE, FALSE, sizeof (int));
  b->paths = g_ptr_array_new ();
  b->places = g_array_new (FALSE, FALSE, sizeof (Place));
  g_array_append_val (b->parents, tree);
  push_path (b, (char *) "", "");
  push_place (b, "", -1);
}

static void
builder_clear (Builder *b)
{
  g_array_free (b->m->toks, TRUE);
  g_array_free (b->parents, TRUE);
  g_ptr_array_free (b->paths, TRUE);
  g_array_free (b->places, TRUE);
}

/* A payload handed on only for its readings (an MQTT message without a
 * content type): every document is read for its numbers, and nothing is
 * added to the tree or the columns, so the dissection stays what tshark
 * shows.  Anything that is not a JSON object or array is left alone. */
static int
read_numbers_only (IotPacket *pkt, IotBuf *buf, Builder *b)
{
  Matcher *m = b->m;
  guint off = 0;

  if (!b->readings)
    return 0;
  builder_init (b, buf, -1);
  while (m->data != NULL)
    {
      guint start = off + skip_blanks (m, off);
      gint top = -1;
      int n;

      g_array_set_size (m->toks, 0);
      n = match (m, start, rule_top, &top);
      if (n < 0)
        break;
      build (b, top);
      off = start + n;
    }
  builder_clear (b);
  (void) pkt;
  return (int) off;
}

/* ---- the length of a document, without tokens ----------------------------------- */

/* When nobody reads the rows or the readings (the summary line, a filter
 * of other fields), only where the documents end matters.  A plain
 * recursive reading of strict RFC 8259 text finds that without the
 * matcher's tokens: for such text the grammar above matches exactly the
 * same bytes.  Whatever the strict reading does not accept (blanks inside
 * numbers or escapes, which the grammar lets through, nesting deeper than
 * QUICK_DEPTH, far below the matcher's budget, anything invalid) answers
 * QUICK_UNSURE, and the matcher decides. */
#define QUICK_UNSURE (-2)
#define QUICK_DEPTH  8

typedef struct {
  const guint8 *d;
  guint         end;
} Quick;

static guint
quick_blanks (const Quick *q, guint off)
{
  while (off < q->end && (q->d[off] == ' ' || q->d[off] == '\t' || q->d[off] == '\r' || q->d[off] == '\n'))
    off++;
  return off;
}

static gboolean
quick_digit (const Quick *q, guint off)
{
  return off < q->end && q->d[off] >= '0' && q->d[off] <= '9';
}

/* Each returns the offset after the value and the blanks after it, or
 * 0 when unsure (no value ends at offset 0). */
static guint quick_value (const Quick *q, guint off, int depth);

static guint
quick_string (const Quick *q, guint off)
{
  off++;
  while (off < q->end)
    {
      guint8 c = q->d[off];

      if (c == '"')
        return quick_blanks (q, off + 1);
      if (c != '\\')
        {
          off++;
          continue;
        }
      if (off + 1 >= q->end)
        return 0;
      c = q->d[off + 1];
      if (c == 'u')
        {
          if (off + 6 > q->end)
            return 0;
          for (guint i = 2; i < 6; i++)
            if (!g_ascii_isxdigit (q->d[off + i]))
              return 0;
          off += 6;
        }
      else if (strchr ("\"\\/bfnrt", c) != NULL && c != '\0')
        off += 2;
      else
        return 0;
    }
  return 0;
}

static guint
quick_number (const Quick *q, guint off)
{
  if (q->d[off] == '-')
    off++;
  if (!quick_digit (q, off))
    return 0;
  if (q->d[off] == '0')
    off++;
  else
    while (quick_digit (q, off))
      off++;
  if (off < q->end && q->d[off] == '.')
    {
      off++;
      if (!quick_digit (q, off))
        return 0;
      while (quick_digit (q, off))
        off++;
    }
  if (off < q->end && (q->d[off] == 'e' || q->d[off] == 'E'))
    {
      off++;
      if (off < q->end && (q->d[off] == '-' || q->d[off] == '+'))
        off++;
      if (!quick_digit (q, off))
        return 0;
      while (quick_digit (q, off))
        off++;
    }
  /* A blank, then more of a number, is one number to the grammar. */
  if (off < q->end && (q->d[off] == ' ' || q->d[off] == '\t' || q->d[off] == '\r' || q->d[off] == '\n'))
    {
      guint next = quick_blanks (q, off);

      if (next < q->end && (quick_digit (q, next) || q->d[next] == '.' || q->d[next] == 'e'
                            || q->d[next] == 'E'))
        return 0;
      return next;
    }
  return off;
}

/* An object (@close '}') or an array (']'). */
static guint
quick_container (const Quick *q, guint off, int depth, guint8 close)
{
  if (depth >= QUICK_DEPTH)
    return 0;
  off = quick_blanks (q, off + 1);
  if (off < q->end && q->d[off] == close)
    return quick_blanks (q, off + 1);
  for (;;)
    {
      if (close == '}')
        {
          if (off >= q->end || q->d[off] != '"' || (off = quick_string (q, off)) == 0)
            return 0;
          if (off >= q->end || q->d[off] != ':')
            return 0;
          off = quick_blanks (q, off + 1);
        }
      if ((off = quick_value (q, off, depth + 1)) == 0 || off >= q->end)
        return 0;
      if (q->d[off] == close)
        return quick_blanks (q, off + 1);
      if (q->d[off] != ',')
        return 0;
      off = quick_blanks (q, off + 1);
    }
}

static gboolean
quick_word (const Quick *q, guint off, const char *word)
{
  gsize len = strlen (word);

  return off + len <= q->end && memcmp (q->d + off, word, len) == 0;
}

static guint
quick_value (const Quick *q, guint off, int depth)
{
  static const char *const words[] = { "false", "null", "true", "NaN" };

  if (off >= q->end)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (quick_word (q, off, words[i]))
      return quick_blanks (q, off + (guint) strlen (words[i]));
  switch (q->d[off])
    {
    case '{':
      return quick_container (q, off, depth, '}');
    case '[':
      return quick_container (q, off, depth, ']');
    case '"':
      return quick_string (q, off);
    default:
      return q->d[off] == '-' || quick_digit (q, off) ? quick_number (q, off) : 0;
    }
}

/* The length match() would find for the document at @off (with the
 * blanks after it), -1 for none, or QUICK_UNSURE. */
static int
quick_document (const Quick *q, guint off)
{
  guint after;

  if (off >= q->end || (q->d[off] != '{' && q->d[off] != '['))
    return -1;
  after = quick_container (q, off, 0, q->d[off] == '{' ? '}' : ']');
  return after == 0 ? QUICK_UNSURE : (int) (after - off);
}

/* Where the documents end and how many there are, as the loop of
 * dissect_json() finds them; FALSE when unsure. */
static gboolean
quick_documents (IotBuf *buf, guint *end, guint *docs)
{
  Quick q = { buf->length > 0 ? iot_buf_ptr (buf, 0, buf->length) : NULL, buf->length };
  guint off = 0, n_docs = 0;

  if (q.d == NULL)
    {
      *end = 0;
      *docs = 0;
      return TRUE;
    }
  for (;;)
    {
      guint start = quick_blanks (&q, off);
      int n = quick_document (&q, start);

      if (n == QUICK_UNSURE)
        return FALSE;
      if (n < 0)
        break;
      off = start + (guint) n;
      n_docs++;
    }
  *end = off;
  *docs = n_docs;
  return TRUE;
}

static gboolean
is_senml (const char *media_type)
{
  return media_type != NULL
         && (strcmp (media_type, "application/senml+json") == 0 || strcmp (media_type, "application/sensml+json") == 0);
}

static int
dissect_json (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  static gsize grammar_ready;
  const IotMediaInfo *info = data;
  const char *media_type = info != NULL ? info->media_type : NULL;
  gboolean readings_only = info != NULL && info->readings_only;
  int tree = -1;
  Matcher m = { NULL, buf->length, 0, FALSE, NULL };
  Builder b = { pkt, buf, &m, FALSE, FALSE, NULL, NULL, NULL };
  guint off = 0, docs = 0;

  /* JSON (and the SenML and text layers it hands on to) keeps no state
   * across frames, so the first pass, which only builds state, has
   * nothing to learn here: parsing was a tenth of its time. */
  if (iot_packet_first_pass (pkt) && iot_packet_state_only (pkt))
    return buf->length;
  if (g_once_init_enter (&grammar_ready))
    {
      build_grammar ();
      g_once_init_leave (&grammar_ready, 1);
    }
  /* A SenML pack's numbers are the SenML layer's readings, named by what
   * the records mean rather than by their place in the array. */
  b.readings = iot_packet_wants_readings (pkt) && !is_senml (media_type);
  if (readings_only)
    return read_numbers_only (pkt, buf, &b);
  tree = iot_tree_add_protocol (pkt, parent, &json_fields[F_PROTO], buf, 0, -1);
  b.rows = wants_rows (pkt);
  if (media_type != NULL)
    iot_tree_set_label (pkt, tree, "JavaScript Object Notation: %s", media_type);
  iot_col_append_sep_info (pkt, ", ", "JavaScript Object Notation");

  if (!b.rows && !b.readings && quick_documents (buf, &off, &docs))
    goto parsed;
  builder_init (&b, buf, tree);

  /* One document after the other (newline-delimited JSON works too),
   * until something that is not a whole object or array. */
  while (m.data != NULL)
    {
      guint start = off + skip_blanks (&m, off);
      gint top = -1;
      int n;

      g_array_set_size (m.toks, 0);
      n = match (&m, start, rule_top, &top);
      if (n < 0)
        break;
      if (b.rows || b.readings)
        build (&b, top);
      off = start + n;
      docs++;
    }
  builder_clear (&b);
parsed:
  iot_tree_set_length (pkt, tree, off);

  if (m.too_deep)
    iot_expert_add_info (pkt, tree, &json_experts[E_TOO_DEEP], "JSON nested deeper than this decoder follows (about 25 arrays or 19 objects); "
                    "the rest is shown as text");
  else if (off < buf->reported && off < buf->length)
    iot_expert_add_info (pkt, tree, &json_experts[E_INVALID], docs == 0 ? "Not a complete JSON object or array (invalid or cut short); shown as text"
                              : "Text after the JSON document that is not JSON; shown as text");

  if (iot_buf_reported_remaining (buf, off) > 0)
    {
      const IotDissector *text = iot_registry_dissector ("data-text-lines");
      IotBuf rest = iot_buf_sub (buf, off, -1);

      if (text != NULL)
        iot_call_dissector_with_data (pkt, text, &rest, parent, data);
    }
  else if (media_type != NULL)
    iot_col_append_sep_info (pkt, " ", "(%s)", media_type);
  iot_col_append_protocol (pkt, "JSON");

  /* SenML packs are JSON arrays of records: the SenML layer reads them
   * again and resolves what they mean (tshark 4.0 stops at the JSON). */
  if (docs > 0 && is_senml (media_type))
    {
      const IotDissector *senml = iot_registry_dissector ("senml");

      if (senml != NULL)
        iot_call_dissector_with_data (pkt, senml, buf, parent, data);
    }
  return buf->length;
}

/* The media types tshark 4.0 decodes as JSON. */
static const IotStringHandoff json_media_types[] = {
  { "media_type", "application/json" },
  { "media_type", "application/json-patch+json" },
  { "media_type", "application/merge-patch+json" },
  { "media_type", "application/problem+json" },
  { "media_type", "application/senml+json" },
  { "media_type", "application/sensml+json" },
  { "media_type", "application/vnd.oma.lwm2m+json" },
  { "media_type", "application/dds-web+json" },
  { "media_type", "application/json-rpc" },
  { "media_type", "application/jsonrequest" },
  { "media_type", "application/x-ndjson" },
  { NULL },
};

IotDissector iot_dissector_json = {
  .name = "JSON",
  .abbrev = "json",
  .long_name = "JavaScript Object Notation",
  .fields = json_fields,
  .n_fields = N_FIELDS,
  .experts = json_experts,
  .n_experts = N_EXPERTS,
  .dissect_with_data = dissect_json,
  .string_handoff = json_media_types,
};
