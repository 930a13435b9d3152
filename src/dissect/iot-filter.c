/* iot-filter.c — Wireshark's display filter language.
 *
 * Pipeline: lexer → recursive-descent parser → semantic check against the
 * field registry (names resolved, literals converted to the type of the
 * field they are compared with, errors with their position) → a tree of
 * typed tests evaluated per frame without re-parsing.
 *
 * Hostile input must not exhaust the stack: chains of "and"/"or" become one
 * node with a list of operands and runs of "not" collapse as they are read,
 * so only parentheses, function calls and slices nest, and those are
 * limited to MAX_NESTING levels (every recursive pass over the tree then
 * goes at most that deep).
 *
 * Repeated fields follow Wireshark 4.0: "==" is true if any value matches,
 * "!=" only if all values differ, "===" if all match, "!==" / "~=" if any
 * differs.
 */
#define _GNU_SOURCE   /* memmem */

#include "iot-filter.h"
#include "iot-core-private.h"
#include "iot-format.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- values ------------------------------------------------------------- */

typedef enum {
  CLASS_NONE,      /* existence only */
  CLASS_UINT,
  CLASS_INT,
  CLASS_DOUBLE,
  CLASS_BYTES,     /* bytes, MAC addresses, protocol ranges, slices */
  CLASS_STRING,
  CLASS_IPV4,
  CLASS_IPV6,
  CLASS_ABSTIME,
  CLASS_RELTIME,
} ValueClass;

typedef struct {
  guint8  cls;
  guint8  prefix;   /* IP: prefix length of a network literal */
  guint32 len;      /* bytes and strings */
  union {
    guint64       u;
    gint64        i;
    double        d;
    const guint8 *p;
    guint8        ip[16];
  } v;
} FValue;

static ValueClass
class_of_type (IotFieldType type)
{
  switch (type)
    {
    case IOT_FT_BOOLEAN:
    case IOT_FT_UINT8:
    case IOT_FT_UINT16:
    case IOT_FT_UINT24:
    case IOT_FT_UINT32:
    case IOT_FT_UINT64:
    case IOT_FT_FRAMENUM:
      return CLASS_UINT;
    case IOT_FT_INT8:
    case IOT_FT_INT16:
    case IOT_FT_INT32:
    case IOT_FT_INT64:
      return CLASS_INT;
    case IOT_FT_DOUBLE:
      return CLASS_DOUBLE;
    case IOT_FT_STRING:
    case IOT_FT_STRINGZ:
      return CLASS_STRING;
    case IOT_FT_BYTES:
    case IOT_FT_ETHER:
    case IOT_FT_EUI64:
    case IOT_FT_PROTOCOL:
      return CLASS_BYTES;
    case IOT_FT_IPV4:
      return CLASS_IPV4;
    case IOT_FT_IPV6:
      return CLASS_IPV6;
    case IOT_FT_ABSOLUTE_TIME:
      return CLASS_ABSTIME;
    case IOT_FT_RELATIVE_TIME:
      return CLASS_RELTIME;
    case IOT_FT_NONE:
    default:
      return CLASS_NONE;
    }
}

static gboolean
class_is_bytes_like (ValueClass cls)
{
  return cls == CLASS_BYTES || cls == CLASS_STRING;
}

static int
cmp_bytes (const FValue *a, const FValue *b)
{
  /* An empty value may have no storage at all: memcmp must not see it. */
  int c = MIN (a->len, b->len) > 0 ? memcmp (a->v.p, b->v.p, MIN (a->len, b->len)) : 0;

  if (c != 0)
    return c;
  return a->len < b->len ? -1 : a->len > b->len;
}

static int
cmp_ip (const FValue *a, const FValue *b, guint bytes)
{
  guint prefix = MIN (a->prefix, b->prefix);

  for (guint i = 0; i < bytes; i++)
    {
      guint bits = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - i * 8 : 0;
      guint8 mask = bits == 0 ? 0 : (guint8) (0xff << (8 - bits));
      guint8 x = a->v.ip[i] & mask, y = b->v.ip[i] & mask;

      if (x != y)
        return x < y ? -1 : 1;
    }
  return 0;
}

/* Three-way comparison of two values of compatible classes. */
static int
compare_values (const FValue *a, const FValue *b)
{
  switch (a->cls)
    {
    case CLASS_UINT:
      if (b->cls == CLASS_INT)
        return b->v.i < 0 ? 1 : (a->v.u > (guint64) b->v.i) - (a->v.u < (guint64) b->v.i);
      return (a->v.u > b->v.u) - (a->v.u < b->v.u);
    case CLASS_INT:
      if (b->cls == CLASS_UINT)
        return -compare_values (b, a);
      return (a->v.i > b->v.i) - (a->v.i < b->v.i);
    case CLASS_ABSTIME:
    case CLASS_RELTIME:
      return (a->v.i > b->v.i) - (a->v.i < b->v.i);
    case CLASS_DOUBLE:
      return (a->v.d > b->v.d) - (a->v.d < b->v.d);
    case CLASS_IPV4:
      return cmp_ip (a, b, 4);
    case CLASS_IPV6:
      return cmp_ip (a, b, 16);
    case CLASS_BYTES:
    case CLASS_STRING:
      return cmp_bytes (a, b);
    default:
      return 0;
    }
}

/* ---- the compiled form ------------------------------------------------------ */

typedef enum {
  FUNC_LEN,
  FUNC_COUNT,
  FUNC_LOWER,
  FUNC_UPPER,
  FUNC_STRING,
} FuncKind;

typedef enum {
  EXPR_FIELD,
  EXPR_LITERAL,
  EXPR_SLICE,
  EXPR_FUNC,
  EXPR_BITAND,
} ExprKind;

typedef struct {
  gint64   start;
  gint64   length;    /* G_MAXINT64 = to the end */
  gboolean to_end;
} SliceRange;

typedef enum {
  LIT_UNPARSED,   /* a bare word: its meaning depends on the other side */
  LIT_STRING,     /* "quoted" */
  LIT_CHAR,       /* 'c' */
} LiteralKind;

typedef struct _Expr Expr;
struct _Expr {
  ExprKind        kind;
  guint           start, length;   /* position in the text */
  ValueClass      cls;             /* result class once typed */
  const IotField *field;           /* EXPR_FIELD; also the type context of literals */
  /* EXPR_LITERAL */
  LiteralKind     lit_kind;
  char           *text;
  FValue          value;
  /* A negative number against an unsigned field: Wireshark negates the
   * number at run time, which fails, so the literal has no value. */
  gboolean        no_value;
  GBytes         *storage;         /* bytes the literal value points into */
  /* EXPR_SLICE / EXPR_FUNC / EXPR_BITAND */
  Expr           *arg;
  Expr           *arg2;
  SliceRange     *ranges;
  guint           n_ranges;
  FuncKind        func;
  /* Per-frame scratch. */
  GArray         *values;          /* FValue */
  GByteArray     *bytes;
};

typedef enum {
  OP_ANY_EQ,
  OP_ALL_NE,
  OP_ALL_EQ,
  OP_ANY_NE,
  OP_GT,
  OP_GE,
  OP_LT,
  OP_LE,
  OP_CONTAINS,
  OP_MATCHES,
} CmpOp;

typedef enum {
  TEST_AND,
  TEST_OR,
  TEST_NOT,
  TEST_EXISTS,
  TEST_TRUTH,      /* "tcp.flags & 0x02" alone: any value non-zero */
  TEST_CMP,
  TEST_IN,
} TestKind;

typedef struct {
  FValue low, high;
  gboolean range;
  gboolean empty;   /* a bound without a value (see no_value): matches nothing */
} SetItem;

typedef struct _Test Test;
struct _Test {
  TestKind kind;
  CmpOp    op;
  Test    *a;          /* TEST_NOT */
  GPtrArray *operands; /* TEST_AND / TEST_OR: Test, two or more */
  Expr    *lhs, *rhs;
  GArray  *set;        /* SetItem */
  GPtrArray *set_exprs;
  GRegex  *regex;
};

struct _IotFilter {
  char        *text;
  Test        *root;
  IotFieldSet *fields;
  GPtrArray   *warnings;
  GPtrArray   *exprs;    /* every Expr, for freeing */
  GPtrArray   *tests;
  IotPacket   *pkt;      /* during evaluation */
};

/* ---- problems --------------------------------------------------------------- */

void
iot_filter_problem_free (IotFilterProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->message);
  g_free (problem);
}

/* Characters (not bytes) in text[from, to): a byte that is not part of
 * valid UTF-8 counts as one character, as a terminal shows it. */
static guint
count_characters (const char *text, guint from, guint to)
{
  guint n = 0;

  for (guint i = from; i < to && text[i] != '\0'; n++)
    {
      gunichar c = (guchar) text[i] < 0x80 ? (gunichar) text[i]
                   : g_utf8_get_char_validated (text + i, to - i);

      i += c == (gunichar) -1 || c == (gunichar) -2 ? 1 : (guint) g_utf8_skip[(guchar) text[i]];
    }
  return n;
}

guint
iot_filter_problem_column (const IotFilterProblem *problem, const char *text)
{
  return count_characters (text, 0, problem->start);
}

char *
iot_filter_problem_format (const IotFilterProblem *problem, const char *text)
{
  GString *out = g_string_new (problem->message);
  guint column = iot_filter_problem_column (problem, text);
  guint width = count_characters (text, problem->start, problem->start + problem->length);

  g_string_append_printf (out, "\n    %s\n    ", text);
  for (guint i = 0; i < column; i++)
    g_string_append_c (out, ' ');
  g_string_append_c (out, '^');
  for (guint i = 1; i < width; i++)
    g_string_append (out, "~");
  return g_string_free (out, FALSE);
}

/* Messages quote the filter, which may hold any bytes inside quotes; what
 * is shown to the user must be valid UTF-8. */
static char *message_vprintf (const char *fmt, va_list ap) G_GNUC_PRINTF (1, 0);

static char *
message_vprintf (const char *fmt, va_list ap)
{
  g_autofree char *message = g_strdup_vprintf (fmt, ap);

  return g_utf8_make_valid (message, -1);
}

static IotFilterProblem *
problem_new (guint start, guint length, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static IotFilterProblem *
problem_new (guint start, guint length, const char *fmt, ...)
{
  IotFilterProblem *problem = g_new0 (IotFilterProblem, 1);
  va_list ap;

  va_start (ap, fmt);
  problem->message = message_vprintf (fmt, ap);
  va_end (ap);
  problem->start = start;
  problem->length = MAX (length, 1);
  return problem;
}

/* ---- lexer ------------------------------------------------------------------ */

typedef enum {
  TOK_END,
  TOK_WORD,        /* bare word: field, literal, keyword, function */
  TOK_STRING,
  TOK_CHAR,
  TOK_LPAREN,
  TOK_RPAREN,
  TOK_LBRACE,
  TOK_RBRACE,
  TOK_SLICE,       /* "[...]" with its inside as text */
  TOK_COMMA,
  TOK_DOTDOT,
  TOK_OP,          /* comparison operator, value in op */
  TOK_AND,
  TOK_OR,
  TOK_NOT,
  TOK_BITAND,
  TOK_IN,
} TokKind;

typedef struct {
  TokKind kind;
  CmpOp   op;
  guint   start, length;
  char   *text;       /* words, strings (unescaped), slices */
  gsize   text_len;   /* strings may hold NULs */
  gboolean deprecated;
} Token;

/* How deep parentheses, function calls and slices may nest.  Far more
 * than any hand-written filter needs (tshark stops below 100 parentheses),
 * and shallow enough for the recursive passes to run on a small thread
 * stack. */
#define MAX_NESTING 256

typedef struct {
  const char       *src;
  guint             pos;
  GArray           *tokens;   /* Token */
  guint             next;     /* parser cursor */
  guint             depth;    /* current nesting while parsing */
  IotFilterProblem *problem;
  IotFilter        *filter;
} Parser;

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == ':' || c == '-' || c == '/'
         || c == '+' || c == '#';
}

static gboolean
lex_escape (Parser *p, GString *out)
{
  const char *s = p->src;
  char c = s[p->pos];

  switch (c)
    {
    case 'n': g_string_append_c (out, '\n'); p->pos++; return TRUE;
    case 't': g_string_append_c (out, '\t'); p->pos++; return TRUE;
    case 'r': g_string_append_c (out, '\r'); p->pos++; return TRUE;
    case 'a': g_string_append_c (out, '\a'); p->pos++; return TRUE;
    case 'b': g_string_append_c (out, '\b'); p->pos++; return TRUE;
    case 'f': g_string_append_c (out, '\f'); p->pos++; return TRUE;
    case 'v': g_string_append_c (out, '\v'); p->pos++; return TRUE;
    case '\\': case '"': case '\'': g_string_append_c (out, c); p->pos++; return TRUE;
    case 'x':
      if (g_ascii_isxdigit (s[p->pos + 1]))
        {
          guint v = 0, n = 0;

          p->pos++;
          while (n < 2 && g_ascii_isxdigit (s[p->pos]))
            v = v * 16 + g_ascii_xdigit_value (s[p->pos++]), n++;
          g_string_append_c (out, (char) v);
          return TRUE;
        }
      return FALSE;
    default:
      if (c >= '0' && c <= '7')
        {
          guint v = 0, n = 0, at = p->pos;

          while (n < 3 && s[p->pos] >= '0' && s[p->pos] <= '7')
            v = v * 8 + (guint) (s[p->pos++] - '0'), n++;
          /* An escape is one byte: "\400" would silently wrap. */
          if (v > 0xff)
            {
              p->problem = problem_new (at - 1, n + 1, "The escape \\%.*s is larger than 255 (\\377): an escape is one byte.",
                                        (int) n, s + at);
              return FALSE;
            }
          g_string_append_c (out, (char) v);
          return TRUE;
        }
      return FALSE;
    }
}

static gboolean
lex_string (Parser *p, Token *tok, gboolean raw)
{
  GString *out = g_string_new (NULL);

  p->pos++;   /* opening quote */
  while (p->src[p->pos] != '"')
    {
      if (p->src[p->pos] == '\0')
        {
          p->problem = problem_new (tok->start, p->pos - tok->start, "The string is not terminated (missing \").");
          g_string_free (out, TRUE);
          return FALSE;
        }
      if (p->src[p->pos] == '\\' && !raw)
        {
          guint at = p->pos++;

          if (!lex_escape (p, out))
            {
              if (p->problem == NULL)
                p->problem = problem_new (at, 2, "Invalid escape sequence in a string.");
              g_string_free (out, TRUE);
              return FALSE;
            }
          continue;
        }
      if (p->src[p->pos] == '\\' && raw && p->src[p->pos + 1] == '"')
        g_string_append_c (out, p->src[p->pos++]);
      g_string_append_c (out, p->src[p->pos++]);
    }
  p->pos++;
  tok->kind = TOK_STRING;
  tok->text_len = out->len;
  tok->text = g_string_free (out, FALSE);
  return TRUE;
}

static gboolean
lex_char (Parser *p, Token *tok)
{
  GString *out = g_string_new (NULL);

  p->pos++;
  if (p->src[p->pos] == '\\')
    {
      p->pos++;
      if (!lex_escape (p, out))
        goto bad;
    }
  else if (p->src[p->pos] != '\0' && p->src[p->pos] != '\'')
    g_string_append_c (out, p->src[p->pos++]);
  if (out->len != 1 || p->src[p->pos] != '\'')
    goto bad;
  p->pos++;
  tok->kind = TOK_CHAR;
  tok->text_len = 1;
  tok->text = g_string_free (out, FALSE);
  return TRUE;
bad:
  g_string_free (out, TRUE);
  if (p->problem == NULL)
    p->problem = problem_new (tok->start, 3, "Invalid character constant.");
  return FALSE;
}

static const struct {
  const char *word;
  TokKind     kind;
  CmpOp       op;
  gboolean    deprecated;
} keywords[] = {
  { "and", TOK_AND }, { "AND", TOK_AND }, { "or", TOK_OR }, { "OR", TOK_OR },
  { "not", TOK_NOT }, { "NOT", TOK_NOT }, { "in", TOK_IN },
  { "eq", TOK_OP, OP_ANY_EQ }, { "any_eq", TOK_OP, OP_ANY_EQ },
  { "ne", TOK_OP, OP_ALL_NE }, { "all_ne", TOK_OP, OP_ALL_NE },
  { "all_eq", TOK_OP, OP_ALL_EQ }, { "any_ne", TOK_OP, OP_ANY_NE },
  { "gt", TOK_OP, OP_GT }, { "ge", TOK_OP, OP_GE }, { "lt", TOK_OP, OP_LT }, { "le", TOK_OP, OP_LE },
  { "contains", TOK_OP, OP_CONTAINS }, { "matches", TOK_OP, OP_MATCHES },
  { "bitwise_and", TOK_BITAND }, { "bitand", TOK_BITAND },
};

static void
classify_word (Token *tok)
{
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (strcmp (tok->text, keywords[i].word) == 0)
      {
        tok->kind = keywords[i].kind;
        tok->op = keywords[i].op;
        tok->deprecated = keywords[i].deprecated;
        return;
      }
}

static gboolean
lex_operator (Parser *p, Token *tok)
{
  static const struct { const char *text; TokKind kind; CmpOp op; gboolean deprecated; } ops[] = {
    { "===", TOK_OP, OP_ALL_EQ }, { "!==", TOK_OP, OP_ANY_NE },
    { "==", TOK_OP, OP_ANY_EQ }, { "!=", TOK_OP, OP_ALL_NE }, { "~=", TOK_OP, OP_ANY_NE },
    { ">=", TOK_OP, OP_GE }, { "<=", TOK_OP, OP_LE }, { ">", TOK_OP, OP_GT }, { "<", TOK_OP, OP_LT },
    { "&&", TOK_AND }, { "||", TOK_OR }, { "!", TOK_NOT }, { "&", TOK_BITAND }, { "~", TOK_OP, OP_MATCHES },
    { "..", TOK_DOTDOT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (strncmp (p->src + p->pos, ops[i].text, strlen (ops[i].text)) == 0)
      {
        tok->kind = ops[i].kind;
        tok->op = ops[i].op;
        tok->deprecated = ops[i].deprecated;
        p->pos += strlen (ops[i].text);
        return TRUE;
      }
  return FALSE;
}

static gboolean
lex_slice (Parser *p, Token *tok)
{
  const char *close = strchr (p->src + p->pos, ']');

  if (close == NULL)
    {
      p->problem = problem_new (p->pos, 1, "The slice is not closed (missing ]).");
      return FALSE;
    }
  tok->kind = TOK_SLICE;
  tok->text = g_strndup (p->src + p->pos + 1, close - (p->src + p->pos + 1));
  p->pos = close - p->src + 1;
  return TRUE;
}

/* A word "3..7" inside a set is three tokens. */
static void
push_word (Parser *p, Token *tok)
{
  char *dots = strstr (tok->text, "..");

  if (dots != NULL && dots != tok->text && dots[2] != '\0')
    {
      Token low = *tok, mid = { TOK_DOTDOT }, high = *tok;
      guint low_len = dots - tok->text;

      low.text = g_strndup (tok->text, low_len);
      low.length = low_len;
      mid.start = tok->start + low_len;
      mid.length = 2;
      high.text = g_strdup (dots + 2);
      high.start = tok->start + low_len + 2;
      high.length = tok->length - low_len - 2;
      g_free (tok->text);
      g_array_append_val (p->tokens, low);
      g_array_append_val (p->tokens, mid);
      g_array_append_val (p->tokens, high);
      return;
    }
  classify_word (tok);
  g_array_append_val (p->tokens, *tok);
}

/* Outside quotes a filter is printable ASCII, as in Wireshark. */
static void
report_unprintable (Parser *p)
{
  const char *at = p->src + p->pos;
  guchar byte = (guchar) *at;
  gunichar c;

  if (byte < 0x80)
    {
      p->problem = problem_new (p->pos, 1, "The control character 0x%02x may only appear inside double quotes "
                                "(write it as \\x%02x).", byte, byte);
      return;
    }
  c = g_utf8_get_char_validated (at, -1);
  if (c == (gunichar) -1 || c == (gunichar) -2)
    p->problem = problem_new (p->pos, 1, "Byte 0x%02x is not valid UTF-8; "
                              "non-ASCII text may only appear inside double quotes.", byte);
  else
    p->problem = problem_new (p->pos, g_utf8_skip[byte], "\"%.*s\" (U+%04X): "
                              "non-ASCII characters may only appear inside double quotes.",
                              (int) g_utf8_skip[byte], at, c);
}

static gboolean
lex (Parser *p)
{
  const char *s = p->src;

  for (;;)
    {
      Token tok = { 0 };
      char c;

      while (g_ascii_isspace (s[p->pos]))
        p->pos++;
      tok.start = p->pos;
      c = s[p->pos];
      if (c == '\0')
        {
          tok.kind = TOK_END;
          g_array_append_val (p->tokens, tok);
          return TRUE;
        }
      if ((guchar) c >= 0x80 || g_ascii_iscntrl (c))
        {
          report_unprintable (p);
          return FALSE;
        }
      if (c == '(' || c == ')' || c == '{' || c == '}' || c == ',')
        {
          tok.kind = c == '(' ? TOK_LPAREN : c == ')' ? TOK_RPAREN : c == '{' ? TOK_LBRACE
                     : c == '}' ? TOK_RBRACE : TOK_COMMA;
          p->pos++;
        }
      else if (c == '[')
        {
          if (!lex_slice (p, &tok))
            return FALSE;
        }
      else if (c == '"' || (c == 'r' && s[p->pos + 1] == '"'))
        {
          if (c == 'r')
            p->pos++;
          if (!lex_string (p, &tok, c == 'r'))
            return FALSE;
        }
      else if (c == '\'')
        {
          if (!lex_char (p, &tok))
            return FALSE;
        }
      else if (c == '.' && s[p->pos + 1] == '.')
        {
          tok.kind = TOK_DOTDOT;
          p->pos += 2;
        }
      else if (is_word_char (c) && !(c == '.' && s[p->pos + 1] == '.'))
        {
          guint start = p->pos;

          while (is_word_char (s[p->pos]))
            p->pos++;
          tok.kind = TOK_WORD;
          tok.text = g_strndup (s + start, p->pos - start);
          tok.length = p->pos - tok.start;
          push_word (p, &tok);
          continue;
        }
      else if (!lex_operator (p, &tok))
        {
          p->problem = problem_new (p->pos, 1, "\"%c\" was unexpected in this context.", c);
          return FALSE;
        }
      tok.length = p->pos - tok.start;
      g_array_append_val (p->tokens, tok);
    }
}

/* ---- parser ------------------------------------------------------------------- */

static Token *
peek (Parser *p)
{
  return &g_array_index (p->tokens, Token, p->next);
}

static Token *
advance (Parser *p)
{
  Token *tok = peek (p);

  if (tok->kind != TOK_END)
    p->next++;
  return tok;
}

static void
unexpected (Parser *p, Token *tok)
{
  if (p->problem != NULL)
    return;
  if (tok->kind == TOK_END)
    p->problem = problem_new (tok->start, 1, "Unexpected end of filter expression.");
  else
    p->problem = problem_new (tok->start, tok->length, "\"%.*s\" was unexpected in this context.",
                              (int) tok->length, p->src + tok->start);
}

static void
warn (Parser *p, guint start, guint length, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static void
warn (Parser *p, guint start, guint length, const char *fmt, ...)
{
  IotFilterProblem *problem = g_new0 (IotFilterProblem, 1);
  va_list ap;

  va_start (ap, fmt);
  problem->message = message_vprintf (fmt, ap);
  va_end (ap);
  problem->start = start;
  problem->length = MAX (length, 1);
  g_ptr_array_add (p->filter->warnings, problem);
}

static Expr *
expr_new (Parser *p, ExprKind kind, const Token *tok)
{
  Expr *e = g_new0 (Expr, 1);

  e->kind = kind;
  e->start = tok->start;
  e->length = tok->length;
  e->values = g_array_new (FALSE, FALSE, sizeof (FValue));
  e->bytes = g_byte_array_new ();
  g_ptr_array_add (p->filter->exprs, e);
  return e;
}

static Test *
test_new (Parser *p, TestKind kind)
{
  Test *t = g_new0 (Test, 1);

  t->kind = kind;
  g_ptr_array_add (p->filter->tests, t);
  return t;
}

/* Enters one more level of nesting at @tok; FALSE (and a problem) past
 * MAX_NESTING. */
static gboolean
nest (Parser *p, const Token *tok)
{
  if (p->depth < MAX_NESTING)
    {
      p->depth++;
      return TRUE;
    }
  if (p->problem == NULL)
    p->problem = problem_new (tok->start, tok->length,
                              "The filter nests parentheses, function calls or slices more than %d levels deep.",
                              MAX_NESTING);
  return FALSE;
}

static void
unnest (Parser *p)
{
  p->depth--;
}

typedef enum {
  NUMBER_OK,
  NUMBER_INVALID,
  NUMBER_OVERFLOW,   /* a number, but more than 64 bits */
} NumberParse;

/* "[-+]digits", decimal, 0x hex, 0b binary or 0 octal: its sign and
 * magnitude.  The sign is Wireshark's unary minus: the magnitude is the
 * value checked against a field. */
static NumberParse
parse_number (const char *text, gboolean *negative, guint64 *magnitude)
{
  char *end = NULL;
  const char *digits;
  int base = 10;

  *negative = text[0] == '-';
  digits = *negative || text[0] == '+' ? text + 1 : text;
  if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
    base = 16, digits += 2;
  else if (digits[0] == '0' && (digits[1] == 'b' || digits[1] == 'B'))
    base = 2, digits += 2;
  else if (digits[0] == '0' && digits[1] != '\0')
    base = 8, digits += 1;
  if (!g_ascii_isxdigit (digits[0]))
    return NUMBER_INVALID;
  errno = 0;
  *magnitude = g_ascii_strtoull (digits, &end, base);
  if (end == digits || *end != '\0')
    return NUMBER_INVALID;
  return errno == ERANGE ? NUMBER_OVERFLOW : errno == 0 ? NUMBER_OK : NUMBER_INVALID;
}

static gboolean
parse_int64 (const char *text, gint64 *out)
{
  gboolean negative;
  guint64 magnitude;

  if (parse_number (text, &negative, &magnitude) != NUMBER_OK)
    return FALSE;
  if (negative)
    {
      if (magnitude > (guint64) G_MAXINT64 + 1)
        return FALSE;
      *out = (gint64) (0 - magnitude);
    }
  else
    *out = (gint64) magnitude;
  return TRUE;
}

static gboolean
parse_slice_ranges (Parser *p, const Token *tok, Expr *slice)
{
  GArray *ranges;
  const char *inside = tok->text;   /* at tok->start + 1 in the filter */

  if (inside[strspn (inside, " \t")] == '\0')
    {
      p->problem = problem_new (tok->start, tok->length, "The slice \"[%s]\" selects nothing: give an offset or a range.",
                                inside);
      return FALSE;
    }
  ranges = g_array_new (FALSE, FALSE, sizeof (SliceRange));
  for (const char *from = inside; from != NULL; )
    {
      const char *comma = strchr (from, ',');
      guint lead = strspn (from, " \t");
      guint span = comma != NULL ? (guint) (comma - from) : strlen (from);
      g_autofree char *part = NULL;
      guint part_start;
      SliceRange r = { 0, 1, FALSE };
      char *sep;
      gint64 a = 0, b = 0;

      part = g_strstrip (g_strndup (from, span));
      part_start = tok->start + 1 + (guint) (from - inside) + MIN (lead, span);
      from = comma != NULL ? comma + 1 : NULL;
      if (part[0] == '\0')
        goto bad;

      if ((sep = strchr (part, ':')) != NULL)
        {
          *sep = '\0';
          if (part[0] != '\0' && !parse_int64 (part, &a))
            goto bad;
          r.start = a;
          if (sep[1] == '\0')
            r.to_end = TRUE;
          else if (!parse_int64 (sep + 1, &b) || b < 0)
            goto bad;
          else if (b == 0)
            {
              *sep = ':';
              g_array_free (ranges, TRUE);
              p->problem = problem_new (part_start, strlen (part),
                                        "The range %s selects nothing: its length must be at least 1.", part);
              return FALSE;
            }
          r.length = b;
        }
      else if ((sep = strchr (part + 1, '-')) != NULL)
        {
          *sep = '\0';
          if (!parse_int64 (part, &a) || !parse_int64 (sep + 1, &b) || b < a)
            goto bad;
          r.start = a;
          r.length = b - a + 1;
        }
      else
        {
          if (!parse_int64 (part, &a))
            goto bad;
          r.start = a;
        }
      g_array_append_val (ranges, r);
    }
  slice->n_ranges = ranges->len;
  slice->ranges = (SliceRange *) g_array_free (ranges, FALSE);
  return TRUE;
bad:
  g_array_free (ranges, TRUE);
  p->problem = problem_new (tok->start, tok->length, "\"[%s]\" is not a valid slice.", tok->text);
  return FALSE;
}

static const struct {
  const char *name;
  FuncKind    kind;
} functions[] = {
  { "len", FUNC_LEN }, { "count", FUNC_COUNT }, { "lower", FUNC_LOWER },
  { "upper", FUNC_UPPER }, { "string", FUNC_STRING },
};

static Expr *parse_value (Parser *p);

static Expr *
parse_function (Parser *p, Token *name, FuncKind kind)
{
  Expr *e = expr_new (p, EXPR_FUNC, name);
  Token *close;

  e->func = kind;
  if (!nest (p, name))
    return NULL;
  advance (p);   /* ( */
  e->arg = parse_value (p);
  unnest (p);
  if (e->arg == NULL)
    return NULL;
  close = advance (p);
  if (close->kind != TOK_RPAREN)
    {
      unexpected (p, close);
      return NULL;
    }
  e->length = close->start + close->length - e->start;
  return e;
}

/* A field, literal or function call, with optional slices. */
static Expr *
parse_value (Parser *p)
{
  Token *tok = advance (p);
  Expr *e = NULL;

  switch (tok->kind)
    {
    case TOK_WORD:
      if (peek (p)->kind == TOK_LPAREN)
        {
          for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
            if (strcmp (tok->text, functions[i].name) == 0)
              {
                e = parse_function (p, tok, functions[i].kind);
                break;
              }
          if (e == NULL && p->problem == NULL)
            p->problem = problem_new (tok->start, tok->length, "The function \"%s\" does not exist.", tok->text);
          if (e == NULL)
            return NULL;
        }
      else
        {
          const IotField *field = iot_registry_field (tok->text);

          e = expr_new (p, field ? EXPR_FIELD : EXPR_LITERAL, tok);
          e->field = field;
          e->lit_kind = LIT_UNPARSED;
          e->text = g_strdup (tok->text);
        }
      break;
    case TOK_STRING:
    case TOK_CHAR:
      e = expr_new (p, EXPR_LITERAL, tok);
      e->lit_kind = tok->kind == TOK_STRING ? LIT_STRING : LIT_CHAR;
      e->text = g_memdup2 (tok->text, tok->text_len + 1);
      e->value.len = tok->text_len;
      break;
    default:
      unexpected (p, tok);
      return NULL;
    }
  /* Each slice wraps what it slices: a nesting level for the passes that
   * follow. */
  for (guint slices = 0; peek (p)->kind == TOK_SLICE; slices++)
    {
      Token *slice_tok = advance (p);
      Expr *slice;

      if (p->depth + slices >= MAX_NESTING)
        {
          p->problem = problem_new (slice_tok->start, slice_tok->length,
                                    "The filter nests parentheses, function calls or slices more than %d levels deep.",
                                    MAX_NESTING);
          return NULL;
        }
      slice = expr_new (p, EXPR_SLICE, slice_tok);

      slice->start = e->start;
      slice->length = slice_tok->start + slice_tok->length - e->start;
      slice->arg = e;
      if (!parse_slice_ranges (p, slice_tok, slice))
        return NULL;
      e = slice;
    }
  return e;
}

/* value [ & value ] */
static Expr *
parse_operand (Parser *p)
{
  Expr *e = parse_value (p);

  if (e != NULL && peek (p)->kind == TOK_BITAND)
    {
      Token *op = advance (p);
      Expr *mask = parse_value (p);
      Expr *and;

      if (mask == NULL)
        return NULL;
      and = expr_new (p, EXPR_BITAND, op);
      and->start = e->start;
      and->length = mask->start + mask->length - e->start;
      and->arg = e;
      and->arg2 = mask;
      if (op->kind == TOK_BITAND && p->src[op->start] != '&')
        warn (p, op->start, op->length, "\"%.*s\" is deprecated, use \"&\".", (int) op->length, p->src + op->start);
      return and;
    }
  return e;
}

static gboolean
parse_set (Parser *p, Test *t)
{
  Token *open = advance (p);

  if (open->kind != TOK_LBRACE)
    {
      unexpected (p, open);
      return FALSE;
    }
  t->set_exprs = g_ptr_array_new ();
  for (;;)
    {
      Expr *low = parse_value (p), *high = NULL;

      if (low == NULL)
        return FALSE;
      if (peek (p)->kind == TOK_DOTDOT)
        {
          advance (p);
          high = parse_value (p);
          if (high == NULL)
            return FALSE;
        }
      g_ptr_array_add (t->set_exprs, low);
      g_ptr_array_add (t->set_exprs, high);
      if (peek (p)->kind == TOK_COMMA)
        {
          advance (p);
          continue;
        }
      if (peek (p)->kind == TOK_RBRACE)
        {
          advance (p);
          return TRUE;
        }
      unexpected (p, peek (p));
      return FALSE;
    }
}

static Test *parse_or (Parser *p);

static Test *
parse_relation (Parser *p)
{
  Token *tok = peek (p);
  Expr *lhs;
  Test *t;

  if (tok->kind == TOK_LPAREN)
    {
      Token *close;

      if (!nest (p, tok))
        return NULL;
      advance (p);
      t = parse_or (p);
      unnest (p);
      if (t == NULL)
        return NULL;
      close = advance (p);
      if (close->kind != TOK_RPAREN)
        {
          unexpected (p, close);
          return NULL;
        }
      return t;
    }
  lhs = parse_operand (p);
  if (lhs == NULL)
    return NULL;
  tok = peek (p);
  if (tok->kind == TOK_OP)
    {
      advance (p);
      if (tok->deprecated)
        warn (p, tok->start, tok->length, "\"%.*s\" is deprecated; use \"%s\".", (int) tok->length,
              p->src + tok->start, tok->op == OP_ANY_NE ? "!==" : "==");
      t = test_new (p, TEST_CMP);
      t->op = tok->op;
      t->lhs = lhs;
      t->rhs = parse_operand (p);
      return t->rhs ? t : NULL;
    }
  if (tok->kind == TOK_IN)
    {
      advance (p);
      t = test_new (p, TEST_IN);
      t->lhs = lhs;
      return parse_set (p, t) ? t : NULL;
    }
  t = test_new (p, lhs->kind == EXPR_BITAND ? TEST_TRUTH : TEST_EXISTS);
  t->lhs = lhs;
  return t;
}

/* "not not … x": read in a loop; an even number of "not" is no "not". */
static Test *
parse_not (Parser *p)
{
  gboolean negated = FALSE;
  Test *inner, *t;

  while (peek (p)->kind == TOK_NOT)
    {
      advance (p);
      negated = !negated;
    }
  inner = parse_relation (p);
  if (inner == NULL || !negated)
    return inner;
  t = test_new (p, TEST_NOT);
  t->a = inner;
  return t;
}

typedef Test *(*ParseFunc) (Parser *p);

/* operand { separator operand }: one node holding every operand, so a long
 * chain costs no depth. */
static Test *
parse_chain (Parser *p, TokKind separator, TestKind kind, ParseFunc parse_operand_test)
{
  Test *first = parse_operand_test (p), *t;

  if (first == NULL || peek (p)->kind != separator)
    return first;
  t = test_new (p, kind);
  t->operands = g_ptr_array_new ();
  g_ptr_array_add (t->operands, first);
  while (peek (p)->kind == separator)
    {
      Test *next;

      advance (p);
      next = parse_operand_test (p);
      if (next == NULL)
        return NULL;
      g_ptr_array_add (t->operands, next);
    }
  return t;
}

static Test *
parse_and (Parser *p)
{
  return parse_chain (p, TOK_AND, TEST_AND, parse_not);
}

static Test *
parse_or (Parser *p)
{
  return parse_chain (p, TOK_OR, TEST_OR, parse_and);
}

/* ---- semantic check: types and literals ---------------------------------------- */

static const char *
class_name (ValueClass cls)
{
  switch (cls)
    {
    case CLASS_UINT: return "an unsigned integer";
    case CLASS_INT: return "a signed integer";
    case CLASS_DOUBLE: return "a floating-point number";
    case CLASS_BYTES: return "a byte sequence";
    case CLASS_STRING: return "a character string";
    case CLASS_IPV4: return "an IPv4 address";
    case CLASS_IPV6: return "an IPv6 address";
    case CLASS_ABSTIME: return "a date and time";
    case CLASS_RELTIME: return "a time in seconds";
    default: return "a label without a value";
    }
}

static void
set_literal_bytes (Expr *e, const guint8 *data, gsize len)
{
  g_clear_pointer (&e->storage, g_bytes_unref);
  e->storage = g_bytes_new (data, len);
  e->value.cls = CLASS_BYTES;
  e->value.v.p = g_bytes_get_data (e->storage, NULL);
  e->value.len = len;
}

/* "001b.4411.3ab7": groups of four hex digits separated by dots. */
static gboolean
parse_dotted_quads (const char *text, GByteArray *out)
{
  g_auto (GStrv) groups = g_strsplit (text, ".", -1);

  if (g_strv_length (groups) < 2)
    return FALSE;
  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (strlen (groups[i]) != 4)
        return FALSE;
      for (guint k = 0; k < 4; k += 2)
        {
          guint8 byte;

          if (!g_ascii_isxdigit (groups[i][k]) || !g_ascii_isxdigit (groups[i][k + 1]))
            return FALSE;
          byte = (guint8) (g_ascii_xdigit_value (groups[i][k]) * 16 + g_ascii_xdigit_value (groups[i][k + 1]));
          g_byte_array_append (out, &byte, 1);
        }
    }
  return TRUE;
}

/* "00:1b:44", "00-1b-44", "001b.4411.3ab7", "7b" … */
static gboolean
parse_byte_string (const char *text, GByteArray *out)
{
  if (parse_dotted_quads (text, out))
    return TRUE;
  g_byte_array_set_size (out, 0);
  const char *s = text;
  char sep = 0;

  if (*s == '\0')
    return FALSE;
  while (*s)
    {
      if (!g_ascii_isxdigit (s[0]))
        return FALSE;
      if (g_ascii_isxdigit (s[1]))
        {
          guint8 byte = (guint8) (g_ascii_xdigit_value (s[0]) * 16 + g_ascii_xdigit_value (s[1]));

          g_byte_array_append (out, &byte, 1);
          s += 2;
        }
      else
        {
          guint8 byte = (guint8) g_ascii_xdigit_value (s[0]);

          /* A single digit is one byte only when separators are used. */
          if (sep == 0 && s[1] == '\0' && s != text)
            return FALSE;
          g_byte_array_append (out, &byte, 1);
          s += 1;
        }
      if (*s == '\0')
        break;
      if (*s == ':' || *s == '-' || *s == '.')
        {
          if (sep != 0 && *s != sep)
            return FALSE;
          sep = *s++;
          if (*s == '\0')
            return FALSE;
        }
      else if (sep != 0)
        return FALSE;
    }
  return TRUE;
}

/* "10.0.0.1", "10.0.0.0/8", "fe80::/10" for literal @e. */
static gboolean
parse_ip_literal (Parser *p, Expr *e, int family)
{
  FValue *out = &e->value;
  g_autofree char *addr = g_strdup (e->text);
  char *slash = strchr (addr, '/');
  guint max = family == AF_INET ? 32 : 128;
  gint64 prefix = max;

  if (slash != NULL)
    {
      *slash = '\0';
      if (!parse_int64 (slash + 1, &prefix) || prefix < 0)
        return FALSE;
      if (prefix > max)
        {
          p->problem = problem_new (e->start, e->length, "The prefix length %s is larger than %u, the bits of an %s address.",
                                    slash + 1, max, family == AF_INET ? "IPv4" : "IPv6");
          return FALSE;
        }
    }
  memset (out, 0, sizeof *out);
  if (inet_pton (family, addr, out->v.ip) != 1)
    return FALSE;
  out->cls = family == AF_INET ? CLASS_IPV4 : CLASS_IPV6;
  out->prefix = (guint8) prefix;
  return TRUE;
}

static gboolean
parse_seconds (const char *text, gint64 *ns)
{
  char *end = NULL;
  double seconds = g_ascii_strtod (text, &end);

  if (end == text || *end != '\0' || !(seconds > -9.2e9 && seconds < 9.2e9))
    return FALSE;
  *ns = (gint64) (seconds * 1e9 + (seconds < 0 ? -0.5 : 0.5));
  return TRUE;
}

/* "2026-11-26 10:00:00[.frac][ UTC|Z]" or "Nov 26, 2026 10:00:00[.frac][ UTC]";
 * local time unless marked UTC. */
static gboolean
parse_abs_time (const char *text, gint64 *ns)
{
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  struct tm tm = { 0 };
  char month[4] = "", frac[16] = "", zone[8] = "";
  int year, mon = 0, day, hour = 0, min = 0, sec = 0, n = 0;
  gint64 nanos = 0, t;
  gboolean utc;

  if (sscanf (text, "%d-%d-%d%n", &year, &mon, &day, &n) == 3)
    {
      const char *rest = text + n;

      if (*rest == ' ' || *rest == 'T')
        {
          int m = 0;

          if (sscanf (rest + 1, "%d:%d:%d%n", &hour, &min, &sec, &m) < 2)
            return FALSE;
          rest += 1 + m;
          if (m == 0)
            rest = strchr (rest, '\0');
        }
      if (*rest == '.')
        sscanf (rest + 1, "%15[0-9]%7s", frac, zone);
      else
        sscanf (rest, " %7s", zone);
    }
  else if (sscanf (text, "%3s %d, %d %d:%d:%d%n", month, &day, &year, &hour, &min, &sec, &n) == 6)
    {
      const char *rest = text + n;

      for (mon = 0; mon < 12 && g_ascii_strcasecmp (month, months[mon]) != 0; mon++)
        ;
      if (mon == 12)
        return FALSE;
      mon += 1;
      if (*rest == '.')
        sscanf (rest + 1, "%15[0-9] %7s", frac, zone);
      else
        sscanf (rest, " %7s", zone);
    }
  else
    return FALSE;
  utc = g_ascii_strcasecmp (zone, "UTC") == 0 || strcmp (zone, "Z") == 0;
  if (zone[0] != '\0' && !utc)
    return FALSE;
  for (guint i = 0; i < 9; i++)
    nanos = nanos * 10 + (i < strlen (frac) ? frac[i] - '0' : 0);
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  t = utc ? (gint64) timegm (&tm) : (gint64) mktime (&tm);
  /* Nanoseconds since 1970 reach from 1677 to 2262. */
  if (t < G_MININT64 / 1000000000 + 1 || t > G_MAXINT64 / 1000000000 - 1)
    return FALSE;
  *ns = t * G_GINT64_CONSTANT (1000000000) + nanos;
  return TRUE;
}

/* The largest value a field of @field's type (or, without a field, of
 * class @cls) holds. */
static guint64
integer_max (ValueClass cls, const IotField *field)
{
  switch (field != NULL ? field->type : IOT_FT_NONE)
    {
    case IOT_FT_UINT8: return G_MAXUINT8;
    case IOT_FT_UINT16: return G_MAXUINT16;
    case IOT_FT_UINT24: return 0xffffff;
    case IOT_FT_UINT32: case IOT_FT_FRAMENUM: return G_MAXUINT32;
    case IOT_FT_INT8: return G_MAXINT8;
    case IOT_FT_INT16: return G_MAXINT16;
    case IOT_FT_INT32: return G_MAXINT32;
    case IOT_FT_INT64: return G_MAXINT64;
    default: return cls == CLASS_INT ? G_MAXINT64 : G_MAXUINT64;
    }
}

/* A value name ("IPv4" for eth.type) or a boolean's name. */
static gboolean
lookup_value_name (const char *text, const IotField *field, guint64 *out)
{
  if (field == NULL)
    return FALSE;
  if (field->type == IOT_FT_BOOLEAN)
    {
      if (strcmp (text, "True") == 0 || strcmp (text, "TRUE") == 0)
        return *out = 1, TRUE;
      if (strcmp (text, "False") == 0 || strcmp (text, "FALSE") == 0)
        return *out = 0, TRUE;
    }
  for (const IotValueName *vals = field->vals; vals != NULL && vals->name != NULL; vals++)
    if (g_ascii_strcasecmp (vals->name, text) == 0)
      return *out = vals->value, TRUE;
  return FALSE;
}

/* Numbers are range-checked against the field's type, never wrapped: the
 * sign is an operator, so "-5" checks 5 (and, like Wireshark, rejects the
 * most negative value of a signed type).  A @mask keeps the two's
 * complement of a negative number. */
static gboolean
convert_integer_literal (Parser *p, Expr *e, ValueClass cls, const IotField *field, gboolean mask)
{
  gboolean negative = FALSE;
  guint64 magnitude, max = integer_max (cls, field);
  guint sign = e->lit_kind == LIT_UNPARSED && (e->text[0] == '-' || e->text[0] == '+');
  const char *what = field != NULL ? field->abbrev : class_name (cls);

  if (e->lit_kind == LIT_CHAR)
    magnitude = (guchar) e->text[0];
  else
    switch (parse_number (e->text, &negative, &magnitude))
      {
      case NUMBER_OVERFLOW:
        p->problem = problem_new (e->start + sign, e->length - sign,
                                  "\"%s\" causes an integer overflow: it does not fit in 64 bits.", e->text + sign);
        return FALSE;
      case NUMBER_INVALID:
        if (!lookup_value_name (e->text, field, &magnitude))
          return FALSE;
        break;
      case NUMBER_OK:
        break;
      }
  if (magnitude > max)
    {
      p->problem = problem_new (e->start + sign, e->length - sign, "\"%.*s\" is too big for %s: the maximum is %"
                                G_GUINT64_FORMAT ".", (int) (e->length - sign), p->src + e->start + sign, what, max);
      return FALSE;
    }
  if (negative && field != NULL && field->type == IOT_FT_BOOLEAN)
    {
      p->problem = problem_new (e->start, 1, "%s is a boolean: it has no negative values.", what);
      return FALSE;
    }
  e->value.cls = cls;
  if (cls == CLASS_INT)
    e->value.v.i = negative ? -(gint64) magnitude : (gint64) magnitude;
  else if (negative && mask)
    e->value.v.u = 0 - magnitude;
  else if (negative)
    e->no_value = magnitude != 0;
  else
    e->value.v.u = magnitude;
  if (field != NULL && field->type == IOT_FT_BOOLEAN)
    e->value.v.u = e->value.v.u != 0;
  return TRUE;
}

static gboolean
convert_double_literal (Parser *p, Expr *e)
{
  guint sign = e->text[0] == '-' || e->text[0] == '+';
  char *end = NULL;
  double d;

  if (e->lit_kind != LIT_UNPARSED)
    return FALSE;
  errno = 0;
  d = g_ascii_strtod (e->text, &end);
  if (end == e->text || *end != '\0' || isnan (d))
    return FALSE;
  if (errno == ERANGE)
    {
      p->problem = problem_new (e->start + sign, e->length - sign, "\"%s\" causes floating-point %s.",
                                e->text + sign, fabs (d) > 1 ? "overflow" : "underflow");
      return FALSE;
    }
  e->value.cls = CLASS_DOUBLE;
  e->value.v.d = d;
  return TRUE;
}

/* Gives literal @e the class @cls, interpreting its text for @field (and
 * as the mask of "&" if @mask). */
static gboolean
convert_literal_full (Parser *p, Expr *e, ValueClass cls, const IotField *field, gboolean mask)
{
  const char *what = field ? field->abbrev : class_name (cls);
  gboolean ok = FALSE;

  e->cls = cls;
  switch (cls)
    {
    case CLASS_UINT:
    case CLASS_INT:
      ok = e->lit_kind != LIT_STRING && convert_integer_literal (p, e, cls, field, mask);
      break;
    case CLASS_DOUBLE:
      ok = convert_double_literal (p, e);
      break;
    case CLASS_STRING:
      if (e->lit_kind == LIT_CHAR)
        ok = FALSE;
      else
        {
          set_literal_bytes (e, (const guint8 *) e->text, e->lit_kind == LIT_STRING ? e->value.len : strlen (e->text));
          e->value.cls = CLASS_STRING;
          ok = TRUE;
        }
      break;
    case CLASS_BYTES:
      {
        g_autoptr (GByteArray) bytes = g_byte_array_new ();

        if (e->lit_kind == LIT_STRING)
          {
            /* A quoted string against bytes: either a byte string or its text. */
            if (!parse_byte_string (e->text, bytes))
              {
                g_byte_array_set_size (bytes, 0);
                g_byte_array_append (bytes, (const guint8 *) e->text, e->value.len);
              }
            ok = TRUE;
          }
        else if (e->lit_kind == LIT_CHAR)
          {
            g_byte_array_append (bytes, (const guint8 *) e->text, 1);
            ok = TRUE;
          }
        else
          {
            gint64 number;

            ok = parse_byte_string (e->text, bytes);
            /* "eth.dst[0] == 0xff": a number stands for one byte. */
            if (!ok && parse_int64 (e->text, &number) && number >= 0 && number <= 0xff)
              {
                guint8 byte = (guint8) number;

                g_byte_array_set_size (bytes, 0);
                g_byte_array_append (bytes, &byte, 1);
                ok = TRUE;
              }
          }
        if (ok && field && field->type == IOT_FT_ETHER && bytes->len != 6)
          {
            p->problem = problem_new (e->start, e->length, "\"%s\" has too %s bytes (%u) for an Ethernet address (6).",
                                      e->text, bytes->len < 6 ? "few" : "many", bytes->len);
            ok = FALSE;
          }
        if (ok && field && field->type == IOT_FT_EUI64 && bytes->len != 8)
          {
            p->problem = problem_new (e->start, e->length, "\"%s\" has too %s bytes (%u) for an EUI-64 address (8).",
                                      e->text, bytes->len < 8 ? "few" : "many", bytes->len);
            ok = FALSE;
          }
        if (ok)
          set_literal_bytes (e, bytes->data, bytes->len);
      }
      break;
    case CLASS_IPV4:
      ok = parse_ip_literal (p, e, AF_INET);
      break;
    case CLASS_IPV6:
      ok = parse_ip_literal (p, e, AF_INET6);
      break;
    case CLASS_ABSTIME:
      e->value.cls = CLASS_ABSTIME;
      ok = parse_abs_time (e->text, &e->value.v.i);
      break;
    case CLASS_RELTIME:
      e->value.cls = CLASS_RELTIME;
      ok = e->lit_kind == LIT_UNPARSED && parse_seconds (e->text, &e->value.v.i);
      break;
    default:
      p->problem = problem_new (e->start, e->length, "%s has no value to compare with; test it on its own.",
                                field ? field->abbrev : "This field");
      return FALSE;
    }
  if (!ok && p->problem == NULL)
    {
      if (e->lit_kind == LIT_UNPARSED && iot_registry_field (e->text) == NULL && strchr (e->text, '.')
          && cls != CLASS_IPV4 && cls != CLASS_DOUBLE && cls != CLASS_RELTIME && cls != CLASS_BYTES)
        p->problem = problem_new (e->start, e->length, "\"%s\" is neither a field nor a valid value for %s.",
                                  e->text, what);
      else if (field && field->type == IOT_FT_BOOLEAN)
        p->problem = problem_new (e->start, e->length, "\"%s\" is not a boolean value for %s (use True, False, 1 or 0).",
                                  e->text, what);
      else
        p->problem = problem_new (e->start, e->length, "\"%s\" is not a valid value for %s (%s).",
                                  e->text, what, class_name (cls));
    }
  return ok;
}

static gboolean
convert_literal (Parser *p, Expr *e, ValueClass cls, const IotField *field)
{
  return convert_literal_full (p, e, cls, field, FALSE);
}

static gboolean check_expr (Parser *p, Expr *e, gboolean needs_value);
static const IotField *type_context (Expr *e);

static void
want_field (Parser *p, const IotField *field)
{
  iot_field_set_add (p->filter->fields, field);
}

static gboolean
check_function (Parser *p, Expr *e)
{
  if (e->arg->kind == EXPR_LITERAL)
    {
      p->problem = problem_new (e->arg->start, e->arg->length,
                                "\"%s\" is neither a field nor a protocol name.", e->arg->text);
      return FALSE;
    }
  if (!check_expr (p, e->arg, e->func != FUNC_COUNT))
    return FALSE;
  if (e->func == FUNC_COUNT && e->arg->kind != EXPR_FIELD)
    {
      p->problem = problem_new (e->arg->start, e->arg->length, "count() takes a field.");
      return FALSE;
    }
  switch (e->func)
    {
    case FUNC_LEN:
      /* Byte strings: their length; other fields: the bytes they occupy. */
      e->cls = CLASS_UINT;
      break;
    case FUNC_COUNT:
      e->cls = CLASS_UINT;
      break;
    case FUNC_LOWER:
    case FUNC_UPPER:
      if (e->arg->cls != CLASS_STRING)
        {
          p->problem = problem_new (e->arg->start, e->arg->length,
                                    "%s() needs a string field.", e->func == FUNC_LOWER ? "lower" : "upper");
          return FALSE;
        }
      e->cls = CLASS_STRING;
      break;
    case FUNC_STRING:
      e->cls = CLASS_STRING;
      break;
    }
  return TRUE;
}

/* Types @e; literals are left for their comparison to type. */
static gboolean
check_expr (Parser *p, Expr *e, gboolean needs_value)
{
  switch (e->kind)
    {
    case EXPR_FIELD:
      want_field (p, e->field);
      e->cls = class_of_type (e->field->type);
      if (e->cls == CLASS_NONE && needs_value)
        e->cls = CLASS_BYTES;   /* a label's bytes, as Wireshark slices protocols */
      return TRUE;
    case EXPR_LITERAL:
      return TRUE;
    case EXPR_SLICE:
      if (e->arg->kind == EXPR_LITERAL)
        {
          p->problem = problem_new (e->arg->start, e->arg->length,
                                    "\"%s\" is neither a field nor a protocol name.", e->arg->text);
          return FALSE;
        }
      if (!check_expr (p, e->arg, TRUE))
        return FALSE;
      if (!class_is_bytes_like (e->arg->cls) && e->arg->cls != CLASS_IPV4 && e->arg->cls != CLASS_IPV6)
        {
          p->problem = problem_new (e->start, e->length, "%s cannot be sliced: it is %s.",
                                    e->arg->kind == EXPR_FIELD ? e->arg->field->abbrev : "This value",
                                    class_name (e->arg->cls));
          return FALSE;
        }
      e->cls = CLASS_BYTES;
      return TRUE;
    case EXPR_FUNC:
      return check_function (p, e);
    case EXPR_BITAND:
      if (!check_expr (p, e->arg, TRUE))
        return FALSE;
      if (e->arg->cls != CLASS_UINT && e->arg->cls != CLASS_INT && e->arg->cls != CLASS_BYTES)
        {
          p->problem = problem_new (e->arg->start, e->arg->length, "\"&\" needs an integer field or bytes.");
          return FALSE;
        }
      if (e->arg2->kind != EXPR_LITERAL)
        {
          p->problem = problem_new (e->arg2->start, e->arg2->length, "The mask of \"&\" must be a number.");
          return FALSE;
        }
      /* The field bounds an integer mask; a byte mask has any length. */
      if (!convert_literal_full (p, e->arg2, e->arg->cls, e->arg->cls == CLASS_BYTES ? NULL : type_context (e->arg),
                                 TRUE))
        return FALSE;
      e->cls = e->arg->cls;
      return TRUE;
    }
  return FALSE;
}

/* The field that gives a literal compared with @e its meaning (value names). */
static const IotField *
type_context (Expr *e)
{
  if (e->kind == EXPR_FIELD)
    return e->field;
  if (e->kind == EXPR_BITAND)
    return type_context (e->arg);
  return NULL;
}

static gboolean
classes_compatible (ValueClass a, ValueClass b)
{
  if (a == b)
    return TRUE;
  if ((a == CLASS_UINT || a == CLASS_INT) && (b == CLASS_UINT || b == CLASS_INT))
    return TRUE;
  return class_is_bytes_like (a) && class_is_bytes_like (b);
}

static const char *
expr_text (Parser *p, Expr *e, char *buf, gsize size)
{
  g_snprintf (buf, size, "%.*s", (int) e->length, p->src + e->start);
  return buf;
}

static gboolean
check_comparison (Parser *p, Test *t)
{
  Expr *lhs = t->lhs, *rhs = t->rhs;
  char a[128], b[128];

  if (lhs->kind == EXPR_LITERAL)
    {
      if (lhs->lit_kind == LIT_UNPARSED && rhs->kind != EXPR_LITERAL)
        {
          /* "value == field": swap so the field leads. */
          Expr *tmp = lhs;
          static const CmpOp mirrored[] = {
            [OP_ANY_EQ] = OP_ANY_EQ, [OP_ALL_NE] = OP_ALL_NE, [OP_ALL_EQ] = OP_ALL_EQ,
            [OP_ANY_NE] = OP_ANY_NE, [OP_GT] = OP_LT, [OP_GE] = OP_LE, [OP_LT] = OP_GT,
            [OP_LE] = OP_GE,
          };

          if (t->op == OP_CONTAINS || t->op == OP_MATCHES)
            goto not_field;
          lhs = t->lhs = rhs;
          rhs = t->rhs = tmp;
          t->op = mirrored[t->op];
        }
      else
        goto not_field;
    }
  if (!check_expr (p, lhs, TRUE) || !check_expr (p, rhs, TRUE))
    return FALSE;

  if (t->op == OP_MATCHES)
    {
      g_autoptr (GError) error = NULL;

      if (!class_is_bytes_like (lhs->cls))
        {
          p->problem = problem_new (lhs->start, lhs->length, "%s is %s; \"matches\" needs a string or bytes.",
                                    expr_text (p, lhs, a, sizeof a), class_name (lhs->cls));
          return FALSE;
        }
      if (rhs->kind != EXPR_LITERAL || rhs->lit_kind != LIT_STRING)
        {
          p->problem = problem_new (rhs->start, rhs->length, "\"matches\" needs a quoted regular expression.");
          return FALSE;
        }
      t->regex = g_regex_new (rhs->text, G_REGEX_OPTIMIZE | (lhs->cls == CLASS_BYTES ? G_REGEX_RAW : 0),
                              0, &error);
      if (t->regex == NULL)
        {
          p->problem = problem_new (rhs->start, rhs->length, "Invalid regular expression: %s", error->message);
          return FALSE;
        }
      return TRUE;
    }
  if (t->op == OP_CONTAINS)
    {
      if (!class_is_bytes_like (lhs->cls))
        {
          p->problem = problem_new (lhs->start, lhs->length, "%s is %s; \"contains\" needs a string or bytes.",
                                    expr_text (p, lhs, a, sizeof a), class_name (lhs->cls));
          return FALSE;
        }
      if (rhs->kind == EXPR_LITERAL)
        return convert_literal (p, rhs, rhs->lit_kind == LIT_STRING ? CLASS_STRING : CLASS_BYTES, NULL);
      if (!class_is_bytes_like (rhs->cls))
        goto incompatible;
      return TRUE;
    }
  if (rhs->kind == EXPR_LITERAL)
    return convert_literal (p, rhs, lhs->cls, type_context (lhs));
  if (!classes_compatible (lhs->cls, rhs->cls))
    goto incompatible;
  return TRUE;

incompatible:
  p->problem = problem_new (lhs->start, rhs->start + rhs->length - lhs->start,
                            "%s and %s are not of compatible types.",
                            expr_text (p, lhs, a, sizeof a), expr_text (p, rhs, b, sizeof b));
  return FALSE;
not_field:
  p->problem = problem_new (lhs->start, lhs->length,
                            "\"%s\" is neither a field nor a protocol name.", expr_text (p, lhs, a, sizeof a));
  return FALSE;
}

static gboolean
check_set (Parser *p, Test *t)
{
  if (t->lhs->kind == EXPR_LITERAL)
    {
      p->problem = problem_new (t->lhs->start, t->lhs->length,
                                "\"%s\" is neither a field nor a protocol name.", t->lhs->text);
      return FALSE;
    }
  if (!check_expr (p, t->lhs, TRUE))
    return FALSE;
  t->set = g_array_new (FALSE, FALSE, sizeof (SetItem));
  for (guint i = 0; i < t->set_exprs->len; i += 2)
    {
      Expr *low = g_ptr_array_index (t->set_exprs, i), *high = g_ptr_array_index (t->set_exprs, i + 1);
      SetItem item = { 0 };

      if (low->kind != EXPR_LITERAL || (high && high->kind != EXPR_LITERAL))
        {
          Expr *bad = low->kind != EXPR_LITERAL ? low : high;

          p->problem = problem_new (bad->start, bad->length, "Set elements must be values, not fields.");
          return FALSE;
        }
      if (!convert_literal (p, low, t->lhs->cls, type_context (t->lhs)))
        return FALSE;
      item.low = item.high = low->value;
      item.empty = low->no_value;
      if (high != NULL)
        {
          if (!convert_literal (p, high, t->lhs->cls, type_context (t->lhs)))
            return FALSE;
          item.high = high->value;
          item.range = TRUE;
          item.empty |= high->no_value;
        }
      g_array_append_val (t->set, item);
    }
  return TRUE;
}

static gboolean
check_test (Parser *p, Test *t)
{
  switch (t->kind)
    {
    case TEST_AND:
    case TEST_OR:
      for (guint i = 0; i < t->operands->len; i++)
        if (!check_test (p, g_ptr_array_index (t->operands, i)))
          return FALSE;
      return TRUE;
    case TEST_NOT:
      return check_test (p, t->a);
    case TEST_EXISTS:
      if (t->lhs->kind == EXPR_LITERAL)
        {
          p->problem = problem_new (t->lhs->start, t->lhs->length,
                                    "\"%s\" is neither a field nor a protocol name.", t->lhs->text);
          return FALSE;
        }
      return check_expr (p, t->lhs, FALSE);
    case TEST_TRUTH:
      return check_expr (p, t->lhs, TRUE);
    case TEST_CMP:
      return check_comparison (p, t);
    case TEST_IN:
      return check_set (p, t);
    }
  return FALSE;
}

/* ---- compile / free ------------------------------------------------------------ */

static void
expr_free (Expr *e)
{
  g_free (e->text);
  g_free (e->ranges);
  g_clear_pointer (&e->storage, g_bytes_unref);
  g_array_unref (e->values);
  g_byte_array_unref (e->bytes);
  g_free (e);
}

static void
test_free (Test *t)
{
  if (t->set)
    g_array_unref (t->set);
  if (t->set_exprs)
    g_ptr_array_unref (t->set_exprs);
  if (t->operands)
    g_ptr_array_unref (t->operands);
  g_clear_pointer (&t->regex, g_regex_unref);
  g_free (t);
}

void
iot_filter_free (IotFilter *filter)
{
  if (filter == NULL)
    return;
  g_ptr_array_unref (filter->exprs);
  g_ptr_array_unref (filter->tests);
  g_ptr_array_unref (filter->warnings);
  iot_field_set_free (filter->fields);
  g_free (filter->text);
  g_free (filter);
}

IotFilter *
iot_filter_compile (const char *text, IotFilterProblem **problem)
{
  IotFilter *filter = g_new0 (IotFilter, 1);
  Parser p = { 0 };
  Token *end;

  iot_registry_init ();
  filter->text = g_strdup (text);
  filter->fields = iot_field_set_new ();
  filter->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_filter_problem_free);
  filter->exprs = g_ptr_array_new_with_free_func ((GDestroyNotify) expr_free);
  filter->tests = g_ptr_array_new_with_free_func ((GDestroyNotify) test_free);
  p.src = filter->text;
  p.filter = filter;
  p.tokens = g_array_new (FALSE, TRUE, sizeof (Token));

  if (lex (&p))
    {
      if (peek (&p)->kind == TOK_END)
        p.problem = problem_new (0, 1, "The filter is empty.");
      else
        {
          filter->root = parse_or (&p);
          end = peek (&p);
          if (filter->root != NULL && end->kind != TOK_END)
            unexpected (&p, end);
          else if (filter->root != NULL)
            check_test (&p, filter->root);
        }
    }
  for (guint i = 0; i < p.tokens->len; i++)
    g_free (g_array_index (p.tokens, Token, i).text);
  g_array_unref (p.tokens);
  if (p.problem != NULL)
    {
      if (problem)
        *problem = p.problem;
      else
        iot_filter_problem_free (p.problem);
      iot_filter_free (filter);
      return NULL;
    }
  return filter;
}

const char *
iot_filter_text (IotFilter *filter)
{
  return filter->text;
}

guint
iot_filter_n_warnings (IotFilter *filter)
{
  return filter->warnings->len;
}

const IotFilterProblem *
iot_filter_warning (IotFilter *filter, guint index)
{
  return g_ptr_array_index (filter->warnings, index);
}

const IotFieldSet *
iot_filter_fields (IotFilter *filter)
{
  return filter->fields;
}

void
iot_filter_add_fields (IotFilter *filter, IotFieldSet *set)
{
  for (guint i = 0; i < set->n_bits && i < filter->fields->n_bits; i++)
    if (filter->fields->bits[i / 8] & (1u << (i % 8)))
      set->bits[i / 8] |= 1u << (i % 8);
  /* The layers that may be left out follow the fields. */
  g_clear_pointer (&set->skip, g_free);
  set->skip_ready = FALSE;
}

/* ---- evaluation ------------------------------------------------------------------ */

static void
node_value (IotPacket *pkt, const IotNode *node, FValue *out)
{
  const IotField *field = node->field;

  memset (out, 0, sizeof *out);
  out->cls = class_of_type (field->type);
  /* What len() reports for values that are not byte strings. */
  out->len = node->length;
  switch (out->cls)
    {
    case CLASS_UINT:
      out->v.u = field->type == IOT_FT_BOOLEAN ? node->v.u != 0 : node->v.u;
      break;
    case CLASS_INT:
    case CLASS_ABSTIME:
    case CLASS_RELTIME:
      out->v.i = node->v.i;
      break;
    case CLASS_DOUBLE:
      out->v.d = node->v.d;
      break;
    case CLASS_IPV4:
      memcpy (out->v.ip, node->v.p, 4);
      out->prefix = 32;
      break;
    case CLASS_IPV6:
      memcpy (out->v.ip, node->v.p, 16);
      out->prefix = 128;
      break;
    case CLASS_STRING:
      out->v.p = node->v.p;
      out->len = node->vlen;
      break;
    case CLASS_BYTES:
    case CLASS_NONE:
      if (field->type == IOT_FT_BYTES || field->type == IOT_FT_ETHER || field->type == IOT_FT_EUI64)
        {
          out->v.p = node->v.p;
          out->len = node->vlen;
        }
      else
        {
          /* Protocols: their bytes to the end of their data; labels: the
           * bytes they cover. */
          const IotDataSource *source = iot_packet_source (pkt, node->source);
          guint32 start = MIN (node->offset, source->length);
          guint32 length = field->type == IOT_FT_PROTOCOL ? node->vlen : node->length;

          out->v.p = source->data + start;
          out->len = MIN (length, source->length - start);
        }
      out->cls = CLASS_BYTES;
      break;
    }
}

/* A pointer into an expression's scratch bytes (which may still be empty,
 * and then have no storage at all). */
static const guint8 *
scratch_at (Expr *e, guint offset)
{
  return e->bytes->data != NULL ? e->bytes->data + offset : (const guint8 *) "";
}

static void eval_expr (IotFilter *filter, Expr *e);

static void
eval_field (IotFilter *filter, Expr *e)
{
  IotPacket *pkt = filter->pkt;
  const IotNode *nodes = iot_packet_nodes (pkt);
  guint n = iot_packet_n_nodes (pkt);

  for (guint i = 0; i < n; i++)
    if (nodes[i].field == e->field)
      {
        FValue v;

        node_value (pkt, &nodes[i], &v);
        g_array_append_val (e->values, v);
      }
}

/* The bytes a value is made of, for slicing and string(). */
static void
value_bytes (const FValue *v, const guint8 **data, guint *len)
{
  if (v->cls == CLASS_IPV4 || v->cls == CLASS_IPV6)
    {
      *data = v->v.ip;
      *len = v->cls == CLASS_IPV4 ? 4 : 16;
    }
  else
    {
      *data = v->v.p;
      *len = v->len;
    }
}

static void
eval_slice (IotFilter *filter, Expr *e)
{
  GArray *in;
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (guint) * 2);

  eval_expr (filter, e->arg);
  in = e->arg->values;
  /* Copy the sliced bytes first, point into them after (the array may move). */
  for (guint i = 0; i < in->len; i++)
    {
      const FValue *v = &g_array_index (in, FValue, i);
      const guint8 *data;
      guint len, span[2];
      gboolean ok = TRUE;

      value_bytes (v, &data, &len);
      span[0] = e->bytes->len;
      for (guint r = 0; r < e->n_ranges && ok; r++)
        {
          const SliceRange *range = &e->ranges[r];
          gint64 start = range->start < 0 ? (gint64) len + range->start : range->start;
          gint64 count = range->to_end ? (gint64) len - start : range->length;

          if (start < 0 || count < 0 || start + count > (gint64) len)
            ok = FALSE;
          else
            g_byte_array_append (e->bytes, data + start, (guint) count);
        }
      span[1] = e->bytes->len - span[0];
      if (ok)
        g_array_append_vals (spans, span, 1);
      else
        g_byte_array_set_size (e->bytes, span[0]);
    }
  for (guint i = 0; i < spans->len; i++)
    {
      guint *span = &g_array_index (spans, guint, i * 2);
      FValue v = { CLASS_BYTES };

      v.v.p = scratch_at (e, span[0]);
      v.len = span[1];
      g_array_append_val (e->values, v);
    }
  g_array_unref (spans);
}

static void
eval_function (IotFilter *filter, Expr *e)
{
  GArray *in;
  g_autoptr (GString) text = NULL;
  GArray *spans;

  eval_expr (filter, e->arg);
  in = e->arg->values;
  if (e->func == FUNC_COUNT)
    {
      FValue v = { CLASS_UINT };

      v.v.u = in->len;
      g_array_append_val (e->values, v);
      return;
    }
  if (e->func == FUNC_LEN)
    {
      for (guint i = 0; i < in->len; i++)
        {
          FValue v = { CLASS_UINT };

          v.v.u = g_array_index (in, FValue, i).len;
          g_array_append_val (e->values, v);
        }
      return;
    }
  text = g_string_new (NULL);
  spans = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  for (guint i = 0; i < in->len; i++)
    {
      const FValue *v = &g_array_index (in, FValue, i);
      guint span[2] = { e->bytes->len, 0 };

      if (e->func == FUNC_STRING)
        {
          g_string_truncate (text, 0);
          if (e->arg->kind == EXPR_FIELD)
            {
              /* Re-format the value the way -T fields prints it. */
              IotNode node = { .field = e->arg->field };

              if (v->cls == CLASS_IPV4 || v->cls == CLASS_IPV6)
                node.v.p = v->v.ip;
              else if (v->cls == CLASS_UINT)
                node.v.u = v->v.u;
              else if (v->cls == CLASS_DOUBLE)
                node.v.d = v->v.d;
              else if (v->cls == CLASS_INT || v->cls == CLASS_ABSTIME || v->cls == CLASS_RELTIME)
                node.v.i = v->v.i;
              else
                node.v.p = v->v.p;
              node.vlen = v->len;
              iot_format_field_value (filter->pkt, &node, text);
            }
          else
            iot_format_hex (v->v.p, v->len, ":", text);
          g_byte_array_append (e->bytes, (const guint8 *) text->str, text->len);
        }
      else
        {
          for (guint k = 0; k < v->len; k++)
            {
              guint8 c = e->func == FUNC_LOWER ? g_ascii_tolower (v->v.p[k]) : g_ascii_toupper (v->v.p[k]);

              g_byte_array_append (e->bytes, &c, 1);
            }
        }
      span[1] = e->bytes->len - span[0];
      g_array_append_vals (spans, span, 1);
    }
  for (guint i = 0; i < spans->len; i++)
    {
      guint *span = &g_array_index (spans, guint, i * 2);
      FValue v = { CLASS_STRING };

      v.v.p = scratch_at (e, span[0]);
      v.len = span[1];
      g_array_append_val (e->values, v);
    }
  g_array_unref (spans);
}

static void eval_expr (IotFilter *filter, Expr *e);

/* "field & mask": integers bit by bit; bytes byte by byte (as long as the
 * shorter of the two). */
static void
eval_bitand (IotFilter *filter, Expr *e)
{
  const FValue *mask = &e->arg2->value;
  guint start = 0;

  eval_expr (filter, e->arg);
  if (e->cls != CLASS_BYTES)
    {
      for (guint i = 0; i < e->arg->values->len; i++)
        {
          FValue v = g_array_index (e->arg->values, FValue, i);

          v.v.u &= mask->v.u;
          g_array_append_val (e->values, v);
        }
      return;
    }
  for (guint i = 0; i < e->arg->values->len; i++)
    {
      const FValue *v = &g_array_index (e->arg->values, FValue, i);

      for (guint k = 0; k < MIN (v->len, mask->len); k++)
        {
          guint8 b = v->v.p[k] & mask->v.p[k];

          g_byte_array_append (e->bytes, &b, 1);
        }
    }
  /* Point into the scratch bytes only once they stop moving. */
  for (guint i = 0; i < e->arg->values->len; i++)
    {
      const FValue *v = &g_array_index (e->arg->values, FValue, i);
      FValue out = { CLASS_BYTES };

      out.len = MIN (v->len, mask->len);
      out.v.p = scratch_at (e, start);
      start += out.len;
      g_array_append_val (e->values, out);
    }
}

static void
eval_expr (IotFilter *filter, Expr *e)
{
  g_array_set_size (e->values, 0);
  g_byte_array_set_size (e->bytes, 0);
  switch (e->kind)
    {
    case EXPR_FIELD:
      eval_field (filter, e);
      break;
    case EXPR_LITERAL:
      if (!e->no_value)
        g_array_append_val (e->values, e->value);
      break;
    case EXPR_SLICE:
      eval_slice (filter, e);
      break;
    case EXPR_FUNC:
      eval_function (filter, e);
      break;
    case EXPR_BITAND:
      eval_bitand (filter, e);
      break;
    }
}

static gboolean
memchr_nonzero (const guint8 *p, guint len)
{
  for (guint i = 0; i < len; i++)
    if (p[i] != 0)
      return TRUE;
  return FALSE;
}

static gboolean
contains_bytes (const FValue *hay, const FValue *needle)
{
  if (needle->len == 0)
    return TRUE;
  if (needle->len > hay->len)
    return FALSE;
  return memmem (hay->v.p, hay->len, needle->v.p, needle->len) != NULL;
}

static gboolean
pair_holds (Test *t, const FValue *a, const FValue *b)
{
  int c;

  if (t->op == OP_CONTAINS)
    return contains_bytes (a, b);
  if (t->op == OP_MATCHES)
    return g_regex_match_full (t->regex, (const char *) a->v.p, a->len, 0, 0, NULL, NULL);
  c = compare_values (a, b);
  switch (t->op)
    {
    case OP_ANY_EQ:
    case OP_ALL_EQ:
      return c == 0;
    case OP_ALL_NE:
    case OP_ANY_NE:
      return c != 0;
    case OP_GT:
      return c > 0;
    case OP_GE:
      return c >= 0;
    case OP_LT:
      return c < 0;
    case OP_LE:
      return c <= 0;
    default:
      return FALSE;
    }
}

static gboolean
eval_comparison (IotFilter *filter, Test *t)
{
  GArray *a, *b;
  gboolean all = t->op == OP_ALL_NE || t->op == OP_ALL_EQ;

  eval_expr (filter, t->lhs);
  if (t->op == OP_MATCHES)
    {
      b = NULL;
    }
  else
    eval_expr (filter, t->rhs);
  a = t->lhs->values;
  b = t->op == OP_MATCHES ? t->lhs->values : t->rhs->values;
  if (a->len == 0)
    return FALSE;
  /* A literal without a value (see no_value): as in Wireshark, no pair
   * holds, so "all" is vacuously true and "any" false. */
  if (b->len == 0)
    return t->op != OP_MATCHES && t->rhs->kind == EXPR_LITERAL && t->rhs->no_value ? all : FALSE;
  for (guint i = 0; i < a->len; i++)
    for (guint j = 0; j < (t->op == OP_MATCHES ? 1 : b->len); j++)
      {
        gboolean holds = pair_holds (t, &g_array_index (a, FValue, i), &g_array_index (b, FValue, j));

        if (all && !holds)
          return FALSE;
        if (!all && holds)
          return TRUE;
      }
  return all;
}

static gboolean
eval_in (IotFilter *filter, Test *t)
{
  GArray *values;

  eval_expr (filter, t->lhs);
  values = t->lhs->values;
  for (guint i = 0; i < values->len; i++)
    for (guint k = 0; k < t->set->len; k++)
      {
        const SetItem *item = &g_array_index (t->set, SetItem, k);
        const FValue *v = &g_array_index (values, FValue, i);

        if (item->empty)
          continue;
        if (item->range ? compare_values (v, &item->low) >= 0 && compare_values (v, &item->high) <= 0
                        : compare_values (v, &item->low) == 0)
          return TRUE;
      }
  return FALSE;
}

static gboolean
eval_test (IotFilter *filter, Test *t)
{
  switch (t->kind)
    {
    case TEST_AND:
      for (guint i = 0; i < t->operands->len; i++)
        if (!eval_test (filter, g_ptr_array_index (t->operands, i)))
          return FALSE;
      return TRUE;
    case TEST_OR:
      for (guint i = 0; i < t->operands->len; i++)
        if (eval_test (filter, g_ptr_array_index (t->operands, i)))
          return TRUE;
      return FALSE;
    case TEST_NOT:
      return !eval_test (filter, t->a);
    case TEST_EXISTS:
      eval_expr (filter, t->lhs);
      return t->lhs->values->len > 0;
    case TEST_TRUTH:
      eval_expr (filter, t->lhs);
      for (guint i = 0; i < t->lhs->values->len; i++)
        {
          const FValue *v = &g_array_index (t->lhs->values, FValue, i);

          if (v->cls != CLASS_BYTES ? v->v.u != 0 : memchr_nonzero (v->v.p, v->len))
            return TRUE;
        }
      return FALSE;
    case TEST_CMP:
      return eval_comparison (filter, t);
    case TEST_IN:
      return eval_in (filter, t);
    }
  return FALSE;
}

gboolean
iot_filter_matches (IotFilter *filter, IotPacket *pkt)
{
  gboolean result;

  filter->pkt = pkt;
  result = eval_test (filter, filter->root);
  filter->pkt = NULL;
  return result;
}
